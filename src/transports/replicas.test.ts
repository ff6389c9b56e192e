import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { TENANT, tenantHeaders } from '../../test/support/app.js';
import { createTestDatabase } from '../../test/support/database.js';
import { type App, start } from '../app.js';
import { ManualClock } from '../platform/clock.js';
import { NIL_UUID } from '../platform/tenant.js';
import { parseTenantConfiguration } from './core/config.js';
import { evaluateSchedule } from './core/schedule.js';
import { ownerOf } from './scheduled/fleet.js';
import { stepTopic } from './scheduled/steps.js';
import { loadTenant } from './tenants/loaded-tenant.js';
import { FakeAtlas } from './testing/fake-atlas.js';
import { at, type Recorded, recorder, routeId, warpOf } from './testing/harness.js';

// Three replicas of the transports service on one database, in one process: one domain clock (they share
// time, as machines do) and one lease clock (so a lease runs out without waiting). Each replica publishes what
// it relays on its own in-memory bus; the union of the three is what the fleet sent.

// The Ellinia→Orbis boat (transports.md §2.7): boarding 00:00:00, departure 00:05:00, arrival 00:15:00.
const BOAT = routeId('boat-ellinia-orbis');
const STAGING = 101000301;
const EN_ROUTE = 200090010;
const DESTINATION = 200000100;

const sample = (
  JSON.parse(readFileSync(new URL('../../config/tenants.json', import.meta.url), 'utf8')) as {
    tenants: unknown[];
  }
).tenants[0];

/**
 * Every ARRIVED and DEPARTED one replica alone would send for boundaries in (from, to], stamped with the
 * instant it goes out: the boundary, unless `stamp` says it is performed later.
 */
function expectedEvents(
  from: number,
  to: number,
  stamp: (routeId: string, boundary: number) => number = (_, boundary) => boundary,
): string[] {
  const loaded = loadTenant(parseTenantConfiguration(sample));
  const events: string[] = [];
  for (const route of loaded.routes) {
    const schedule = loaded.schedules.get(route.id)!;
    let state = evaluateSchedule(schedule, from).state;
    let boundary = evaluateSchedule(schedule, from).nextTransitionAt;
    while (boundary !== null && boundary <= to) {
      const evaluation = evaluateSchedule(schedule, boundary);
      if (evaluation.state !== state) {
        const sent = stamp(route.id, boundary);
        if (evaluation.state === 'open_entry') events.push(`${route.id} ARRIVED ${sent}`);
        if (evaluation.state === 'in_transit') events.push(`${route.id} DEPARTED ${sent}`);
      }
      state = evaluation.state;
      boundary = evaluation.nextTransitionAt;
    }
  }
  return events.sort();
}

interface Fleet {
  readonly apps: App[];
  /** Each app's lease, in start order (read from transport_replicas as each one joined). */
  readonly ids: string[];
  readonly clock: ManualClock;
  readonly leases: ManualClock;
  readonly status: Recorded[];
  readonly commands: Recorded[];
}

let cleanup: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  cleanup = [];
});

async function idle(apps: readonly App[]): Promise<void> {
  // One replica's idle can leave work for another (a relay wakes on its own commit only): settle them all twice.
  for (let round = 0; round < 2; round++) await Promise.all(apps.map((app) => app.idle()));
}

/** Moves shared time forward, firing every replica's timers in order. */
async function advanceTo(fleet: Fleet, target: number): Promise<void> {
  await idle(fleet.apps);
  for (;;) {
    const next = fleet.clock.nextDue();
    if (next === undefined || next > target) break;
    fleet.clock.set(Math.max(next, fleet.clock.now()));
    await idle(fleet.apps);
  }
  fleet.clock.set(target);
  await idle(fleet.apps);
}

/** One lease period: every replica renews and learns who else is alive. */
async function tickLeases(fleet: Fleet): Promise<void> {
  // What the replicas are still handling (a consumed STARTED being shared) is written before the tick reads it.
  await idle(fleet.apps);
  fleet.leases.advance(1_000);
  await idle(fleet.apps);
  // Membership learned in this tick moves routes; their resumption is tracked work: settle it.
  await idle(fleet.apps);
}

async function owned(app: App): Promise<number> {
  const text = await (await fetch(`${app.url}/api/metrics`)).text();
  return Number(/^transports_routes_owned (\d+)/m.exec(text)?.[1] ?? Number.NaN);
}

