import type { Logger } from '../logging.js';
import { type Tenant, tenantToHttpHeaders } from '../tenant.js';

export interface RemoteResource {
  readonly type: string;
  readonly id: string;
  readonly attributes: Record<string, unknown>;
}

const DRAIN_PAGE_SIZE = 250;
/** 250,000 resources: beyond that an upstream's `meta` is not believed. */
const MAX_DRAIN_PAGES = 1_000;

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

  /**
   * Every page of a list (Atlas HEAD's lists are paginated, 50 a page by default): pages of 250 from 1 to
   * `meta.page.last`, as Go's DrainProvider reads them; an answer without `meta` (the reference's services
   * ignore page parameters and answer the whole list) is complete on its own.
   */
  async getMany(url: string, type: string, tenant?: Tenant): Promise<RemoteResource[]> {
    const out: RemoteResource[] = [];
    let last = 1;
    for (let number = 1; number <= last; number++) {
      const pageUrl = new URL(url);
      pageUrl.searchParams.set('page[number]', String(number));
      pageUrl.searchParams.set('page[size]', String(DRAIN_PAGE_SIZE));
      const { data, status, meta } = await this.get(pageUrl.toString(), tenant);
      const list = Array.isArray(data) ? data : [data];
      for (const item of list) out.push(this.resource(url, status, item, type));
      const announced = (meta as { page?: { last?: unknown } } | undefined)?.page?.last;
      if (number === 1 && typeof announced === 'number' && Number.isInteger(announced)) {
        if (announced > MAX_DRAIN_PAGES) {
          throw new RemoteError(url, status, `${announced} pages is more than ${MAX_DRAIN_PAGES}`);
        }
        last = announced;
      }
    }
    return out;
  }

  async getOne(url: string, type: string, tenant?: Tenant): Promise<RemoteResource> {
    const { data, status } = await this.get(url, tenant);
    if (Array.isArray(data)) throw new RemoteError(url, status, 'expected a single resource');
    return this.resource(url, status, data, type);
  }

  private async get(
    url: string,
    tenant?: Tenant,
  ): Promise<{ data: unknown; status: number; meta?: unknown }> {
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
    const { data, meta } = body as { data: unknown; meta?: unknown };
    return { data, status: response.status, meta };
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
