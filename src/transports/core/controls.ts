import { tripId } from './ids.js';
import type { RouteState } from './model.js';
import {
  ARRIVAL,
  BOARDING_OPEN,
  DAY_MS,
  DEPARTURE,
  type RouteTimetable,
  TRIP_STRIDE,
  tripCount,
  utcDayStart,
} from './timetable.js';

/**
 * What an operator did to a route (issue 14): the raw controls as stored. Times are the domain clock's epoch
 * milliseconds. Only the latest of each kind is kept; an older one whose effect has passed changes nothing.
 */
export interface RouteControls {
  /** Held now: no departure from `since` on until released. */
  readonly hold?: { readonly since: number; readonly reason: string | null };
  /** The last hold released: a departure it held back leaves at `at`. */
  readonly released?: { readonly since: number; readonly at: number };
  /** The last forced departure. */
  readonly forcedAt?: number;
  /** Out of service on [from, until); `setAt` is when it was set (a period set late starts then, not before). */
  readonly outage?: {
    readonly from: number;
    readonly until: number;
    readonly reason: string | null;
    readonly setAt: number;
  };
}

/** A stretch of time whose state the controls decide instead of the timetable. */
export interface Override {
  readonly from: number;
  readonly until: number;
  readonly state: RouteState;
  /** For in_transit: the trip aboard (the timetable's trip whose departure was moved) and when it left. */
  readonly voyage?: { readonly tripId: string; readonly departedAt: number };
}

/** A route's controls as schedule evaluation reads them: disjoint overrides, in time order. */
export interface ControlOverlay {
  readonly overrides: readonly Override[];
}

export interface ControlledLeg {
  readonly timetable: RouteTimetable;
  readonly controls: RouteControls | undefined;
}

/** A trip's times (absolute epoch ms); its id (a UUIDv5, a SHA-1) is computed only for a trip that moves. */
interface Trip {
  readonly dayStart: number;
  readonly index: number;
  readonly boardingOpen: number;
  readonly departure: number;
  readonly arrival: number;
}

/** The trips of the day of `from` and the two days after, in order (no trip crosses midnight). */
function* tripsFrom(timetable: RouteTimetable, from: number): Generator<Trip> {
  const count = tripCount(timetable);
  const { times } = timetable;
  const first = utcDayStart(from);
  for (let day = 0; day < 3; day++) {
    const dayStart = first + day * DAY_MS;
    for (let index = 0; index < count; index++) {
      const base = index * TRIP_STRIDE;
      yield {
        dayStart,
        index,
        boardingOpen: dayStart + times[base + BOARDING_OPEN]!,
        departure: dayStart + times[base + DEPARTURE]!,
        arrival: dayStart + times[base + ARRIVAL]!,
      };
    }
  }
}

function find(timetable: RouteTimetable, from: number, test: (trip: Trip) => boolean): Trip | undefined {
  for (const trip of tripsFrom(timetable, from)) if (test(trip)) return trip;
  return undefined;
}

const travelOf = (timetable: RouteTimetable): number | undefined => {
  if (tripCount(timetable) === 0) return undefined;
  return timetable.times[ARRIVAL]! - timetable.times[DEPARTURE]!;
};

/** A departure the controls moved: the hull leaves at `departAt` (Infinity while held) carrying `trip`. */
interface Move {
  readonly heldFrom?: number;
  readonly departAt: number;
  readonly arriveAt: number;
  /** When the route boards again (see resumeAt). */
  readonly resume: number;
  readonly trip: Trip;
}

function movesOf(leg: ControlledLeg, partner: RouteTimetable | undefined): Move[] {
  const { timetable, controls } = leg;
  const travel = travelOf(timetable);
  if (!controls || travel === undefined) return [];
  const moves: Move[] = [];
  // A trip an earlier move already carried (or skipped) is not moved again.
  const free = (trip: Trip) =>
    !moves.some(
      (move) => trip.departure >= (move.heldFrom ?? move.departAt) && trip.boardingOpen < move.resume,
    );
  const moved = (trip: Trip, departAt: number, heldFrom?: number): Move => ({
    ...(heldFrom !== undefined ? { heldFrom } : {}),
    departAt,
    arriveAt: departAt + travel,
    resume:
      departAt === Number.POSITIVE_INFINITY
        ? Number.POSITIVE_INFINITY
        : resumeAt(timetable, partner, departAt + travel),
    trip,
  });
  const forced = controls.forcedAt;
  if (forced !== undefined) {
    const trip = find(timetable, forced, (t) => t.departure > forced);
    if (trip && trip.boardingOpen <= forced) moves.push(moved(trip, forced));
  }
  const holds: Array<{ since: number; until: number }> = [];
  if (controls.released) holds.push({ since: controls.released.since, until: controls.released.at });
  if (controls.hold) holds.push({ since: controls.hold.since, until: Number.POSITIVE_INFINITY });
  for (const { since, until } of holds) {
    // The departure held back: the first after the hold that no earlier move took away.
    const trip = find(timetable, since, (t) => t.departure > since && free(t));
    if (trip && trip.departure < until) moves.push(moved(trip, until, trip.departure));
  }
  return moves;
}

