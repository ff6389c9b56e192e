import { describe, expect, it } from 'vitest';
import { sample } from '../testing/sample.js';
import { tripId } from './ids.js';
import type { ScheduledRoute, Vessel } from './model.js';
import {
  computeTimetables,
  DAY_MS,
  type RouteTimetable,
  TRIP_STRIDE,
  tripAt,
  tripCount,
  utcDayStart,
} from './timetable.js';

const FEB_18 = Date.UTC(2026, 1, 18);
const MINUTE = 60_000;

/** "hh:mm:ss" of a time of day in milliseconds. */
function clock(timeOfDay: number): string {
  return new Date(timeOfDay).toISOString().slice(11, 19);
}

/** Each trip as [boardingOpen, boardingClosed, departure, arrival] clock readings. */
function rows(timetable: RouteTimetable): string[][] {
  return Array.from({ length: tripCount(timetable) }, (_, index) =>
    Array.from(timetable.times.subarray(index * TRIP_STRIDE, (index + 1) * TRIP_STRIDE), clock),
  );
}

function timetablesByName(routes: readonly ScheduledRoute[], vessels: readonly Vessel[]) {
  const timetables = computeTimetables(routes, vessels);
  return (name: string): RouteTimetable => timetables.get(routes.find((route) => route.name === name)!.id)!;
}

/** A vessel's whole day, both legs interleaved in time, each row led by its leg. */
function voyages(legA: RouteTimetable, legB: RouteTimetable): string[][] {
  return [...rows(legA).map((row) => ['A', ...row]), ...rows(legB).map((row) => ['B', ...row])].sort((x, y) =>
    x[1]!.localeCompare(y[1]!),
  );
}

