import { v5 as uuidv5 } from 'uuid';

// Ids are UUIDv5 derived from the tenant id and the configuration slug (decisions C1, as later Atlas
// does), so a route keeps its id across restarts, reloads and replicas.

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The namespace as raw bytes: the uuid package rejects string namespaces whose version or variant bits
 * are not RFC 9562 ones, while Go's uuid.NewSHA1 (which later Atlas uses) takes any 16 bytes.
 */
function namespaceBytes(namespace: string): Uint8Array {
  if (!GUID.test(namespace)) throw new TypeError(`"${namespace}" is not a UUID`);
  return Uint8Array.from(Buffer.from(namespace.replaceAll('-', ''), 'hex'));
}

export function scheduledRouteId(tenantId: string, slug: string): string {
  return uuidv5(`routes/${slug}`, namespaceBytes(tenantId));
}

export function instanceRouteId(tenantId: string, slug: string): string {
  return uuidv5(`instance-routes/${slug}`, namespaceBytes(tenantId));
}

/** Stable for a given route, UTC day and trip index, so REST clients see the same trip id all day. */
export function tripId(routeId: string, dayStartMs: number, index: number): string {
  const day = new Date(dayStartMs).toISOString().slice(0, 10);
  return uuidv5(`trips/${day}/${index}`, namespaceBytes(routeId));
}
