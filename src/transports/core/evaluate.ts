import type { RouteState } from './model.js';
import {
  ARRIVAL,
  BOARDING_CLOSED,
  BOARDING_OPEN,
  DAY_MS,
  DEPARTURE,
  type RouteTimetable,
  TRIP_STRIDE,
  utcDayStart,
} from './timetable.js';

// Intervals are half-open (decisions C2): open_entry on [boardingOpen, boardingClosed), locked_entry on
// [boardingClosed, departure), in_transit on [departure, arrival). The reference's strict comparisons
// made the exact departure instant read as awaiting_return for one instant, which a millisecond clock
// aligned to whole seconds would see and act on (a spurious arrival warp before the real departure).

export interface RouteEvaluation {
  readonly state: RouteState;
  /** The state from `nextTransitionAt` on; equals `state` only when nothing ever changes. */
  readonly nextState: RouteState;
  /** Absolute epoch ms of the next instant whose state differs from `state`; null for an empty day. */
  readonly nextTransitionAt: number | null;
}

/** Index of the first trip whose `field` time is later than `timeOfDay` (the trip count when none is). */
function firstTripAfter(times: Int32Array, field: number, timeOfDay: number): number {
  let low = 0;
  let high = times.length / TRIP_STRIDE;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (times[middle * TRIP_STRIDE + field]! > timeOfDay) high = middle;
    else low = middle + 1;
  }
  return low;
}

/**
 * The state at a time of day (ms since UTC midnight). A trip in transit wins over an overlapping later
 * trip (an independent route whose cycle is shorter than its trips); otherwise the earliest trip that
 * has not departed yet decides.
 */
export function stateAtTimeOfDay(times: Int32Array, timeOfDay: number): RouteState {
  const upcoming = firstTripAfter(times, DEPARTURE, timeOfDay);
  // Arrivals grow with departures, so if any departed trip is still travelling, the latest one is.
  if (upcoming > 0 && times[(upcoming - 1) * TRIP_STRIDE + ARRIVAL]! > timeOfDay) return 'in_transit';
  if (upcoming === times.length / TRIP_STRIDE) return 'out_of_service';
  const base = upcoming * TRIP_STRIDE;
  if (timeOfDay < times[base + BOARDING_OPEN]!) return 'awaiting_return';
  if (timeOfDay < times[base + BOARDING_CLOSED]!) return 'open_entry';
  return 'locked_entry';
}

const TRIP_FIELDS = [BOARDING_OPEN, BOARDING_CLOSED, DEPARTURE, ARRIVAL] as const;

/** The earliest trip time later than `timeOfDay`, or DAY_MS (next midnight) when the day has none left. */
function nextBoundaryAfter(times: Int32Array, timeOfDay: number): number {
  let boundary = DAY_MS;
  for (const field of TRIP_FIELDS) {
    const index = firstTripAfter(times, field, timeOfDay);
    if (index < times.length / TRIP_STRIDE)
      boundary = Math.min(boundary, times[index * TRIP_STRIDE + field]!);
  }
  return boundary;
}

/**
 * The route's state at `nowMs` and the next instant it changes. The timetable repeats every UTC day,
 * so after the last arrival the route is out of service until midnight, where the first trip's day
 * begins again (open_entry when it opens at 00:00, else awaiting_return).
 */
export function evaluate(timetable: RouteTimetable, nowMs: number): RouteEvaluation {
  const { times } = timetable;
  const dayStart = utcDayStart(nowMs);
  const state = stateAtTimeOfDay(times, nowMs - dayStart);
  if (times.length === 0) return { state, nextState: state, nextTransitionAt: null };
  let boundary = nowMs - dayStart;
  for (;;) {
    boundary = nextBoundaryAfter(times, boundary);
    if (boundary >= DAY_MS) {
      return { state, nextState: stateAtTimeOfDay(times, 0), nextTransitionAt: dayStart + DAY_MS };
    }
    // Skips boundaries hidden by an overlapping trip in transit; without overlaps the first one changes.
    const nextState = stateAtTimeOfDay(times, boundary);
    if (nextState !== state) return { state, nextState, nextTransitionAt: dayStart + boundary };
  }
}

/**
 * Index of the trip in transit at a time of day (the latest departed trip still travelling, the one
 * `stateAtTimeOfDay` reads as in_transit), or -1 when none is.
 */
export function tripInTransitAtTimeOfDay(times: Int32Array, timeOfDay: number): number {
  const upcoming = firstTripAfter(times, DEPARTURE, timeOfDay);
  if (upcoming > 0 && times[(upcoming - 1) * TRIP_STRIDE + ARRIVAL]! > timeOfDay) return upcoming - 1;
  return -1;
}
