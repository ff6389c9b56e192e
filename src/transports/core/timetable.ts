import { tripId } from './ids.js';
import type { ScheduledRoute, Vessel } from './model.js';

export const DAY_MS = 86_400_000;

// A route's day is packed four int32 per trip: a thousand tenants hold about a million trips, which as
// objects (with their date and uuid strings) would cost hundreds of megabytes; packed they take 16 MB.
// Times are milliseconds since UTC midnight: the same timetable repeats every day, and no trip crosses
// midnight (an arrival must fall strictly before 24:00), so every value fits in an int32.
export const TRIP_STRIDE = 4;
export const BOARDING_OPEN = 0;
export const BOARDING_CLOSED = 1;
export const DEPARTURE = 2;
export const ARRIVAL = 3;

/**
 * One route's trips of the day, in chronological order. Every trip of a route has that route's
 * durations, so each of the four times grows from one trip to the next.
 */
export interface RouteTimetable {
  readonly routeId: string;
  readonly times: Int32Array;
}

/** One trip as REST shows it: absolute epoch milliseconds. */
export interface Trip {
  readonly tripId: string;
  readonly boardingOpen: number;
  readonly boardingClosed: number;
  readonly departure: number;
  readonly arrival: number;
}

export function utcDayStart(epochMs: number): number {
  return epochMs - (((epochMs % DAY_MS) + DAY_MS) % DAY_MS);
}

function tripLength(route: ScheduledRoute): number {
  return route.boardingWindowMs + route.preDepartureMs + route.travelMs;
}

/** A route no vessel names runs on its own cadence; a trip that would arrive at 24:00 or later is dropped. */
function independentBoardingOpens(route: ScheduledRoute, opens: number[]): void {
  const length = tripLength(route);
  for (let open = 0; open + length < DAY_MS; open += route.cycleIntervalMs) opens.push(open);
}

/**
 * A vessel's two legs alternate from 00:00 UTC with leg A, each leg leaving `turnaround` after the other
 * arrives; the legs' own cycle intervals play no part.
 */
function vesselBoardingOpens(
  legA: ScheduledRoute,
  legB: ScheduledRoute,
  turnaroundMs: number,
  opensOf: (route: ScheduledRoute) => number[],
): void {
  let leg = legA;
  let open = 0;
  while (open < DAY_MS) {
    const arrival = open + tripLength(leg);
    if (arrival < DAY_MS) opensOf(leg).push(open);
    open = arrival + turnaroundMs;
    leg = leg === legA ? legB : legA;
  }
}

/** As the reference scans: a route matching leg A's name is never taken as leg B (so A == B finds no B). */
function findLegs(
  routes: readonly ScheduledRoute[],
  vessel: Vessel,
): [ScheduledRoute, ScheduledRoute] | null {
  let legA: ScheduledRoute | undefined;
  let legB: ScheduledRoute | undefined;
  for (const route of routes) {
    if (route.name === vessel.routeAName) legA = route;
    else if (route.name === vessel.routeBName) legB = route;
  }
  return legA && legB ? [legA, legB] : null;
}

function packTimetable(route: ScheduledRoute, opens: number[]): RouteTimetable {
  // Only a route named by two vessels collects out of order; sorting sorted input is linear.
  opens.sort((x, y) => x - y);
  const times = new Int32Array(opens.length * TRIP_STRIDE);
  opens.forEach((open, index) => {
    const base = index * TRIP_STRIDE;
    times[base + BOARDING_OPEN] = open;
    times[base + BOARDING_CLOSED] = open + route.boardingWindowMs;
    times[base + DEPARTURE] = open + route.boardingWindowMs + route.preDepartureMs;
    times[base + ARRIVAL] = open + tripLength(route);
  });
  return { routeId: route.id, times };
}

/**
 * The day's trips of every route, keyed by route id; a route without trips gets an empty timetable.
 * Routes named by a vessel (as leg A or B) run only as that vessel's legs, even when its other leg is
 * missing and the vessel therefore runs no trips at all.
 */
export function computeTimetables(
  routes: readonly ScheduledRoute[],
  vessels: readonly Vessel[],
): Map<string, RouteTimetable> {
  const opensByRoute = new Map<string, number[]>(routes.map((route) => [route.id, []]));
  const opensOf = (route: ScheduledRoute): number[] => opensByRoute.get(route.id)!;
  const vesselLegNames = new Set(vessels.flatMap((vessel) => [vessel.routeAName, vessel.routeBName]));
  for (const route of routes) {
    if (!vesselLegNames.has(route.name)) independentBoardingOpens(route, opensOf(route));
  }
  for (const vessel of vessels) {
    const legs = findLegs(routes, vessel);
    if (legs) vesselBoardingOpens(legs[0], legs[1], vessel.turnaroundMs, opensOf);
  }
  return new Map(routes.map((route) => [route.id, packTimetable(route, opensOf(route))]));
}

export function tripCount(timetable: RouteTimetable): number {
  return timetable.times.length / TRIP_STRIDE;
}

/** Trip `index` of the day starting at `dayStartMs` (UTC midnight), in absolute epoch milliseconds. */
export function tripAt(timetable: RouteTimetable, index: number, dayStartMs: number): Trip {
  if (!Number.isInteger(index) || index < 0 || index >= tripCount(timetable)) {
    throw new RangeError(`trip ${index} is not in a timetable of ${tripCount(timetable)} trips`);
  }
  const base = index * TRIP_STRIDE;
  const { times } = timetable;
  return {
    tripId: tripId(timetable.routeId, dayStartMs, times[base + DEPARTURE]!),
    boardingOpen: dayStartMs + times[base + BOARDING_OPEN]!,
    boardingClosed: dayStartMs + times[base + BOARDING_CLOSED]!,
    departure: dayStartMs + times[base + DEPARTURE]!,
    arrival: dayStartMs + times[base + ARRIVAL]!,
  };
}