async function startFleet(
  count: number,
  time: string,
  atlas: FakeAtlas,
  configFile?: string,
): Promise<Fleet> {
  const databaseUrl = await createTestDatabase();
  const clock = new ManualClock(at(time));
  const leases = new ManualClock(Date.UTC(2026, 0, 1));
  const fleet: Fleet = { apps: [], ids: [], clock, leases, status: [], commands: [] };
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  cleanup.push(() => db.end());
  for (let i = 0; i < count; i++) {
    const app = await start({
      port: 0,
      host: '127.0.0.1',
      logLevel: (process.env.TEST_LOG_LEVEL as 'silent' | undefined) ?? 'silent',
      services: ['transports'],
      env: {
        MAPS_SERVICE_URL: atlas.url,
        DATA_SERVICE_URL: atlas.url,
        ...(configFile ? { CONFIG_FILE: configFile } : {}),
      },
      databaseUrl,
      clock,
      leaseClock: leases,
    });
    cleanup.push(() => app.close());
    fleet.apps.push(app);
    const status = recorder(app, clock, 'EVENT_TOPIC_TRANSPORT_STATUS');
    const commands = recorder(app, clock, 'COMMAND_TOPIC_CHARACTER');
    // Live arrays: each recorder pushes into its own; read them through the fleet's getters below, in the order
    // of the shared clock (each replica has a bus of its own, and whichever relay holds the lock publishes).
    const merged = (of: (r: (typeof recorded)[number]) => Recorded[]) =>
      recorded.flatMap(of).sort((a, b) => a.at - b.at);
    Object.defineProperty(fleet, 'status', { get: () => merged((r) => r.status.messages) });
    Object.defineProperty(fleet, 'commands', { get: () => merged((r) => r.commands.messages) });
    recorded.push({ status, commands });
    const { rows } = await db.query<{ id: string }>('SELECT replica_id AS id FROM transport_replicas');
    fleet.ids.push(rows.map((r) => r.id).find((id) => !fleet.ids.includes(id))!);
  }
  await tickLeases(fleet);
  return fleet;
}

let recorded: Array<{ status: ReturnType<typeof recorder>; commands: ReturnType<typeof recorder> }> = [];
afterEach(() => {
  recorded = [];
});

const eventsOf = (messages: readonly Recorded[]) =>
  messages
    .filter((m) => m.body.type === 'ARRIVED' || m.body.type === 'DEPARTED')
    .map((m) => `${m.body.routeId} ${m.body.type} ${m.at}`)
    .sort();

const place = (atlas: FakeAtlas, characterId: number, mapId: number) =>
  atlas.place(TENANT.id, characterId, { worldId: 0, channelId: 1, mapId, instance: NIL_UUID });

/** The warps one character was sent, as [instant, map]. */
const warpsOf = (fleet: Fleet, characterId: number) =>
  fleet.commands.filter((m) => m.body.characterId === characterId).map((m) => [m.at, warpOf(m).mapId]);

/** Two replicas at `time`: the one that drives the boat, and the other. */
async function boatFleet(time: string) {
  const atlas = await new FakeAtlas().start();
  cleanup.push(() => atlas.stop());
  const fleet = await startFleet(2, time, atlas);
  const driverId = ownerOf(fleet.ids, stepTopic(TENANT.id, BOAT))!;
  const driver = fleet.apps[fleet.ids.indexOf(driverId)]!;
  const other = fleet.apps.find((app) => app !== driver)!;
  return { atlas, fleet, driver, other };
}

/** `GET .../control`, or a change (`PUT`/`DELETE .../control/hold`): the route-controls attributes. */
async function control(app: App, method: 'GET' | 'PUT' | 'DELETE') {
  const response = await fetch(
    `${app.url}/api/transports/routes/${BOAT}/control${method === 'GET' ? '' : '/hold'}`,
    { method, headers: tenantHeaders() },
  );
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: { attributes: Record<string, unknown> } }).data.attributes;
}