/** Puts `override` over the list: what it covers of earlier overrides is cut away. */
function place(overrides: Override[], override: Override): Override[] {
  if (override.from >= override.until) return overrides;
  const kept: Override[] = [];
  for (const existing of overrides) {
    if (existing.until <= override.from || existing.from >= override.until) kept.push(existing);
    else {
      if (existing.from < override.from) kept.push({ ...existing, until: override.from });
      if (existing.until > override.until) kept.push({ ...existing, from: override.until });
    }
  }
  kept.push(override);
  return kept.sort((a, b) => a.from - b.from);
}

export function overrideAt(overrides: readonly Override[], at: number): Override | undefined {
  for (const override of overrides) {
    if (override.from > at) return undefined;
    if (at < override.until) return override;
  }
  return undefined;
}

/**
 * When a route whose hull arrives (at its destination) at `arrival` boards again: its next trip opening after
 * then, or, for a vessel's leg, its next trip opening after the other leg has taken the hull back and forth.
 */
function resumeAt(own: RouteTimetable, partner: RouteTimetable | undefined, arrival: number): number {
  let after = arrival;
  if (partner && tripCount(partner) > 0) {
    const back = find(partner, arrival, (t) => t.boardingOpen >= arrival);
    if (!back) return Number.POSITIVE_INFINITY;
    after = back.arrival;
  }
  return find(own, after, (t) => t.boardingOpen >= after)?.boardingOpen ?? Number.POSITIVE_INFINITY;
}

/**
 * The overrides of a route (`own`) given its controls and, for a vessel's leg, the other leg's (the hull is one:
 * while it is held at or carried from the other leg's dock, this leg waits for it; an outage of either leg
 * grounds it). Rules:
 *
 * - a forced departure at f leaves with the trip boarding then: in transit on [f, f + travel), then awaiting
 *   return until the next trip that boards after the arrival;
 * - a hold keeps the first departure after it in locked_entry from that departure on; once released at r, that
 *   trip leaves at r as a forced departure would; trips whose time passed meanwhile are skipped;
 * - an outage [from, until) is out_of_service, except that a trip in transit at `from` completes its arrival;
 *   a trip departing in the period does not depart (nor travel) and the timetable takes over at `until`.
 */
export function controlOverlay(own: ControlledLeg, partner?: ControlledLeg): ControlOverlay | undefined {
  if (!own.controls && !partner?.controls) return undefined;
  let overrides: Override[] = [];
  for (const move of movesOf(own, partner?.timetable)) {
    if (move.heldFrom !== undefined)
      overrides = place(overrides, { from: move.heldFrom, until: move.departAt, state: 'locked_entry' });
    if (move.departAt === Number.POSITIVE_INFINITY) continue;
    overrides = place(overrides, {
      from: move.departAt,
      until: move.arriveAt,
      state: 'in_transit',
      voyage: {
        tripId: tripId(own.timetable.routeId, move.trip.dayStart, move.trip.departure - move.trip.dayStart),
        departedAt: move.departAt,
      },
    });
    overrides = place(overrides, { from: move.arriveAt, until: move.resume, state: 'awaiting_return' });
  }
  if (partner) {
    // The other leg's hull movements: this leg has no ship until it comes back.
    for (const move of movesOf(partner, own.timetable)) {
      const back =
        move.departAt === Number.POSITIVE_INFINITY
          ? Number.POSITIVE_INFINITY
          : (find(own.timetable, move.arriveAt, (t) => t.boardingOpen >= move.arriveAt)?.boardingOpen ??
            Number.POSITIVE_INFINITY);
      const from = move.heldFrom ?? move.departAt;
      overrides = place(overrides, { from, until: back, state: 'awaiting_return' });
    }
  }
  for (const outage of [own.controls?.outage, partner?.controls?.outage]) {
    if (outage) overrides = placeOutage(own.timetable, overrides, outage);
  }
  return { overrides };
}

function placeOutage(
  timetable: RouteTimetable,
  overrides: Override[],
  outage: NonNullable<RouteControls['outage']>,
): Override[] {
  let from = Math.max(outage.from, outage.setAt);
  if (from >= outage.until) return overrides;
  // A trip in transit at `from` completes its arrival first.
  const moved = overrideAt(overrides, from);
  if (moved) {
    if (moved.state === 'in_transit') from = moved.until;
  } else {
    const sailing = find(timetable, from - DAY_MS, (t) => t.departure <= from && from < t.arrival);
    if (sailing) from = sailing.arrival;
  }
  // A trip the period kept from departing does not arrive after it either: out of service until its arrival.
  let until = outage.until;
  const late = find(timetable, outage.until - DAY_MS, (t) => t.departure < until && until < t.arrival);
  if (late && late.departure >= outage.from) until = late.arrival;
  return place(overrides, { from, until, state: 'out_of_service' });
}
