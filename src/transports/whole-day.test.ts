import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseTenantsFile } from './core/config.js';
import { rfc3339 } from './core/go-time.js';
import { voyageId } from './core/ids.js';
import { computeTimetables, type Trip, tripAt, tripCount } from './core/timetable.js';
import { playCharacterService } from './testing/character-service.js';
import {
  advanceTo,
  at,
  type Harness,
  type Recorded,
  recorder,
  startHarness,
  TENANT,
  warpOf,
} from './testing/harness.js';

// A day of the bundled tenant on the manual clock, with the real presence module standing in for atlas-maps
// and the test playing the character service: every trip of every route carries three passengers (one per
// channel), and every instance route is ridden 24 times. At travel rate 10 the same run covers the first
// tenth of the day (2 h 24 min), which holds as many trips as the whole day at rate 1; a full 24 h there would
// take ten times as long on the service and proves nothing more (the pure test below counts the whole day).

const NIL = '00000000-0000-0000-0000-000000000000';
const DAY_START = at('00:00:00');
const DAY_MS = 86_400_000;
const CHANNELS = [0, 1, 2];
const SAMPLE = new URL('../../config/tenants.json', import.meta.url);

async function sampleAt(rate: number) {
  const raw = JSON.parse(await readFile(SAMPLE, 'utf8')) as { tenants: Array<Record<string, unknown>> };
  raw.tenants[0]!.travelRate = rate;
  return { raw, configuration: parseTenantsFile(raw).configurations[0]! };
}

let harness: Harness | undefined;
let dir: string | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/** One "day" at `rate`: DAY_MS / rate of clock time from midnight; what the service sent, and what it should. */
async function runDay(rate: number) {
  const { raw, configuration: sample } = await sampleAt(rate);
  dir = await mkdtemp(path.join(tmpdir(), 'whole-day-'));
  const file = path.join(dir, 'tenants.json');
  await writeFile(file, JSON.stringify(raw));
  const end = DAY_START + DAY_MS / rate;
  harness = await startHarness({
    start: DAY_START - 1_000,
    services: ['presence', 'transports'],
    maps: false,
    data: false,
    // This test plays the reference's character service (it answers CHANGE_MAP): presence only follows.
    env: { CONFIG_FILE: file, LOCATION_OWNER: 'character' },
  });
  const { app, clock } = harness;
  const status = recorder(app, clock, 'EVENT_TOPIC_TRANSPORT_STATUS');
  const commands = recorder(app, clock, 'COMMAND_TOPIC_CHARACTER');
  const events = recorder(app, clock, 'EVENT_TOPIC_INSTANCE_TRANSPORT');
  const effects = recorder(app, clock, 'COMMAND_TOPIC_CONSUMABLE');

  const homeDock = new Map<number, { staging: number; destination: number }>();
  const routeOf = new Map<number, (typeof sample.routes)[number]>();
  sample.routes.forEach((route, r) => {
    for (const channelId of CHANNELS) {
      const characterId = 100 + r * 10 + channelId;
      homeDock.set(characterId, { staging: route.stagingMapId, destination: route.destinationMapId });
      routeOf.set(characterId, route);
    }
  });
  const characters = playCharacterService(app, homeDock);
  for (const [characterId, home] of homeDock) {
    await characters.login(characterId, { channelId: characterId % 10, mapId: home.staging, instance: NIL });
  }
  const riders = sample.instanceRoutes.map((route, i) => ({ route, characterId: 1000 + i }));
  for (const { route, characterId } of riders) {
    await characters.login(characterId, { channelId: 1, mapId: route.startMapId, instance: NIL });
  }
  await app.idle();

  const rideStarts: number[] = [];
  for (let hour = 0; hour < 24; hour++) {
    const startAt = DAY_START + (hour * 3_600_000 + 30_000) / rate;
    await advanceTo(app, clock, startAt);
    rideStarts.push(startAt);
    for (const { route, characterId } of riders) {
      await app.bus.publish(
        'COMMAND_TOPIC_INSTANCE_TRANSPORT',
        {
          transactionId: NIL,
          worldId: 0,
          characterId,
          type: 'START',
          body: { routeId: route.id, channelId: 1 },
        },
        { key: characterId, tenant: TENANT },
      );
    }
  }
  await advanceTo(app, clock, end - 1);
  return { sample, end, status, commands, events, effects, routeOf, riders, rideStarts };
}

