import * as z from 'zod';

// The configuration exactly as atlas-tenants serves it (JSON:API resources with the slug as id) and as
// the bundled config/tenants.json stores it. Units are the reference's: route durations in minutes,
// vessel turnaround and instance-route durations in seconds. Messages read after the field name,
// e.g. "travelDuration must be positive".

/** "is required" when the field is absent, "must be <expected>" when it has the wrong JSON type. */
function typed(expected: string) {
  return {
    error: (issue: { input?: unknown }) =>
      issue.input === undefined ? 'is required' : `must be ${expected}`,
  };
}

function integerIn(min: number, max: number, what: string) {
  const message = `must be ${what} (an integer from ${min} to ${max})`;
  return z.number(typed(what)).int(message).min(min, message).max(max, message);
}

const UINT32_MAX = 0xffff_ffff;
/**
 * REST shows route durations as Go time.Duration nanoseconds (int64): more minutes than this would print a
 * number no Go client can decode, and one such route would make the whole route list unreadable.
 */
const MAX_ROUTE_MINUTES = 153_722_867;

const mapId = integerIn(0, UINT32_MAX, 'a map id');
const uint8 = integerIn(0, 0xff, 'an 8-bit id');
const uint16 = integerIn(0, 0xffff, 'a 16-bit number');

/** A duration count as the reference's uint32 configuration fields hold it, capped at `max`. */
function duration(min: 0 | 1, max: number) {
  return z
    .number(typed('an integer'))
    .int('must be an integer')
    .min(min, min === 1 ? 'must be positive' : 'must not be negative')
    .max(max, `must be at most ${max}`);
}
const minutes = duration(1, MAX_ROUTE_MINUTES);
const seconds = duration(1, UINT32_MAX);
const nonEmpty = z.string(typed('a string')).min(1, 'must not be empty');
const mapIds = z.array(mapId, typed('a list of map ids')).min(1, 'must list at least one map id');

function resource<Kind extends string, Shape extends z.ZodRawShape>(kind: Kind, attributes: Shape) {
  return z.object(
    {
      id: nonEmpty,
      type: z.literal(kind, { error: `must be "${kind}"` }),
      attributes: z.object(attributes, typed('an object')),
    },
    typed('an object'),
  );
}

export const routeResourceSchema = resource('routes', {
  name: nonEmpty,
  startMapId: mapId,
  stagingMapId: mapId,
  enRouteMapIds: mapIds,
  destinationMapId: mapId,
  observationMapId: mapId,
  boardingWindowDuration: minutes,
  // Zero is allowed: the subway closes its doors and departs at the same instant.
  preDepartureDuration: duration(0, MAX_ROUTE_MINUTES),
  travelDuration: minutes,
  cycleInterval: minutes,
});

export const vesselResourceSchema = resource('vessels', {
  name: z.string(typed('a string')),
  routeAID: nonEmpty,
  routeBID: nonEmpty,
  turnaroundDelay: seconds,
});

/**
 * A consumable ("use") item: MapleStory item ids of inventory type 2 are 2,000,000-2,999,999. Anything else
 * names no consumable, so no effect could be applied or cancelled.
 */
const consumableItemId = z
  .number(typed('an item id'))
  .int('must be an item id (an integer)')
  .min(2_000_000, 'must be a consumable item id (2000000 to 2999999)')
  .max(2_999_999, 'must be a consumable item id (2000000 to 2999999)');

/**
 * Per tenant, beyond Atlas: every duration is divided by it. Up to 1000 (a one-minute leg lasts 60 ms; every
 * positive duration keeps at least 1 ms, and a JSON string or zero is an error, not a default).
 */
export const travelRateSchema = z
  .number(typed('a number'))
  .gt(0, 'must be a number greater than 0')
  .max(1000, 'must be at most 1000');

export const instanceRouteResourceSchema = resource('instance-routes', {
  name: nonEmpty,
  startMapId: mapId,
  transitMapIds: mapIds,
  destinationMapId: mapId,
  capacity: integerIn(1, UINT32_MAX, 'a capacity'),
  boardingWindowSeconds: seconds,
  // Zero is allowed: arrival then follows the end of boarding immediately.
  travelDurationSeconds: duration(0, UINT32_MAX),
  transitMessage: z.string(typed('a string')).optional(),
  // HEAD #1190. Absent means none; HEAD serves `[]` and 0 for "none", so those are accepted too.
  effectItemIds: z
    .array(consumableItemId, typed('a list of item ids'))
    .refine((ids) => new Set(ids).size === ids.length, 'must not list an item twice')
    .nullish(),
  // 0 would warp a timed-out rider to map 0: written explicitly it is a mistake, so it is refused.
  forcedReturnMapId: integerIn(1, UINT32_MAX, 'a map id other than 0').optional(),
});

export const worldSchema = z.object(
  {
    id: uint8,
    name: z.string(typed('a string')),
    channels: z.array(uint8, typed('a list of channel ids')),
  },
  typed('an object'),
);

/** One tenant of config/tenants.json; its resource lists are checked entry by entry afterwards. */
export const tenantEntrySchema = z.object(
  {
    id: z.guid('must be a UUID'),
    name: z.string(typed('a string')),
    region: nonEmpty,
    majorVersion: uint16,
    minorVersion: uint16,
    worlds: z.array(worldSchema, typed('a list')).default([]),
    travelRate: travelRateSchema.default(1),
    routes: z.array(z.unknown(), typed('a list')).default([]),
    vessels: z.array(z.unknown(), typed('a list')).default([]),
    instanceRoutes: z.array(z.unknown(), typed('a list')).default([]),
  },
  typed('an object'),
);

export const tenantsFileSchema = z.object(
  { tenants: z.array(z.unknown(), typed('a list')) },
  typed('an object'),
);

export type RouteResource = z.infer<typeof routeResourceSchema>;
export type VesselResource = z.infer<typeof vesselResourceSchema>;
export type InstanceRouteResource = z.infer<typeof instanceRouteResourceSchema>;
export type TenantEntry = z.infer<typeof tenantEntrySchema>;

/** Zod issues as "field message" phrases, with JSON:API's `attributes.` prefix dropped. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path[0] === 'attributes' && issue.path.length > 1 ? issue.path.slice(1) : issue.path;
      const field = path.reduce<string>(
        (text, key) =>
          typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key),
        '',
      );
      return field ? `${field} ${issue.message}` : issue.message;
    })
    .join('; ');
}
