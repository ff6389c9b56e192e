import type { Resource } from '../../platform/http/jsonapi.js';
import { rfc3339, rfc3339Seconds } from '../core/go-time.js';
import type { InstanceRoute, ScheduledRoute, Vessel } from '../core/model.js';
import { evaluateSchedule, type RouteSchedule, voyageAt } from '../core/schedule.js';
import { type RouteTimetable, type Trip, tripAt, tripCount, utcDayStart } from '../core/timetable.js';
import type { RideStatus } from '../instances/rides.js';

// The JSON:API resources of transports.md §6, attribute order as the reference's Go structs, then the
// fields decisions C8 adds. Durations named without "Seconds" are Go time.Duration: nanoseconds.

const NS_PER_MS = 1_000_000;

export { rfc3339, rfc3339Seconds };

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
  'voyageId',
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
  'effectItemIds',
  'forcedReturnMapId',
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
 * Go's uint32 `*Seconds` of a duration: whole seconds, truncated as Go's conversion does (a travel rate can
 * leave a fraction; the nanosecond fields stay exact).
 */
const wholeSeconds = (ms: number) => Math.floor(ms / 1000);

/**
 * A route, its state evaluated at `now` (exact, where the reference showed the last tick's state), and the
 * schedule relationship: its links (written as the reference writes them, without `transports/`) and its
 * trip identifiers, an empty list when the trips are not included (api2go always writes `data` for a
 * to-many relationship, and a Go client reads a missing `data` as a to-one relationship).
 */
export function routeResource(
  route: ScheduledRoute,
  schedule: RouteSchedule,
  tenantId: string,
  now: number,
  trips: readonly Trip[] | undefined,
): Resource {
  const evaluation = evaluateSchedule(schedule, now);
  // HEAD writes voyageId only while in transit (omitempty): what atlas-events compares with its voyage.
  const voyage = evaluation.state === 'in_transit' ? voyageAt(schedule, tenantId, now) : undefined;
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
      boardingWindowSeconds: wholeSeconds(route.boardingWindowMs),
      preDepartureSeconds: wholeSeconds(route.preDepartureMs),
      travelDurationSeconds: wholeSeconds(route.travelMs),
      cycleIntervalSeconds: wholeSeconds(route.cycleIntervalMs),
      nextState: evaluation.nextState,
      nextTransitionAt: evaluation.nextTransitionAt === null ? '' : rfc3339(evaluation.nextTransitionAt),
      ...(voyage ? { voyageId: voyage.id } : {}),
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

/** A hull and the two routes it sails in turn; a route id is null when no route has the configured name. */
export function vesselResource(vessel: Vessel, routeIdOf: (name: string) => string | null): Resource {
  return {
    type: 'vessels',
    id: vessel.slug,
    attributes: {
      name: vessel.name,
      routeAId: routeIdOf(vessel.routeAName),
      routeBId: routeIdOf(vessel.routeBName),
      turnaroundSeconds: wholeSeconds(vessel.turnaroundMs),
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
      boardingWindowSeconds: wholeSeconds(route.boardingWindowMs),
      travelDurationSeconds: wholeSeconds(route.travelMs),
      effectItemIds: [...route.effectItemIds],
      forcedReturnMapId: route.forcedReturnMapId,
    },
  };
}

export function instanceStatusResource(instance: RideStatus): Resource {
  return {
    type: 'instance-status',
    id: instance.id,
    attributes: {
      routeId: instance.routeId,
      state: instance.state,
      characters: instance.characters,
      boardingUntil: rfc3339Seconds(instance.boardingUntil),
      arrivalAt: rfc3339Seconds(instance.arrivalAt),
      createdAt: rfc3339Seconds(instance.createdAt),
    },
  };
}
