import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTenantsFile } from './config.js';
import { evaluate, type RouteEvaluation } from './evaluate.js';
import type { RouteState, ScheduledRoute } from './model.js';
import { computeTimetables, DAY_MS, type RouteTimetable, TRIP_STRIDE } from './timetable.js';

const FEB_18 = Date.UTC(2026, 1, 18);
const FEB_19 = FEB_18 + DAY_MS;
const MINUTE = 60_000;
const sample = parseTenantsFile(
  JSON.parse(readFileSync(new URL('../../../config/tenants.json', import.meta.url), 'utf8')),
).configurations[0]!;
const bundled = computeTimetables(sample.routes, sample.vessels);

function timetableOf(name: string): RouteTimetable {
  return bundled.get(sample.routes.find((route) => route.name === name)!.id)!;
}

/** An instant of 2026-02-18 (or of the next day with a "+1 " prefix), UTC. */
function at(clock: string): number {
  return clock.startsWith('+1 ') ? at(clock.slice(3)) + DAY_MS : Date.parse(`2026-02-18T${clock}Z`);
}

function independentRoute(
  boarding: number,
  preDeparture: number,
  travel: number,
  cycle: number,
): RouteTimetable {
  const route: ScheduledRoute = {
    id: `route-${boarding}-${preDeparture}-${travel}-${cycle}`,
    slug: 'route',
    name: `route-${boarding}-${preDeparture}-${travel}-${cycle}`,
    startMapId: 1,
    stagingMapId: 2,
    enRouteMapIds: [3],
    destinationMapId: 4,
    observationMapId: 1,
    boardingWindowMs: boarding * MINUTE,
    preDepartureMs: preDeparture * MINUTE,
    travelMs: travel * MINUTE,
    cycleIntervalMs: cycle * MINUTE,
  };
  return computeTimetables([route], []).get(route.id)!;
}

const boatA = timetableOf('boat-ellinia-orbis');
const boatB = timetableOf('boat-orbis-ellinia');
const subwayA = timetableOf('subway-kc-nlc');

describe('boundaries of a trip, to the millisecond (boat leg A, trip at 00:30:10)', () => {
  it.each([
    ['00:30:09.999', 'awaiting_return', 'open_entry', '00:30:10'],
    ['00:30:10.000', 'open_entry', 'locked_entry', '00:34:10'],
    ['00:34:09.999', 'open_entry', 'locked_entry', '00:34:10'],
    ['00:34:10.000', 'locked_entry', 'in_transit', '00:35:10'],
    ['00:35:09.999', 'locked_entry', 'in_transit', '00:35:10'],
    ['00:35:10.000', 'in_transit', 'awaiting_return', '00:45:10'],
    ['00:45:09.999', 'in_transit', 'awaiting_return', '00:45:10'],
    ['00:45:10.000', 'awaiting_return', 'open_entry', '01:00:20'],
    // The day's last trip: its arrival puts the route out of service until midnight.
    ['23:52:49.999', 'in_transit', 'out_of_service', '23:52:50'],
    ['23:52:50.000', 'out_of_service', 'open_entry', '+1 00:00:00'],
  ])('at %s the route is %s, then %s from %s', (now, state, nextState, transition) => {
    expect(evaluate(boatA, at(now))).toEqual({ state, nextState, nextTransitionAt: at(transition) });
  });
});

describe('no flash at a boundary', () => {
  it.each([
    [subwayA, '00:00:59.999', 'open_entry', 'in_transit', '00:01:00'],
    [subwayA, '00:01:00.000', 'in_transit', 'awaiting_return', '00:05:00'],
    [boatB, '23:37:44.999', 'in_transit', 'out_of_service', '23:37:45'],
    [boatB, '23:37:45.000', 'out_of_service', 'awaiting_return', '+1 00:00:00'],
  ])('%#: at %s the route is %s, then %s from %s', (timetable, now, state, nextState, transition) => {
    expect(evaluate(timetable, at(now))).toEqual({ state, nextState, nextTransitionAt: at(transition) });
  });
});

