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

const TRACE_HEADERS = ['traceparent', 'tracestate'] as const;

/**
 * The W3C trace context of an HTTP request as bus headers, so that the messages a REST call causes continue
 * its trace (Atlas's Go clients send `traceparent` on every call).
 */
export function traceHeadersOfRequest(headers: Record<string, string | string[] | undefined>): Headers {
  const out: Headers = {};
  for (const name of TRACE_HEADERS) {
    const value = headers[name];
    const text = Array.isArray(value) ? value[0] : value;
    if (text) out[name] = Buffer.from(text, 'utf8');
  }
  return out;
}