describe('three replicas on one database', () => {
  it('spread the routes and send every departure, arrival and warp of an hour once', async () => {
    const atlas = await new FakeAtlas().start();
    cleanup.push(() => atlas.stop());
    const fleet = await startFleet(3, '00:01:00', atlas);

    const shares = await Promise.all(fleet.apps.map(owned));
    expect(shares.reduce((a, b) => a + b, 0)).toBe(12);
    // Each replica drives the routes rendezvous hashing gives it over the live leases, no more, no less (a share
    // of 0 is possible: replica ids are random, and 12 routes over 3 leave one out about once in 40 fleets).
    const routes = loadTenant(parseTenantConfiguration(sample)).routes;
    expect(shares).toEqual(
      fleet.ids.map(
        (id) => routes.filter((r) => ownerOf(fleet.ids, stepTopic(TENANT.id, r.id)) === id).length,
      ),
    );

    // The fake atlas-maps moves nobody: the test moves the passenger as the channel server would.
    place(atlas, 7, STAGING);
    await advanceTo(fleet, at('00:05:00'));
    place(atlas, 7, EN_ROUTE);
    await advanceTo(fleet, at('00:15:00'));
    atlas.remove(TENANT.id, 7);
    await advanceTo(fleet, at('01:01:00'));

    expect(eventsOf(fleet.status)).toEqual(expectedEvents(at('00:01:00'), at('01:01:00')));
    const warps = warpsOf(fleet, 7).sort((a, b) => a[0]! - b[0]!);
    expect(warps).toEqual([
      [at('00:05:00'), EN_ROUTE],
      [at('00:15:00'), DESTINATION],
    ]);
  });

  it('shares a channel one replica consumed: the boat driven by another warps in it', async () => {
    const atlas = await new FakeAtlas().start();
    cleanup.push(() => atlas.stop());
    const fleet = await startFleet(2, '00:01:00', atlas);
    const driverId = ownerOf(fleet.ids, stepTopic(TENANT.id, BOAT))!;
    const other = fleet.apps[1 - fleet.ids.indexOf(driverId)]!;
    // Only the replica that does not drive the boat consumes the channel's STARTED (a Kafka partition's owner).
    await other.bus.publish(
      'EVENT_TOPIC_CHANNEL_STATUS',
      {
        type: 'STARTED',
        worldId: 1,
        channelId: 4,
        ipAddress: '10.0.0.5',
        port: 8585,
        currentCapacity: 0,
        maxCapacity: 1000,
      },
      { key: TENANT.id, tenant: TENANT },
    );
    await tickLeases(fleet);
    atlas.place(TENANT.id, 11, { worldId: 1, channelId: 4, mapId: STAGING, instance: NIL_UUID });
    await advanceTo(fleet, at('00:05:00'));
    const warps = fleet.commands.filter((m) => m.body.characterId === 11).map((m) => [m.at, warpOf(m)]);
    expect(warps).toEqual([
      [at('00:05:00'), expect.objectContaining({ worldId: 1, channelId: 4, mapId: EN_ROUTE })],
    ]);
  });

  it('reloads on every replica when one of them consumes the configuration event', async () => {
    const atlas = await new FakeAtlas().start();
    cleanup.push(() => atlas.stop());
    const configFile = path.join(os.tmpdir(), `atlas-ts-replicas-${process.pid}-${Date.now()}.json`);
    const config = JSON.parse(JSON.stringify({ tenants: [sample] })) as {
      tenants: Array<{ routes: Array<{ id: string; attributes: Record<string, unknown> }> }>;
    };
    await writeFile(configFile, JSON.stringify(config));
    cleanup.push(() => rm(configFile, { force: true }));
    const fleet = await startFleet(2, '00:01:00', atlas, configFile);
    const [consumer, other] = fleet.apps as [App, App];
    const travel = async (app: App) => {
      const response = await fetch(`${app.url}/api/transports/routes/${BOAT}`, { headers: tenantHeaders() });
      return ((await response.json()) as { data: { attributes: { travelDurationSeconds: number } } }).data
        .attributes.travelDurationSeconds;
    };
    expect(await travel(other)).toBe(600);

    config.tenants[0]!.routes.find((r) => r.id === 'boat-ellinia-orbis')!.attributes.travelDuration = 12;
    await writeFile(configFile, JSON.stringify(config));
    await consumer.bus.publish(
      'EVENT_TOPIC_CONFIGURATION_STATUS',
      { tenantId: TENANT.id, type: 'ROUTE_UPDATED', resourceType: 'route', resourceId: 'boat-ellinia-orbis' },
      { key: TENANT.id },
    );
    await idle(fleet.apps);
    expect(await travel(consumer)).toBe(720);
    await tickLeases(fleet);
    expect(await travel(other)).toBe(720);
  });

  it("takes a departed replica's routes over and performs what fell due meanwhile, once", async () => {
    const atlas = await new FakeAtlas().start();
    cleanup.push(() => atlas.stop());
    const fleet = await startFleet(2, '00:04:00', atlas);
    // Whoever drives the boat leaves mid-trip; the other learns of it only at its next lease tick.
    place(atlas, 9, STAGING);
    await advanceTo(fleet, at('00:05:00'));
    place(atlas, 9, EN_ROUTE);
    await advanceTo(fleet, at('00:10:00'));
    const driverId = ownerOf(fleet.ids, stepTopic(TENANT.id, BOAT))!;
    const driver = fleet.apps[fleet.ids.indexOf(driverId)]!;
    const survivor = fleet.apps.find((app) => app !== driver)!;
    await driver.close();
    fleet.apps.splice(fleet.apps.indexOf(driver), 1);

    await advanceTo(fleet, at('00:15:00'));
    const arrivalsOf = () =>
      fleet.commands.filter((m) => m.body.characterId === 9 && warpOf(m).mapId === DESTINATION);
    expect(arrivalsOf()).toEqual([]); // nobody drives the boat until the lease tick

    await tickLeases(fleet);
    expect(await owned(survivor)).toBe(12);
    const arrivals = arrivalsOf();
    expect(arrivals).toHaveLength(1);
    expect(arrivals[0]!.at).toBe(at('00:15:00'));
    const boatEvents = eventsOf(fleet.status).filter((e) => e.startsWith(BOAT));
    expect(boatEvents.filter((e) => e.includes('DEPARTED'))).toEqual([`${BOAT} DEPARTED ${at('00:05:00')}`]);
    // Every event of the hour went once: the departed replica's boundaries of (00:10, 00:15] late, at the
    // takeover, every other one on time.
    await advanceTo(fleet, at('00:50:00'));
    const stamp = (route: string, boundary: number) =>
      ownerOf(fleet.ids, stepTopic(TENANT.id, route)) === driverId &&
      boundary > at('00:10:00') &&
      boundary <= at('00:15:00')
        ? at('00:15:00')
        : boundary;
    expect(eventsOf(fleet.status)).toEqual(expectedEvents(at('00:04:00'), at('00:50:00'), stamp).sort());
  });

  it('applies a hold accepted by the replica that does not drive the boat, and its release once', async () => {
    const { atlas, fleet, driver, other } = await boatFleet('00:01:00');
    place(atlas, 5, STAGING);
    expect(await control(other, 'PUT')).toMatchObject({ held: true });
    await tickLeases(fleet);
    expect(await control(driver, 'GET')).toMatchObject({ held: true, state: 'open_entry' });
    await advanceTo(fleet, at('00:20:00'));
    const departures = () => eventsOf(fleet.status).filter((e) => e.startsWith(`${BOAT} DEPARTED`));
    const warps = () => warpsOf(fleet, 5);
    expect(departures()).toEqual([]);
    expect(warps()).toEqual([]);

    expect(await control(other, 'DELETE')).toMatchObject({ held: false, state: 'in_transit' });
    await idle(fleet.apps);
    expect(departures()).toEqual([]); // the driver has not seen the release yet
    await tickLeases(fleet);
    await tickLeases(fleet);
    expect(departures()).toEqual([`${BOAT} DEPARTED ${at('00:20:00')}`]);
    expect(warps()).toEqual([[at('00:20:00'), EN_ROUTE]]);
    place(atlas, 5, EN_ROUTE);
    await advanceTo(fleet, at('00:31:00'));
    expect(departures()).toEqual([`${BOAT} DEPARTED ${at('00:20:00')}`]);
    expect(warps()).toEqual([
      [at('00:20:00'), EN_ROUTE],
      [at('00:30:00'), DESTINATION],
    ]);
    // The voyage's manifest was written once across the replicas, whichever is asked.
    for (const app of fleet.apps) {
      const response = await fetch(`${app.url}/api/transports/manifests?filter[characterId]=5`, {
        headers: tenantHeaders(),
      });
      const { data } = (await response.json()) as { data: Array<{ attributes: Record<string, unknown> }> };
      expect(data.map((entry) => entry.attributes)).toEqual([
        expect.objectContaining({
          routeId: BOAT,
          departedAt: '2026-02-18T00:20:00Z',
          endedAt: '2026-02-18T00:30:00Z',
          outcome: 'delivered',
        }),
      ]);
    }
  });

  it('lets a departure stand that a hold taken elsewhere reached too late, and holds the next one', async () => {
    const { atlas, fleet, other } = await boatFleet('00:04:00');
    place(atlas, 6, STAGING);
    await advanceTo(fleet, at('00:04:59'));
    expect(await control(other, 'PUT')).toMatchObject({ held: true });
    // The driver departs before its lease tick brings the hold.
    await advanceTo(fleet, at('00:05:00'));
    place(atlas, 6, EN_ROUTE);
    await tickLeases(fleet);
    await tickLeases(fleet);
    await advanceTo(fleet, at('00:50:00'));
    const boat = eventsOf(fleet.status).filter((e) => e.startsWith(BOAT));
    expect(boat).toEqual([`${BOAT} DEPARTED ${at('00:05:00')}`, `${BOAT} ARRIVED ${at('00:30:10')}`].sort());
    expect(warpsOf(fleet, 6)).toEqual([
      [at('00:05:00'), EN_ROUTE],
      [at('00:15:00'), DESTINATION],
    ]);
    expect(await control(other, 'GET')).toMatchObject({
      held: true,
      heldSince: '2026-02-18T00:05:00Z',
      state: 'locked_entry',
    });
  });
});