type Day = Awaited<ReturnType<typeof runDay>>;

/** Every trip of the day; the run's span decides which of its boundaries fell before `end`. */
function tripsOf(day: Day) {
  const timetables = computeTimetables(day.sample.routes, day.sample.vessels);
  return day.sample.routes.flatMap((route) => {
    const timetable = timetables.get(route.id)!;
    return Array.from({ length: tripCount(timetable) }, (_, i) => ({
      route,
      trip: tripAt(timetable, i, DAY_START),
    }));
  });
}

function expectScheduledRoutes(day: Day): number {
  const { end, status, commands, routeOf } = day;
  const expectedStatus: string[] = [];
  const expectedVoyages: string[] = [];
  const expectedWarps: string[] = [];
  let delivered = 0;
  const voyage = (type: string, when: number, route: Day['sample']['routes'][number], trip: Trip) => {
    const id = voyageId(TENANT.id, route.id, trip.tripId, trip.departure);
    for (const channelId of CHANNELS) {
      const body = {
        voyageId: id,
        worldId: 0,
        channelId,
        stagingMapId: route.stagingMapId,
        enRouteMapIds: route.enRouteMapIds,
        destinationMapId: route.destinationMapId,
        observationMapId: route.observationMapId,
        departedAt: rfc3339(trip.departure),
      };
      expectedVoyages.push(`${when} ${id} ${JSON.stringify({ routeId: route.id, type, body })}`);
    }
  };
  for (const { route, trip } of tripsOf(day)) {
    const riders = [...routeOf].filter(([, home]) => home === route).map(([id]) => id);
    if (trip.boardingOpen < end)
      expectedStatus.push(`${trip.boardingOpen} ${route.id} ARRIVED ${route.observationMapId}`);
    if (trip.departure < end) {
      expectedStatus.push(`${trip.departure} ${route.id} DEPARTED ${route.observationMapId}`);
      voyage('VOYAGE_DEPARTED', trip.departure, route, trip);
      for (const id of riders)
        expectedWarps.push(`${trip.departure} ${id} ${id % 10} ${route.enRouteMapIds[0]}`);
    }
    if (trip.arrival < end) {
      delivered++;
      voyage('VOYAGE_ARRIVED', trip.arrival, route, trip);
      for (const id of riders)
        expectedWarps.push(`${trip.arrival} ${id} ${id % 10} ${route.destinationMapId}`);
    }
  }
  const seen = status.messages.filter((m) => m.at >= DAY_START);
  const seenStatus = seen
    .filter((m) => m.body.type === 'ARRIVED' || m.body.type === 'DEPARTED')
    .map((m) => `${m.at} ${m.body.routeId} ${m.body.type} ${(m.body.body as { mapId: number }).mapId}`);
  expect(seenStatus.sort()).toEqual(expectedStatus.sort());
  // Each voyage departs once and arrives once per channel, keyed by its id, with HEAD's body.
  const seenVoyages = seen
    .filter((m) => m.body.type?.startsWith('VOYAGE_'))
    .map((m) => `${m.at} ${m.key.toString()} ${JSON.stringify(m.body)}`);
  expect(seenVoyages.sort()).toEqual(expectedVoyages.sort());
  // VOYAGE_DEPARTED goes before its DEPARTED (same route, same instant).
  for (const departed of seen.filter((m) => m.body.type === 'DEPARTED')) {
    const before = seen.slice(0, seen.indexOf(departed));
    const sameVoyage = before.filter(
      (m) =>
        m.at === departed.at && m.body.routeId === departed.body.routeId && m.body.type === 'VOYAGE_DEPARTED',
    );
    expect(sameVoyage).toHaveLength(CHANNELS.length);
  }
  const seenWarps = commands.messages
    .filter((m) => m.at >= DAY_START && routeOf.has(warpOf(m).characterId))
    .map((m) => `${m.at} ${warpOf(m).characterId} ${warpOf(m).channelId} ${warpOf(m).mapId}`);
  expect(seenWarps.sort()).toEqual(expectedWarps.sort());
  return delivered;
}