describe('midnight', () => {
  it.each([
    [boatA, '23:59:59.999', 'out_of_service', 'open_entry', '+1 00:00:00'],
    [boatA, '+1 00:00:00.000', 'open_entry', 'locked_entry', '+1 00:04:00'],
    [boatB, '23:59:59.999', 'out_of_service', 'awaiting_return', '+1 00:00:00'],
    [boatB, '+1 00:00:00.000', 'awaiting_return', 'open_entry', '+1 00:15:05'],
  ])('%#: at %s the route is %s, then %s from %s', (timetable, now, state, nextState, transition) => {
    expect(evaluate(timetable, at(now))).toEqual({ state, nextState, nextTransitionAt: at(transition) });
  });
});

describe('the §3.3 timeline of the Ellinia-Orbis boat, with half-open intervals', () => {
  it.each([
    ['00:00:00', 'open_entry', 'awaiting_return'],
    ['00:02:00', 'open_entry', 'awaiting_return'],
    ['00:04:00', 'locked_entry', 'awaiting_return'],
    ['00:04:30', 'locked_entry', 'awaiting_return'],
    ['00:05:00', 'in_transit', 'awaiting_return'],
    ['00:05:00.500', 'in_transit', 'awaiting_return'],
    ['00:10:00', 'in_transit', 'awaiting_return'],
    ['00:15:00', 'awaiting_return', 'awaiting_return'],
    ['00:15:03', 'awaiting_return', 'awaiting_return'],
    ['00:15:05', 'awaiting_return', 'open_entry'],
    ['00:17:00', 'awaiting_return', 'open_entry'],
    ['00:19:30', 'awaiting_return', 'locked_entry'],
    ['00:20:05', 'awaiting_return', 'in_transit'],
    ['00:20:06', 'awaiting_return', 'in_transit'],
    ['00:25:00', 'awaiting_return', 'in_transit'],
    ['00:30:05', 'awaiting_return', 'awaiting_return'],
    ['00:30:10', 'open_entry', 'awaiting_return'],
    ['12:00:00', 'awaiting_return', 'in_transit'],
    ['23:37:45', 'awaiting_return', 'out_of_service'],
    ['23:40:00', 'open_entry', 'out_of_service'],
    ['23:42:50', 'in_transit', 'out_of_service'],
    ['23:45:00', 'in_transit', 'out_of_service'],
    ['23:52:50', 'out_of_service', 'out_of_service'],
    ['23:59:59', 'out_of_service', 'out_of_service'],
  ])('at %s leg A is %s and leg B %s', (clock, stateA, stateB) => {
    expect([evaluate(boatA, at(clock)).state, evaluate(boatB, at(clock)).state]).toEqual([stateA, stateB]);
  });
});

interface Transition {
  readonly at: number;
  readonly state: RouteState;
}

/** Follows nextTransitionAt from midnight to the next midnight, checking each jump lands on a change. */
function walkDay(timetable: RouteTimetable): { first: RouteState; transitions: Transition[] } {
  let evaluation: RouteEvaluation = evaluate(timetable, FEB_18);
  const first = evaluation.state;
  const transitions: Transition[] = [];
  while (evaluation.nextTransitionAt !== null && evaluation.nextTransitionAt <= FEB_19) {
    const instant = evaluation.nextTransitionAt;
    const next = evaluate(timetable, instant);
    expect(evaluate(timetable, instant - 1).state).toBe(evaluation.state);
    expect(next.state).toBe(evaluation.nextState);
    expect(next.state).not.toBe(evaluation.state);
    transitions.push({ at: instant, state: next.state });
    evaluation = next;
  }
  return { first, transitions };
}

/** What the walk should see for a vessel leg: every boundary of every trip, then midnight. */
function expectedTransitions(timetable: RouteTimetable, atMidnight: RouteState): Transition[] {
  const { times } = timetable;
  const trips = times.length / TRIP_STRIDE;
  const expected: Transition[] = [];
  for (let trip = 0; trip < trips; trip++) {
    const [open, closed, departure, arrival] = times.subarray(trip * TRIP_STRIDE, (trip + 1) * TRIP_STRIDE);
    if (open! > 0) expected.push({ at: FEB_18 + open!, state: 'open_entry' });
    if (departure! > closed!) expected.push({ at: FEB_18 + closed!, state: 'locked_entry' });
    expected.push({ at: FEB_18 + departure!, state: 'in_transit' });
    expected.push({
      at: FEB_18 + arrival!,
      state: trip === trips - 1 ? 'out_of_service' : 'awaiting_return',
    });
  }
  expected.push({ at: FEB_19, state: atMidnight });
  return expected;
}

