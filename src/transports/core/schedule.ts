import { evaluate, type RouteEvaluation, tripInTransitAtTimeOfDay } from './evaluate.js';
import { voyageId } from './ids.js';
import { type RouteTimetable, tripAt, utcDayStart } from './timetable.js';

/**
 * A route's timetable as the service runs it. A travel-rate change does not cut the trip in progress: the
 * old timetable keeps the route until its next boundary (`previous.until`), and the new one takes over at
 * that instant. The runner, REST and the voyage ids all read the route through this one value, so none of
 * them can see the change earlier or later than the others.
 */
export interface RouteSchedule {
  readonly timetable: RouteTimetable;
  readonly previous?: { readonly timetable: RouteTimetable; readonly until: number };
}

export function timetableAt(schedule: RouteSchedule, at: number): RouteTimetable {
  const { previous } = schedule;
  return previous && at < previous.until ? previous.timetable : schedule.timetable;
}

/**
 * As `evaluate`, across a handover: before it the old timetable's state, with the handover instant as the
 * next transition (even when the state there is the same: the timetable changes then).
 */
export function evaluateSchedule(schedule: RouteSchedule, now: number): RouteEvaluation {
  const { previous } = schedule;
  if (!previous || now >= previous.until) return evaluate(schedule.timetable, now);
  const before = evaluate(previous.timetable, now);
  const after = evaluate(schedule.timetable, previous.until);
  return { state: before.state, nextState: after.state, nextTransitionAt: previous.until };
}

/**
 * The schedule a reload installs. While an earlier handover is pending it stays (its boundary has not come
 * yet); otherwise a changed travel rate hands over at the route's next boundary, and any other reload takes
 * effect at once, as it always did.
 */
export function nextSchedule(
  current: RouteSchedule | undefined,
  timetable: RouteTimetable,
  rateChanged: boolean,
  now: number,
): RouteSchedule {
  if (!current) return { timetable };
  if (current.previous && now < current.previous.until) return { timetable, previous: current.previous };
  if (!rateChanged) return { timetable };
  const until = evaluateSchedule(current, now).nextTransitionAt;
  if (until === null || until <= now) return { timetable };
  return { timetable, previous: { timetable: timetableAt(current, now), until } };
}

/** The trip a route is sailing at `at`, as a voyage: HEAD's id and the trip's departure instant. */
export interface Voyage {
  readonly id: string;
  readonly departedAt: number;
}

export function voyageAt(schedule: RouteSchedule, tenantId: string, at: number): Voyage | undefined {
  const timetable = timetableAt(schedule, at);
  const dayStart = utcDayStart(at);
  const index = tripInTransitAtTimeOfDay(timetable.times, at - dayStart);
  if (index < 0) return undefined;
  const trip = tripAt(timetable, index, dayStart);
  return {
    id: voyageId(tenantId, timetable.routeId, trip.tripId, trip.departure),
    departedAt: trip.departure,
  };
}
