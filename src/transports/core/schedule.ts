import { type ControlOverlay, overrideAt } from './controls.js';
import { evaluate, type RouteEvaluation, tripInTransitAtTimeOfDay } from './evaluate.js';
import { voyageId } from './ids.js';
import type { RouteState } from './model.js';
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
  /** The operator's controls (hold, forced departure, outage) laid over the timetable: see controls.ts. */
  readonly overlay?: ControlOverlay;
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
  const { overlay } = schedule;
  return overlay && overridesAhead(overlay, now)
    ? evaluateOverlaid(schedule, overlay, now)
    : evaluateTimetables(schedule, now);
}

/**
 * Whether an override covers `now` or lies ahead. Controls stay stored after their effect has passed (a forced
 * departure of last week): such a route is evaluated as the timetable alone, at the cost of one comparison.
 */
const overridesAhead = (overlay: ControlOverlay, now: number): boolean =>
  // Disjoint and in time order: the last one ends last.
  (overlay.overrides.at(-1)?.until ?? Number.NEGATIVE_INFINITY) > now;

const stateAt = (schedule: RouteSchedule, overlay: ControlOverlay, at: number): RouteState =>
  overrideAt(overlay.overrides, at)?.state ?? evaluateTimetables(schedule, at).state;

/**
 * The overrides decide inside their stretches, the timetables elsewhere: the next transition is the first
 * candidate boundary (an override's edge or the timetable's next transition) where the state differs. Outside
 * the overrides one timetable evaluation a candidate: it gives the state there and, when no override starts
 * first, the state at the candidate too.
 */
function evaluateOverlaid(schedule: RouteSchedule, overlay: ControlOverlay, now: number): RouteEvaluation {
  let state: RouteState | undefined;
  let at = now;
  // Bounded: every candidate lies later than the one before, and a day holds a few hundred boundaries.
  for (let step = 0; step < 10_000; step++) {
    const inside = overrideAt(overlay.overrides, at);
    let next: number | null;
    let nextState: RouteState | undefined;
    if (inside) {
      state ??= inside.state;
      next = inside.until;
    } else {
      const plain = evaluateTimetables(schedule, at);
      state ??= plain.state;
      next = plain.nextTransitionAt;
      // Overrides are in time order: the first starting after `at` is the only one that can cover `next`.
      const upcoming = overlay.overrides.find((o) => o.from > at);
      if (upcoming && (next === null || upcoming.from <= next)) next = upcoming.from;
      else nextState = plain.nextState;
    }
    if (next === null || next === Number.POSITIVE_INFINITY)
      return { state, nextState: state, nextTransitionAt: null };
    nextState ??= stateAt(schedule, overlay, next);
    // The timetable changes at a reload's instant even when the state stays (as evaluateTimetables answers).
    const reloadedThen = !inside && next === schedule.previous?.until;
    if (nextState !== state || reloadedThen) return { state, nextState, nextTransitionAt: next };
    at = next;
  }
  return { state: state!, nextState: state!, nextTransitionAt: null };
}

function evaluateTimetables(schedule: RouteSchedule, now: number): RouteEvaluation {
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
  const override = schedule.overlay && overrideAt(schedule.overlay.overrides, at);
  if (override) {
    const { voyage } = override;
    if (!voyage) return undefined;
    return {
      id: voyageId(tenantId, schedule.timetable.routeId, voyage.tripId, voyage.departedAt),
      departedAt: voyage.departedAt,
    };
  }
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
