import { isUuid, normaliseUuid, type Tenant } from '../tenant.js';

/** Bus message headers: raw bytes per name, as Kafka carries them. */
export type Headers = Record<string, Buffer>;

function uint16(value: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16BE(value, 0);
  return bytes;
}

/**
 * The four tenant headers: TENANT_ID 36 ASCII bytes of the lower-case UUID (Go's uuid.String()), REGION UTF-8,
 * versions 2-byte big-endian uint16.
 */
export function tenantHeaders(tenant: Tenant): Headers {
  return {
    TENANT_ID: Buffer.from(normaliseUuid(tenant.id), 'ascii'),
    REGION: Buffer.from(tenant.region, 'utf8'),
    MAJOR_VERSION: uint16(tenant.majorVersion),
    MINOR_VERSION: uint16(tenant.minorVersion),
  };
}

/**
 * Reads the tenant back the way Atlas consumers do: TENANT_ID only when exactly 36 bytes of a UUID, versions
 * only when exactly 2 bytes. Returns undefined when no valid TENANT_ID is present, so that handlers can
 * refuse tenant-less messages instead of silently acting for the nil tenant.
 */
export function tenantFromHeaders(headers: Headers): Tenant | undefined {
  const id = headers.TENANT_ID;
  if (id?.length !== 36) return undefined;
  const text = id.toString('ascii');
  if (!isUuid(text)) return undefined;
  const version = (bytes: Buffer | undefined) => (bytes && bytes.length === 2 ? bytes.readUInt16BE(0) : 0);
  return {
    id: normaliseUuid(text),
    region: headers.REGION ? headers.REGION.toString('utf8') : '',
    majorVersion: version(headers.MAJOR_VERSION),
    minorVersion: version(headers.MINOR_VERSION),
  };
}

/** Atlas HEAD's deployment environment (`main`, `pr-123`), on REST requests and messages alike. */
export const ENVIRONMENT = 'ENVIRONMENT';

/** An ENVIRONMENT value as HEAD's gate could read it: printable ASCII, at most 128 characters. */
export function isEnvironment(text: string): boolean {
  return /^[\x21-\x7e]{1,128}$/.test(text);
}

/**
 * What a REST request passes on to the messages it causes, as bus headers: its W3C trace context (Atlas's Go
 * clients send `traceparent` on every call) and HEAD's ENVIRONMENT header.
 */
export function causeOfRequest(headers: Record<string, string | string[] | undefined>): Headers {
  const out: Headers = {};
  for (const [from, to] of [
    ['traceparent', 'traceparent'],
    ['tracestate', 'tracestate'],
    ['environment', ENVIRONMENT],
  ] as const) {
    const value = headers[from];
    const text = Array.isArray(value) ? value[0] : value;
    if (text) out[to] = Buffer.from(text, 'utf8');
  }
  return out;
}
