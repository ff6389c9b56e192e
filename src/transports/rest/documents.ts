import type { Resource } from '../../platform/http/jsonapi.js';
import { evaluate } from '../core/evaluate.js';
import type { InstanceRoute, ScheduledRoute } from '../core/model.js';
import { type RouteTimetable, type Trip, tripAt, tripCount, utcDayStart } from '../core/timetable.js';
import type { TransportInstance } from '../instances/registry.js';

// The JSON:API resources of transports.md §6, attribute order as the reference's Go structs, then the
// fields decisions C8 adds. Durations named without "Seconds" are Go time.Duration: nanoseconds.

const NS_PER_MS = 1_000_000;

/** A time.Time as Go's encoding/json writes it (RFC3339Nano, UTC): trailing zeros of the fraction dropped. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.?0*Z$/, 'Z');
}

/** Go's `t.Format(time.RFC3339)`: whole seconds, the fraction truncated (the instance status strings). */
export function rfc3339Seconds(ms: number): string {
  return new Date(ms - (((ms % 1000) + 1000) % 1000)).toISOString().replace('.000Z', 'Z');
}

export const ROUTE_ATTRIBUTES = [
  'name',
  'startMapId',
  'stagingMapId',
  'enRouteMapIds',
  'destinationMapId',
  'observationMapId',
  'state',
  'cycleInterval',
  'boardingWindowSeconds',
  'preDepartureSeconds',
  'travelDurationSeconds',
  'cycleIntervalSeconds',
  'nextState',
  'nextTransitionAt',
] as const;

export const TRIP_ATTRIBUTES = ['boardingOpen', 'boardingClosed', 'departure', 'arrival'] as const;

export const INSTANCE_ROUTE_ATTRIBUTES = [
  'name',
  'startMapId',
  'transitMapIds',
  'destinationMapId',
  'capacity',
  'boardingWindow',
  'travelDuration',
  'boardingWindowSeconds',
  'travelDurationSeconds',
] as const;

export const INSTANCE_STATUS_ATTRIBUTES = [
  'routeId',
  'state',
  'characters',
  'boardingUntil',
  'arrivalAt',
  'createdAt',
] as const;

export function tripResource(trip: Trip): Resource {
  return {
    type: 'trip-schedule',
    id: trip.tripId,
    attributes: {
      boardingOpen: rfc3339(trip.boardingOpen),
      boardingClosed: rfc3339(trip.boardingClosed),
      departure: rfc3339(trip.departure),
      arrival: rfc3339(trip.arrival),
    },
  };
}

/** Today's trips (UTC date of `now`): the timetable repeats daily, so today's date is the useful one. */
export function tripsOfToday(timetable: RouteTimetable, now: number): Trip[] {
  const dayStart = utcDayStart(now);
  return Array.from({ length: tripCount(timetable) }, (_, index) => tripAt(timetable, index, dayStart));
}

/**
 * A route, its state evaluated at `now` (exact, where the reference showed the last tick's state), and the
 * schedule relationship: its links (written as the reference writes them, without `transports/`) and its
 * trip identifiers, an empty list when the trips are not included (api2go always writes `data` for a
 * to-many relationship, and a Go client reads a missing `data` as a to-one relationship).
 */
export function routeResource(
  route: ScheduledRoute,
  timetable: RouteTimetable,
  now: number,
  trips: readonly Trip[] | undefined,
): Resource {
  const evaluation = evaluate(timetable, now);
  return {
    type: 'routes',
    id: route.id,
    attributes: {
      name: route.name,
      startMapId: route.startMapId,
      stagingMapId: route.stagingMapId,
      enRouteMapIds: [...route.enRouteMapIds],
      destinationMapId: route.destinationMapId,
      observationMapId: route.observationMapId,
      state: evaluation.state,
      cycleInterval: route.cycleIntervalMs * NS_PER_MS,
      boardingWindowSeconds: route.boardingWindowMs / 1000,
      preDepartureSeconds: route.preDepartureMs / 1000,
      travelDurationSeconds: route.travelMs / 1000,
      cycleIntervalSeconds: route.cycleIntervalMs / 1000,
      nextState: evaluation.nextState,
      nextTransitionAt: evaluation.nextTransitionAt === null ? '' : rfc3339(evaluation.nextTransitionAt),
    },
    relationships: {
      schedule: {
        links: {
          related: `/api/routes/${route.id}/schedule`,
          self: `/api/routes/${route.id}/relationships/schedule`,
        },
        data: (trips ?? []).map((trip) => ({ type: 'trip-schedule', id: trip.tripId })),
      },
    },
  };
}

export function instanceRouteResource(route: InstanceRoute): Resource {
  return {
    type: 'instance-routes',
    id: route.id,
    attributes: {
      name: route.name,
      startMapId: route.startMapId,
      transitMapIds: [...route.transitMapIds],
      destinationMapId: route.destinationMapId,
      capacity: route.capacity,
      boardingWindow: route.boardingWindowMs * NS_PER_MS,
      travelDuration: route.travelMs * NS_PER_MS,
      boardingWindowSeconds: route.boardingWindowMs / 1000,
      travelDurationSeconds: route.travelMs / 1000,
    },
  };
}

export function instanceStatusResource(instance: TransportInstance): Resource {
  return {
    type: 'instance-status',
    id: instance.id,
    attributes: {
      routeId: instance.route.id,
      state: instance.state,
      characters: instance.characters.length,
      boardingUntil: rfc3339Seconds(instance.boardingUntil),
      arrivalAt: rfc3339Seconds(instance.arrivalAt),
      createdAt: rfc3339Seconds(instance.createdAt),
    },
  };
}