/** Each ride started, counted down and ended on time; the Temple of Time flights time out with their morph. */
function expectInstanceRoutes(day: Day): void {
  const { events, commands, effects, riders, rideStarts } = day;
  const ofRider = (list: Recorded[], characterId: number, type?: string) =>
    list.filter((m) => m.body.characterId === characterId && (type === undefined || m.body.type === type));
  for (const { route, characterId } of riders) {
    const rideLength = route.boardingWindowMs + route.travelMs;
    const ends = rideStarts.map((t) => t + rideLength);
    const forced = route.forcedReturnMapId !== 0;
    expect(ofRider(events.messages, characterId, 'STARTED').map((m) => m.at)).toEqual(rideStarts);
    expect(
      ofRider(events.messages, characterId, 'TRANSIT_ENTERED').map((m) => [
        m.at,
        (m.body.body as { durationSeconds: number }).durationSeconds,
      ]),
    ).toEqual(rideStarts.map((t) => [t, Math.floor(rideLength / 1000)]));
    const terminal = ofRider(events.messages, characterId, forced ? 'CANCELLED' : 'COMPLETED');
    expect(terminal.map((m) => m.at)).toEqual(ends);
    if (forced)
      expect(terminal.every((m) => (m.body.body as { reason: string }).reason === 'TIMEOUT')).toBe(true);
    const warps = ofRider(commands.messages, characterId).map((m) => [
      m.at,
      warpOf(m).mapId,
      warpOf(m).instance === NIL,
    ]);
    const landing = forced ? route.forcedReturnMapId : route.destinationMapId;
    expect(warps).toEqual(
      rideStarts.flatMap((t) => [
        [t, route.transitMapIds[0], false],
        [t + rideLength, landing, true],
      ]),
    );
    const riderEffects = ofRider(effects.messages, characterId).map((m) => [m.at, m.body.type]);
    expect(riderEffects).toEqual(
      forced
        ? rideStarts.flatMap((t) => [
            [t, 'APPLY_CONSUMABLE_EFFECT'],
            [t + rideLength, 'CANCEL_CONSUMABLE_EFFECT'],
          ])
        : [],
    );
  }
  const cancelled = events.ofType('CANCELLED').map((m) => (m.body.body as { reason: string }).reason);
  expect(new Set(cancelled)).toEqual(new Set(['TIMEOUT']));
  expect(harness!.app.bus.deadLetters()).toEqual([]);
}

describe('a whole day of the bundled tenant', () => {
  it('runs every departure, arrival, voyage, warp and event on the timetable', async () => {
    const day = await runDay(1);
    expect(expectScheduledRoutes(day)).toBe(1044);
    expectInstanceRoutes(day);
  }, 300_000);

  it('at travel rate 10 runs the whole day of trips in a tenth of the day, delivering everyone', async () => {
    const day = await runDay(10);
    expect(expectScheduledRoutes(day)).toBe(1044);
    expectInstanceRoutes(day);
  }, 300_000);

  it('at travel rate 10 a whole day holds ten times the trips (more, as more fit before midnight)', async () => {
    const count = async (rate: number) => {
      const { configuration } = await sampleAt(rate);
      const timetables = computeTimetables(configuration.routes, configuration.vessels);
      return [...timetables.values()].reduce((n, timetable) => n + tripCount(timetable), 0);
    };
    expect(await count(1)).toBe(1044);
    expect(await count(10)).toBe(10_475);
  });
});
