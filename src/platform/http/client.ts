import type { Logger } from '../logging.js';
import { type Tenant, tenantToHttpHeaders } from '../tenant.js';

export interface RemoteResource {
  readonly type: string;
  readonly id: string;
  readonly attributes: Record<string, unknown>;
}

export class RemoteError extends Error {
  constructor(
    readonly url: string,
    readonly status: number | undefined,
    detail: string,
  ) {
    super(`${url}: ${detail}`);
  }
}

/**
 * GETs JSON:API documents from other Atlas services with the tenant headers, a timeout and a type check, as
 * the reference's request helpers do (200/202 accepted, anything else an error).
 */
export class AtlasClient {
  constructor(
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {}

  async getMany(url: string, type: string, tenant?: Tenant): Promise<RemoteResource[]> {
    const { data, status } = await this.get(url, tenant);
    const list = Array.isArray(data) ? data : [data];
    return list.map((item) => this.resource(url, status, item, type));
  }

  async getOne(url: string, type: string, tenant?: Tenant): Promise<RemoteResource> {
    const { data, status } = await this.get(url, tenant);
    if (Array.isArray(data)) throw new RemoteError(url, status, 'expected a single resource');
    return this.resource(url, status, data, type);
  }

  private async get(url: string, tenant?: Tenant): Promise<{ data: unknown; status: number }> {
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      ...(tenant ? tenantToHttpHeaders(tenant) : {}),
    };
    let response: Response;
    try {
      response = await fetch(url, { headers, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      this.logger.warn({ url, err: error }, 'outbound request failed');
      throw new RemoteError(url, undefined, (error as Error).message);
    }
    if (response.status !== 200 && response.status !== 202) {
      await response.body?.cancel();
      throw new RemoteError(url, response.status, `status ${response.status}`);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch (error) {
      throw new RemoteError(url, response.status, `invalid JSON: ${(error as Error).message}`);
    }
    if (typeof body !== 'object' || body === null || !('data' in body)) {
      throw new RemoteError(url, response.status, 'not a JSON:API document');
    }
    return { data: (body as { data: unknown }).data, status: response.status };
  }

  // Errors carry the status actually received (200 or 202), not an assumed one.
  private resource(url: string, status: number, item: unknown, type: string): RemoteResource {
    if (typeof item !== 'object' || item === null)
      throw new RemoteError(url, status, 'resource is not an object');
    const { type: actual, id, attributes } = item as { type?: unknown; id?: unknown; attributes?: unknown };
    if (actual !== type) throw new RemoteError(url, status, `expected type ${type}, got ${String(actual)}`);
    return {
      type,
      id: typeof id === 'string' ? id : String(id ?? ''),
      attributes:
        typeof attributes === 'object' && attributes !== null ? (attributes as Record<string, unknown>) : {},
    };
  }
}
