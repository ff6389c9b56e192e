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
    const data = await this.get(url, tenant);
    const list = Array.isArray(data) ? data : [data];
    return list.map((item) => this.resource(url, item, type));
  }

  async getOne(url: string, type: string, tenant?: Tenant): Promise<RemoteResource> {
    const data = await this.get(url, tenant);
    if (Array.isArray(data)) throw new RemoteError(url, 200, 'expected a single resource');
    return this.resource(url, data, type);
  }

  private async get(url: string, tenant?: Tenant): Promise<unknown> {
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
    return (body as { data: unknown }).data;
  }

  private resource(url: string, item: unknown, type: string): RemoteResource {
    if (typeof item !== 'object' || item === null)
      throw new RemoteError(url, 200, 'resource is not an object');
    const { type: actual, id, attributes } = item as { type?: unknown; id?: unknown; attributes?: unknown };
    if (actual !== type) throw new RemoteError(url, 200, `expected type ${type}, got ${String(actual)}`);
    return {
      type,
      id: typeof id === 'string' ? id : String(id ?? ''),
      attributes:
        typeof attributes === 'object' && attributes !== null ? (attributes as Record<string, unknown>) : {},
    };
  }
}
