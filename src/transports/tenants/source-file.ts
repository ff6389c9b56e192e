import { readFile } from 'node:fs/promises';
import { parseTenantsFile } from '../core/config.js';
import type { SourceResult, TenantSource } from './source.js';

/**
 * config/tenants.json (or CONFIG_FILE): read again on every reload, so editing the file and sending a
 * configuration event applies the change without a restart.
 */
export class FileTenantSource implements TenantSource {
  readonly refreshMs = undefined;

  constructor(private readonly file: string) {}

  get description(): string {
    return `file ${this.file}`;
  }

  async loadAll(): Promise<SourceResult> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      throw new Error(`cannot read ${this.file}: ${(error as Error).message}`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new Error(`${this.file} is not JSON: ${(error as Error).message}`);
    }
    const { configurations, problems } = parseTenantsFile(raw);
    return {
      configurations,
      problems: [
        ...problems,
        ...configurations.flatMap((c) => c.problems.map((p) => `tenant "${c.tenant.id}": ${p}`)),
      ],
    };
  }

  async loadOne(tenantId: string) {
    const { configurations, problems } = await this.loadAll();
    const configuration = configurations.find((c) => c.tenant.id === tenantId);
    const own = problems.filter((p) => p.includes(tenantId));
    return configuration ? { configuration, problems: own } : { problems: own };
  }
}
