/**
 * The tenant travels with every REST request (four headers, decimal versions) and every bus message (four
 * headers, binary versions). Everything in atlas-ts is scoped by `id`; region and versions select game rules.
 */
export interface Tenant {
  readonly id: string;
  readonly region: string;
  readonly majorVersion: number;
  readonly minorVersion: number;
}

/** The tenant of the shipped configuration (config/tenants.json): GMS 83.1. */
export const SAMPLE_TENANT: Tenant = {
  id: '083839c6-c47c-42a6-9585-76492795d123',
  region: 'GMS',
  majorVersion: 83,
  minorVersion: 1,
};

export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(text: string): boolean {
  return UUID_PATTERN.test(text);
}

/** Lower-cases a UUID so that ids compare and serialise exactly as the Go services write them. */
export function normaliseUuid(text: string): string {
  return text.toLowerCase();
}

export type TenantHeaderName = 'TENANT_ID' | 'REGION' | 'MAJOR_VERSION' | 'MINOR_VERSION';
export const TENANT_HEADERS: readonly TenantHeaderName[] = [
  'TENANT_ID',
  'REGION',
  'MAJOR_VERSION',
  'MINOR_VERSION',
];

export class TenantHeaderError extends Error {
  constructor(
    readonly header: TenantHeaderName,
    detail: string,
  ) {
    super(`${header} ${detail}`);
  }
}

const VERSION_PATTERN = /^\d{1,5}$/;

/**
 * Parses the REST form: header names are matched case-insensitively (Node lower-cases them; Go clients send
 * `Tenant_id`), versions are decimal integers 0..65535.
 */
export function tenantFromHttpHeaders(headers: Record<string, string | string[] | undefined>): Tenant {
  // Node hands over lower-cased names, but callers may pass any spelling (`Tenant_id`, `TENANT_ID`).
  const byName = new Map<string, string | string[] | undefined>();
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!byName.has(lower) || byName.get(lower) === undefined) byName.set(lower, value);
  }
  const read = (name: TenantHeaderName): string => {
    const value = byName.get(name.toLowerCase());
    const text = Array.isArray(value) ? value[0] : value;
    if (text === undefined || text.trim() === '') throw new TenantHeaderError(name, 'is not supplied');
    return text.trim();
  };
  const id = read('TENANT_ID');
  if (!isUuid(id)) throw new TenantHeaderError('TENANT_ID', 'must be a UUID');
  const region = read('REGION');
  const version = (name: 'MAJOR_VERSION' | 'MINOR_VERSION'): number => {
    const text = read(name);
    const value = VERSION_PATTERN.test(text) ? Number(text) : Number.NaN;
    if (!(value >= 0 && value <= 65535)) throw new TenantHeaderError(name, 'must be an integer 0..65535');
    return value;
  };
  return {
    id: normaliseUuid(id),
    region,
    majorVersion: version('MAJOR_VERSION'),
    minorVersion: version('MINOR_VERSION'),
  };
}

/** Decimal-string headers for outbound REST calls to other Atlas services. */
export function tenantToHttpHeaders(tenant: Tenant): Record<string, string> {
  return {
    TENANT_ID: tenant.id,
    REGION: tenant.region,
    MAJOR_VERSION: String(tenant.majorVersion),
    MINOR_VERSION: String(tenant.minorVersion),
  };
}