function route(
  name: string,
  boarding: number,
  preDeparture: number,
  travel: number,
  cycle: number,
): ScheduledRoute {
  return {
    id: `id-${name}`,
    slug: name,
    name,
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
}

function vessel(routeAName: string, routeBName: string, turnaroundMs: number): Vessel {
  return { slug: `${routeAName}+${routeBName}`, name: routeAName, routeAName, routeBName, turnaroundMs };
}

describe('the bundled timetable', () => {
  const timetables = computeTimetables(sample.routes, sample.vessels);
  const byName = timetablesByName(sample.routes, sample.vessels);

  it('runs exactly 1,044 trips a day, every route having a timetable', () => {
    expect(timetables.size).toBe(12);
    expect([...timetables.values()].reduce((sum, timetable) => sum + tripCount(timetable), 0)).toBe(1044);
  });

  it.each([
    ['airplane-cbd-kc', 'airplane-kc-cbd', 118, 118],
    ['boat-ellinia-orbis', 'boat-orbis-ellinia', 48, 47],
    ['cabin-leafre-orbis', 'cabin-orbis-leafre', 71, 71],
    ['genie-ariant-orbis', 'genie-orbis-ariant', 71, 71],
    ['subway-kc-nlc', 'subway-nlc-kc', 144, 143],
    ['train-ludibrium-orbis', 'train-orbis-ludibrium', 71, 71],
  ])('vessel %s / %s runs %i + %i trips', (legA, legB, tripsA, tripsB) => {
    expect([tripCount(byName(legA)), tripCount(byName(legB))]).toEqual([tripsA, tripsB]);
  });

  it('the Ellinia-Orbis boat alternates legs every 15 min 5 s from midnight (§2.7)', () => {
    const boat = voyages(byName('boat-ellinia-orbis'), byName('boat-orbis-ellinia'));
    expect(boat).toHaveLength(95);
    expect(boat.slice(0, 4)).toEqual([
      ['A', '00:00:00', '00:04:00', '00:05:00', '00:15:00'],
      ['B', '00:15:05', '00:19:05', '00:20:05', '00:30:05'],
      ['A', '00:30:10', '00:34:10', '00:35:10', '00:45:10'],
      ['B', '00:45:15', '00:49:15', '00:50:15', '01:00:15'],
    ]);
    expect(boat.slice(47, 49)).toEqual([
      ['B', '11:48:55', '11:52:55', '11:53:55', '12:03:55'],
      ['A', '12:04:00', '12:08:00', '12:09:00', '12:19:00'],
    ]);
    // The next voyage would open at 23:52:55 and arrive after midnight, so it is dropped.
    expect(boat.slice(93)).toEqual([
      ['B', '23:22:45', '23:26:45', '23:27:45', '23:37:45'],
      ['A', '23:37:50', '23:41:50', '23:42:50', '23:52:50'],
    ]);
  });

  it('the subway closes and departs at once, turning around in 1 s', () => {
    const subway = voyages(byName('subway-kc-nlc'), byName('subway-nlc-kc'));
    expect(subway).toHaveLength(287);
    expect(subway.slice(0, 3)).toEqual([
      ['A', '00:00:00', '00:01:00', '00:01:00', '00:05:00'],
      ['B', '00:05:01', '00:06:01', '00:06:01', '00:10:01'],
      ['A', '00:10:02', '00:11:02', '00:11:02', '00:15:02'],
    ]);
    expect(subway[3]?.[4]).toBe('00:20:03');
    expect(subway.slice(285)).toEqual([
      ['B', '23:49:45', '23:50:45', '23:50:45', '23:54:45'],
      ['A', '23:54:46', '23:55:46', '23:55:46', '23:59:46'],
    ]);
  });

  it('the CBD-Kerning airplane runs 236 trips, ending with leg B', () => {
    const airplane = voyages(byName('airplane-cbd-kc'), byName('airplane-kc-cbd'));
    expect(airplane).toHaveLength(236);
    expect(airplane.slice(0, 2)).toEqual([
      ['A', '00:00:00', '00:04:00', '00:05:00', '00:06:00'],
      ['B', '00:06:05', '00:10:05', '00:11:05', '00:12:05'],
    ]);
    expect(airplane[2]?.slice(0, 2)).toEqual(['A', '00:12:10']);
    expect(airplane[3]?.[4]).toBe('00:24:15');
    expect(airplane.slice(234)).toEqual([
      ['A', '23:43:30', '23:47:30', '23:48:30', '23:49:30'],
      ['B', '23:49:35', '23:53:35', '23:54:35', '23:55:35'],
    ]);
  });

  it.each([
    ['cabin-leafre-orbis', 'cabin-orbis-leafre'],
    ['genie-ariant-orbis', 'genie-orbis-ariant'],
    ['train-ludibrium-orbis', 'train-orbis-ludibrium'],
  ])('%s / %s run 142 trips of 4+1+5 min, 5 s apart', (legA, legB) => {
    const day = voyages(byName(legA), byName(legB));
    expect(day).toHaveLength(142);
    expect(day.slice(0, 2)).toEqual([
      ['A', '00:00:00', '00:04:00', '00:05:00', '00:10:00'],
      ['B', '00:10:05', '00:14:05', '00:15:05', '00:20:05'],
    ]);
    expect(day.slice(140)).toEqual([
      ['A', '23:31:40', '23:35:40', '23:36:40', '23:41:40'],
      ['B', '23:41:45', '23:45:45', '23:46:45', '23:51:45'],
    ]);
  });

  it('without vessels every bundled route runs on its own cycle', () => {
    const alone = timetablesByName(sample.routes, []);
    for (const [name, trips, lastOpen] of [
      ['boat-ellinia-orbis', 95, '23:30:00'],
      ['boat-orbis-ellinia', 95, '23:30:00'],
      ['airplane-cbd-kc', 239, '23:48:00'],
      ['cabin-orbis-leafre', 143, '23:40:00'],
      ['genie-ariant-orbis', 143, '23:40:00'],
      ['train-orbis-ludibrium', 143, '23:40:00'],
      ['subway-kc-nlc', 287, '23:50:00'],
      ['subway-nlc-kc', 287, '23:50:00'],
    ] as const) {
      const day = rows(alone(name));
      expect([name, day.length, day.at(-1)?.[0]]).toEqual([name, trips, lastOpen]);
    }
  });
});

describe('the scheduler fixture (§2.7: 2023-01-01, pinned)', () => {
  const routeA = route('Route A', 5, 2, 10, 30);
  const routeB = route('Route B', 6, 3, 15, 45);
  const independent = route('Route C', 4, 1, 10, 20);
  const byName = timetablesByName([routeA, routeB, independent], [vessel('Route A', 'Route B', 5 * MINUTE)]);

  it('a vessel with a 5 minute turnaround runs 28 + 28 trips, ignoring the legs’ cycles', () => {
    const day = voyages(byName('Route A'), byName('Route B'));
    expect(day).toHaveLength(56);
    expect(day.slice(0, 4).map((row) => row.join(' '))).toEqual([
      'A 00:00:00 00:05:00 00:07:00 00:17:00',
      'B 00:22:00 00:28:00 00:31:00 00:46:00',
      'A 00:51:00 00:56:00 00:58:00 01:08:00',
      'B 01:13:00 01:19:00 01:22:00 01:37:00',
    ]);
    expect(day.slice(54).map((row) => row.join(' '))).toEqual([
      'A 22:57:00 23:02:00 23:04:00 23:14:00',
      'B 23:19:00 23:25:00 23:28:00 23:43:00',
    ]);
  });

  it('an independent route of 4/1/10 min every 20 min runs 72 trips, the last arriving 23:55', () => {
    const day = rows(byName('Route C'));
    expect(day).toHaveLength(72);
    expect(day[0]).toEqual(['00:00:00', '00:04:00', '00:05:00', '00:15:00']);
    expect(day.at(-1)).toEqual(['23:40:00', '23:44:00', '23:45:00', '23:55:00']);
  });
});

describe('scheduling edge cases', () => {
  const a = route('a', 4, 1, 10, 15);
  const b = route('b', 4, 1, 10, 15);

  it('a vessel missing a leg runs no trips, and its existing leg does not run alone', () => {
    const byName = timetablesByName([a], [vessel('a', 'missing', 5_000)]);
    expect(tripCount(byName('a'))).toBe(0);
  });

  it('a vessel whose legs name the same route runs no trips', () => {
    const byName = timetablesByName([a, b], [vessel('a', 'a', 5_000)]);
    expect([tripCount(byName('a')), tripCount(byName('b'))]).toEqual([0, 95]);
  });

  it('an arrival exactly at midnight is dropped (arrival must be before 24:00)', () => {
    const byName = timetablesByName([route('c', 5, 0, 55, 60)], []);
    expect(rows(byName('c')).at(-1)).toEqual(['22:00:00', '22:05:00', '22:05:00', '23:00:00']);
    expect(tripCount(byName('c'))).toBe(23);
  });

  it('a route longer than a day has an empty timetable', () => {
    expect(tripCount(timetablesByName([route('d', 1, 0, 24 * 60, 60)], [])('d'))).toBe(0);
  });

  it('a route named by two vessels gets both vessels’ trips in chronological order', () => {
    const c = route('c', 4, 1, 10, 15);
    const byName = timetablesByName([a, b, c], [vessel('a', 'b', 5 * MINUTE), vessel('c', 'b', 7 * MINUTE)]);
    const opens = rows(byName('b')).map((row) => row[0]!);
    expect(opens.slice(0, 3)).toEqual(['00:20:00', '00:22:00', '01:00:00']);
    expect([...opens].sort()).toEqual(opens);
  });
});

describe('trips for REST', () => {
  const boatA = timetablesByName(sample.routes, sample.vessels)('boat-ellinia-orbis');

  it('reads a trip as absolute instants of the given UTC day with a stable trip id', () => {
    expect(tripAt(boatA, 1, FEB_18)).toEqual({
      // Named by its departure (00:35:10), not its index: another timetable's second trip is another trip.
      tripId: tripId(boatA.routeId, FEB_18, Date.parse('1970-01-01T00:35:10Z')),
      boardingOpen: Date.parse('2026-02-18T00:30:10Z'),
      boardingClosed: Date.parse('2026-02-18T00:34:10Z'),
      departure: Date.parse('2026-02-18T00:35:10Z'),
      arrival: Date.parse('2026-02-18T00:45:10Z'),
    });
    expect(tripAt(boatA, 1, FEB_18 + DAY_MS).tripId).not.toBe(tripAt(boatA, 1, FEB_18).tripId);
  });

  it.each([-1, 48, 1.5])('refuses trip index %d', (index) => {
    expect(() => tripAt(boatA, index, FEB_18)).toThrow(RangeError);
  });
});

describe('utcDayStart', () => {
  it.each([
    [FEB_18, FEB_18],
    [FEB_18 + 1, FEB_18],
    [FEB_18 + DAY_MS - 1, FEB_18],
    [FEB_18 + DAY_MS, FEB_18 + DAY_MS],
    [0, 0],
    [-1, -DAY_MS],
  ])('of %i is %i', (epochMs, dayStart) => {
    expect(utcDayStart(epochMs)).toBe(dayStart);
  });
});
