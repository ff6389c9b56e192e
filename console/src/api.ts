/**
 * Every call the console makes: the tenant headers and the operator token on each request, the server's clock
 * read from each answer (x-server-time: the application's clock, which may be a ManualClock), and JSON:API
 * errors turned into ApiError with the server's detail.
 */

export interface TenantChoice {
  readonly id: string;
  readonly region: string;
  readonly majorVersion: number;
  readonly minorVersion: number;
}

export interface Resource<A = Record<string, unknown>> {
  readonly type: string;
  readonly id: string;
  readonly attributes: A;
  readonly relationships?: Record<string, { data?: { type: string; id: string }[] }>;
}

export interface Document<A = Record<string, unknown>> {
  readonly data: Resource<A>[];
  readonly included?: Resource[];
}

export interface Single<A = Record<string, unknown>> {
  readonly data: Resource<A>;
  readonly included?: Resource[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

let tenant: TenantChoice | undefined;
let token = '';
/** Server time minus browser time, from the last answer. */
let offset = 0;

export function useTenant(choice: TenantChoice | undefined): void {
  tenant = choice;
}

export function currentTenant(): TenantChoice | undefined {
  return tenant;
}

export function useToken(value: string): void {
  token = value.trim();
}

/** The server's now, in ms: what every countdown is measured against. */
export function serverNow(): number {
  return Date.now() + offset;
}

function headers(json: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  if (tenant) {
    out.TENANT_ID = tenant.id;
    out.REGION = tenant.region;
    out.MAJOR_VERSION = String(tenant.majorVersion);
    out.MINOR_VERSION = String(tenant.minorVersion);
  }
  if (token) out.Authorization = `Bearer ${token}`;
  if (json) out['Content-Type'] = 'application/json';
  return out;
}

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  const response = await fetch(path, {
    method,
    headers: headers(body !== undefined),
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    cache: 'no-store',
  });
  const serverTime = Number(response.headers.get('x-server-time'));
  if (serverTime > 0) offset = serverTime - Date.now();
  if (!response.ok) {
    let detail = `${response.status} ${response.statusText}`;
    try {
      const document = (await response.json()) as { errors?: { detail?: string; title?: string }[] };
      detail = document.errors?.[0]?.detail ?? document.errors?.[0]?.title ?? detail;
    } catch {
      // Not JSON: the status line says it.
    }
    throw new ApiError(response.status, detail);
  }
  return response;
}

export async function get<T>(path: string): Promise<T> {
  return (await (await send('GET', path)).json()) as T;
}

export async function getText(path: string): Promise<string> {
  return (await send('GET', path)).text();
}

/** PUT/POST/DELETE; the answer's document if it has one. */
export async function write(
  method: 'PUT' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<unknown> {
  const response = await send(method, path, body);
  const text = await response.text();
  return text === '' ? undefined : JSON.parse(text);
}

/** The query string EventSource needs, since it cannot send headers. */
export function tenantQuery(): string {
  if (!tenant) return '';
  return new URLSearchParams({
    tenantId: tenant.id,
    region: tenant.region,
    majorVersion: String(tenant.majorVersion),
    minorVersion: String(tenant.minorVersion),
  }).toString();
}