describe('walking a whole day from transition to transition', () => {
  it.each([
    // Four changes per trip (three without pre-departure), plus midnight, less the 00:00 opening of leg A.
    ['boat-ellinia-orbis', 'open_entry', 48 * 4],
    ['boat-orbis-ellinia', 'awaiting_return', 47 * 4 + 1],
    ['subway-kc-nlc', 'open_entry', 144 * 3],
    ['subway-nlc-kc', 'awaiting_return', 143 * 3 + 1],
    ['airplane-kc-cbd', 'awaiting_return', 118 * 4 + 1],
  ])('%s starts %s and changes state exactly at each trip boundary (%i changes)', (name, first, changes) => {
    const timetable = timetableOf(name);
    const walk = walkDay(timetable);
    expect(walk.first).toBe(first);
    expect(walk.transitions).toHaveLength(changes);
    expect(walk.transitions).toEqual(expectedTransitions(timetable, first as RouteState));
  });

  it('an empty timetable is out of service with nothing ahead', () => {
    expect(evaluate({ routeId: 'none', times: new Int32Array(0) }, at('12:00:00'))).toEqual({
      state: 'out_of_service',
      nextState: 'out_of_service',
      nextTransitionAt: null,
    });
  });
});

describe('overlapping trips (an independent route whose cycle is shorter than its trip)', () => {
  const overlapping = independentRoute(4, 1, 30, 20);

  it('a trip in transit wins over the next trip boarding', () => {
    expect(evaluate(overlapping, at('00:22:00'))).toEqual({
      state: 'in_transit',
      nextState: 'out_of_service',
      // In transit without a break from 00:05 until the last arrival (trip of 23:20 + 35 min).
      nextTransitionAt: at('23:55:00'),
    });
  });
});

/** The evaluator's meaning spelled out linearly, as an oracle for random instants. */
function linearEvaluator(timetable: RouteTimetable) {
  const trips = Array.from({ length: timetable.times.length / TRIP_STRIDE }, (_, trip) =>
    Array.from(timetable.times.subarray(trip * TRIP_STRIDE, (trip + 1) * TRIP_STRIDE)),
  );
  const boundaries = [...new Set(timetable.times)].sort((x, y) => x - y);
  const stateAt = (timeOfDay: number): RouteState => {
    if (trips.some(([, , departure, arrival]) => departure! <= timeOfDay && timeOfDay < arrival!)) {
      return 'in_transit';
    }
    const upcoming = trips.find(([, , departure]) => departure! > timeOfDay);
    if (!upcoming) return 'out_of_service';
    if (timeOfDay < upcoming[0]!) return 'awaiting_return';
    return timeOfDay < upcoming[1]! ? 'open_entry' : 'locked_entry';
  };
  const nextTransition = (timeOfDay: number): number => {
    const state = stateAt(timeOfDay);
    return boundaries.find((time) => time > timeOfDay && stateAt(time) !== state) ?? DAY_MS;
  };
  return { stateAt, nextTransition };
}

describe('agreement with a linear evaluation at 2,000 instants per timetable', () => {
  it.each([
    ['boat leg A', boatA],
    ['subway leg A', subwayA],
    ['cycle shorter than the trip', independentRoute(4, 1, 30, 20)],
    ['boarding while the previous trip is locked or travelling', independentRoute(10, 5, 1, 3)],
    ['locked between two overlapping trips in transit', independentRoute(10, 2, 5, 7)],
  ])('%s', (_, timetable) => {
    const linear = linearEvaluator(timetable);
    let seed = 42;
    for (let sample = 0; sample < 2_000; sample++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      const timeOfDay = seed % DAY_MS;
      const evaluation = evaluate(timetable, FEB_18 + timeOfDay);
      expect(evaluation.state).toBe(linear.stateAt(timeOfDay));
      expect(evaluation.nextTransitionAt).toBe(FEB_18 + linear.nextTransition(timeOfDay));
    }
  });
});
