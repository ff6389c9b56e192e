import { v5 as uuidv5 } from 'uuid';

// Ids are UUIDv5 derived from the tenant id and the configuration slug (decisions C1, as later Atlas
// does), so a route keeps its id across restarts, reloads and replicas.

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The namespace as raw bytes: the uuid package rejects string namespaces whose version or variant bits
 * are not RFC 9562 ones, while Go's uuid.NewSHA1 (which later Atlas uses) takes any 16 bytes.
 */
function namespaceBytes(namespace: string): Uint8Array {
  let bytes = namespaces.get(namespace);
  if (!bytes) {
    if (!GUID.test(namespace)) throw new TypeError(`"${namespace}" is not a UUID`);
    bytes = Uint8Array.from(Buffer.from(namespace.replaceAll('-', ''), 'hex'));
    // Namespaces are tenant and route ids, as many as the configuration has; the bound only guards misuse.
    if (namespaces.size >= 100_000) namespaces.clear();
    namespaces.set(namespace, bytes);
  }
  return bytes;
}

// Every departure derives two ids (its trip's and its voyage's): at midnight 12,000 routes depart at once.
const namespaces = new Map<string, Uint8Array>();

export function scheduledRouteId(tenantId: string, slug: string): string {
  return uuidv5(`routes/${slug}`, namespaceBytes(tenantId));
}

export function instanceRouteId(tenantId: string, slug: string): string {
  return uuidv5(`instance-routes/${slug}`, namespaceBytes(tenantId));
}

/**
 * Stable for a given route, UTC day and departure time, so REST clients see the same trip id all day. The
 * departure (ms since UTC midnight), not the trip's index, names it: after a reload or a travel-rate change
 * the day's fifth trip leaves at another time and is another voyage, and must not share the id of the fifth
 * trip that already sailed (voyages are announced once per id).
 */
export function tripId(routeId: string, dayStartMs: number, departureOfDayMs: number): string {
  const day = new Date(dayStartMs).toISOString().slice(0, 10);
  return uuidv5(`trips/${day}/${departureOfDayMs}`, namespaceBytes(routeId));
}

/** HEAD's voyage namespace (AT/transport/voyage.go): part of the wire contract, atlas-events matches by id. */
export const VOYAGE_NAMESPACE = '6f3a1b2c-9d4e-4a71-8c55-0b7f2d9e4a10';

/**
 * One trip of one route on one day, as HEAD derives it: UUIDv5(voyage namespace,
 * `tenantId|routeId|tripId|YYYY-MM-DD` of the departure, UTC). A pure function of stable ids, so every
 * restart and replica derives the same id.
 */
export function voyageId(tenantId: string, routeId: string, trip: string, departedAt: number): string {
  const day = new Date(departedAt).toISOString().slice(0, 10);
  return uuidv5(`${tenantId}|${routeId}|${trip}|${day}`, namespaceBytes(VOYAGE_NAMESPACE));
}
