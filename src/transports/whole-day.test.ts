import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { App } from '../app.js';
import { parseTenantsFile } from './core/config.js';
import { computeTimetables, tripAt, tripCount } from './core/timetable.js';
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

// A whole day of the bundled tenant on the manual clock, with the real presence module standing in for
// atlas-maps and this test playing the character service: it applies every CHANGE_MAP (MAP_CHANGED) and walks
// each scheduled passenger straight back to its dock after every arrival, so every trip of every route
// carries three passengers (one per channel). Every instance route is ridden once an hour.

const NIL = '00000000-0000-0000-0000-000000000000';
const DAY_START = at('00:00:00');
const DAY_END = at('+1 00:00:00');
const CHANNELS = [0, 1, 2];
const sample = parseTenantsFile(
  JSON.parse(readFileSync(new URL('../../config/tenants.json', import.meta.url), 'utf8')),
).configurations[0]!;
const timetables = computeTimetables(sample.routes, sample.vessels);

interface Position {
  channelId: number;
  mapId: number;
  instance: string;
}

/** The character service's part: apply CHANGE_MAP as MAP_CHANGED, and send arrived passengers back to their dock. */
function playCharacterService(app: App, homeDock: Map<number, { staging: number; destination: number }>) {
  const positions = new Map<number, Position>();
  const moveTo = (characterId: number, target: Position) => {
    const old = positions.get(characterId)!;
    positions.set(characterId, target);
    return app.bus.publish(
      'EVENT_TOPIC_CHARACTER_STATUS',
      {
        transactionId: NIL,
        worldId: 0,
        characterId,
        type: 'MAP_CHANGED',
        body: {
          channelId: target.channelId,
          oldMapId: old.mapId,
          oldInstance: old.instance,
          targetMapId: target.mapId,
          targetInstance: target.instance,
          targetPortalId: 0,
        },
      },
      { key: characterId, tenant: TENANT },
    );
  };
  app.bus.subscribe('COMMAND_TOPIC_CHARACTER', async (message) => {
    const { characterId, body } = message.value as { characterId: number; body: Position };
    await moveTo(characterId, { channelId: body.channelId, mapId: body.mapId, instance: body.instance });
    const home = homeDock.get(characterId);
    if (home && body.mapId === home.destination) {
      await moveTo(characterId, { channelId: body.channelId, mapId: home.staging, instance: NIL });
    }
  });
  return {
    login: async (characterId: number, position: Position) => {
      positions.set(characterId, position);
      await app.bus.publish(
        'EVENT_TOPIC_CHARACTER_STATUS',
        { transactionId: NIL, worldId: 0, characterId, type: 'LOGIN', body: position },
        { key: characterId, tenant: TENANT },
      );
    },
  };
}

let harness: Harness | undefined;
afterAll(() => harness?.close());

describe('a whole day of the bundled tenant', () => {
  it('runs every departure, arrival, warp and event on the timetable', async () => {
    harness = await startHarness({
      start: DAY_START - 1_000,
      services: ['presence', 'transports'],
      maps: false,
      data: false,
    });
    const { app, clock } = harness;
    const status = recorder(app, clock, 'EVENT_TOPIC_TRANSPORT_STATUS');
    const commands = recorder(app, clock, 'COMMAND_TOPIC_CHARACTER');
    const events = recorder(app, clock, 'EVENT_TOPIC_INSTANCE_TRANSPORT');

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
      await characters.login(characterId, {
        channelId: (characterId % 10) as number,
        mapId: home.staging,
        instance: NIL,
      });
    }
    const riders = sample.instanceRoutes.map((route, i) => ({ route, characterId: 1000 + i }));
    for (const { route, characterId } of riders) {
      await characters.login(characterId, { channelId: 1, mapId: route.startMapId, instance: NIL });
    }
    await app.idle();

    const rideStarts: number[] = [];
    for (let hour = 0; hour < 24; hour++) {
      const startAt = DAY_START + hour * 3_600_000 + 30_000;
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
    await advanceTo(app, clock, DAY_END - 1);

    // Scheduled routes: ARRIVED at boarding open, DEPARTED at departure, three passengers aboard at departure
    // and ashore at arrival, for every trip.
    const expectedStatus: string[] = [];
    const expectedWarps: string[] = [];
    for (const route of sample.routes) {
      const timetable = timetables.get(route.id)!;
      for (let index = 0; index < tripCount(timetable); index++) {
        const trip = tripAt(timetable, index, DAY_START);
        expectedStatus.push(`${trip.boardingOpen} ${route.id} ARRIVED ${route.observationMapId}`);
        expectedStatus.push(`${trip.departure} ${route.id} DEPARTED ${route.observationMapId}`);
        for (const [characterId, home] of routeOf) {
          if (home !== route) continue;
          expectedWarps.push(
            `${trip.departure} ${characterId} ${characterId % 10} ${route.enRouteMapIds[0]}`,
          );
          expectedWarps.push(`${trip.arrival} ${characterId} ${characterId % 10} ${route.destinationMapId}`);
        }
      }
    }
    const seenStatus = status.messages
      .filter((m) => m.at >= DAY_START)
      .map((m) => `${m.at} ${m.body.routeId} ${m.body.type} ${(m.body.body as { mapId: number }).mapId}`);
    expect(seenStatus.length).toBe(2 * 1044);
    expect(seenStatus.sort()).toEqual(expectedStatus.sort());
    const scheduledWarps = commands.messages.filter(
      (m) => m.at >= DAY_START && routeOf.has(warpOf(m).characterId),
    );
    const seenWarps = scheduledWarps.map(
      (m) => `${m.at} ${warpOf(m).characterId} ${warpOf(m).channelId} ${warpOf(m).mapId}`,
    );
    expect(seenWarps.length).toBe(6 * 1044);
    expect(seenWarps.sort()).toEqual(expectedWarps.sort());

    // Instance routes: each ride started, counted down and completed exactly on time.
    const ofRider = (list: Recorded[], characterId: number, type?: string) =>
      list.filter((m) => m.body.characterId === characterId && (type === undefined || m.body.type === type));
    for (const { route, characterId } of riders) {
      const rideLength = route.boardingWindowMs + route.travelMs;
      expect(ofRider(events.messages, characterId, 'STARTED').map((m) => m.at)).toEqual(rideStarts);
      expect(
        ofRider(events.messages, characterId, 'TRANSIT_ENTERED').map((m) => [
          m.at,
          (m.body.body as { durationSeconds: number }).durationSeconds,
        ]),
      ).toEqual(rideStarts.map((t) => [t, rideLength / 1000]));
      expect(ofRider(events.messages, characterId, 'COMPLETED').map((m) => m.at)).toEqual(
        rideStarts.map((t) => t + rideLength),
      );
      const warps = ofRider(commands.messages, characterId).map((m) => [
        m.at,
        warpOf(m).mapId,
        warpOf(m).instance === NIL,
      ]);
      expect(warps).toEqual(
        rideStarts.flatMap((t) => [
          [t, route.transitMapIds[0], false],
          [t + rideLength, route.destinationMapId, true],
        ]),
      );
    }
    expect(events.ofType('CANCELLED')).toEqual([]);
    expect(app.bus.deadLetters()).toEqual([]);
  }, 180_000); // ~20 s alone; a shared machine may take three times that
});
