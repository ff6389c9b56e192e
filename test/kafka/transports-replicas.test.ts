import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { NIL_UUID } from '../../src/platform/tenant.js';
import { parseTenantConfiguration } from '../../src/transports/core/config.js';
import { instanceRouteId, scheduledRouteId } from '../../src/transports/core/ids.js';
import { evaluateSchedule } from '../../src/transports/core/schedule.js';
import { ownerOf } from '../../src/transports/scheduled/fleet.js';
import { stepTopic } from '../../src/transports/scheduled/steps.js';
import { loadTenant } from '../../src/transports/tenants/loaded-tenant.js';
import { FakeAtlas } from '../../src/transports/testing/fake-atlas.js';
import { tenantHeaders } from '../support/app.js';
import { createTestDatabase } from '../support/database.js';
import { TENANT } from '../support/tenant.js';
import {
  type AppProcess,
  eventually,
  type MockBroker,
  openReader,
  type ReadMessage,
  readAll,
  readTopic,
  sleep,
  startApp,
  startMockBroker,
} from './support.js';

// Three transports processes on one PostgreSQL and librdkafka's mock cluster (decisions E5), on a travel rate of
// 60 so that the Ellinia→Orbis boat boards for 5 s and sails for 10 s. The process driving the boat is killed
// with -9 mid-trip: the passenger is still delivered, once, within 5 s of the arrival, and across the run every
// voyage is announced once per channel and every route's DEPARTED once per voyage.

const RATE = 60;
const BOAT = scheduledRouteId(TENANT.id, 'boat-ellinia-orbis');
const STAGING = 101000301;
const EN_ROUTE = 200090010;
const DESTINATION = 200000100;
const PASSENGER = 4242;
const FERRY = instanceRouteId(TENANT.id, 'sky-ferry-victoria-to-ereve');
const FERRY_TRANSIT = 200090030;
const FERRY_DESTINATION = 130000210;
const RIDER = 5151;
const HEADERS = tenantHeaders();

interface Status {
  routeId: string;
  type: string;
  body: { voyageId?: string; worldId?: number; channelId?: number };
}

interface Command {
  characterId: number;
  type: string;
  body: { mapId: number };
}

/**
 * The messages as sent, each once. A replica killed with -9 between publishing a batch of its outbox and
 * deleting it leaves those rows to a survivor's relay, which publishes them again: byte-identical copies, headers
 * included (decisions E2: at least once, same content). A transition performed twice would instead carry a
 * new traceparent (each produced message gets a span of its own), so it survives this and fails the checks.
 */
function once(read: readonly ReadMessage[]): ReadMessage[] {
  const seen = new Set<string>();
  return read.filter((m) => {
    const identity = `${m.key.toString('hex')}|${m.value.toString('hex')}|${m.headers.traceparent?.toString('hex')}`;
    if (seen.has(identity)) return false;
    seen.add(identity);
    return true;
  });
}

describe.skipIf(!inject('kafkaTools'))('three transports replicas on Kafka', () => {
  let broker: MockBroker;
  let databaseUrl: string;
  let atlas: FakeAtlas;
  let directory: string;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    broker = await startMockBroker();
    databaseUrl = await createTestDatabase();
    atlas = await new FakeAtlas().start();
    directory = mkdtempSync(path.join(tmpdir(), 'atlas-ts-replicas-'));
  });

  afterAll(async () => {
    for (const app of apps) await app.kill9().catch(() => undefined);
    broker?.stop();
    await atlas?.stop();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  async function replicaIds(): Promise<string[]> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ id: string }>(
        // The fleet's own rule: a lease renewed within the last 3 s.
        `SELECT replica_id AS id FROM transport_replicas WHERE seen_at > $1`,
        [Date.now() - 3_000],
      );
      return rows.map((r) => r.id);
    } finally {
      await client.end();
    }
  }

  async function owned(app: AppProcess): Promise<number> {
    const text = await (await fetch(`${app.url}/api/metrics`)).text();
    return Number(/^transports_routes_owned (\d+)/m.exec(text)?.[1] ?? Number.NaN);
  }

  it('deliver a trip whose driver was killed with -9, and announce every voyage once', async () => {
    const sample = JSON.parse(
      readFileSync(new URL('../../config/tenants.json', import.meta.url), 'utf8'),
    ) as {
      tenants: Array<Record<string, unknown>>;
    };
    const entry: Record<string, unknown> = { ...sample.tenants[0]!, travelRate: RATE };
    // The ferry sails 8 s at this rate: long enough to kill the replica that started a ride before it lands.
    entry.instanceRoutes = (
      entry.instanceRoutes as Array<{ id: string; attributes: Record<string, unknown> }>
    ).map((route) =>
      route.id === 'sky-ferry-victoria-to-ereve'
        ? { ...route, attributes: { ...route.attributes, travelDurationSeconds: 480 } }
        : route,
    );
    const configFile = path.join(directory, 'tenants.json');
    writeFileSync(configFile, JSON.stringify({ tenants: [entry] }));
    const boat = loadTenant(parseTenantConfiguration(entry)).schedules.get(BOAT)!;

    const env = {
      BOOTSTRAP_SERVERS: broker.bootstrap,
      DATABASE_URL: databaseUrl,
      SERVICES: 'transports',
      CONFIG_FILE: configFile,
      MAPS_SERVICE_URL: atlas.url,
      DATA_SERVICE_URL: atlas.url,
    };
    apps.push(...(await Promise.all([startApp(env), startApp(env), startApp(env)])));
    // Every replica sees the other two and drives a share of the 12 routes.
    const shares = await eventually(
      'routes spread over three replicas',
      async () => {
        const counts = await Promise.all(apps.map(owned));
        return counts.reduce((a, b) => a + b, 0) === 12 && counts.every((n) => n > 0) ? counts : undefined;
      },
      20_000,
    );
    expect(shares).toHaveLength(3);

    // The next departure at least 3 s away: the passenger waits on the dock, then is aboard.
    let departure = Date.now() + 3_000;
    for (;;) {
      const evaluation = evaluateSchedule(boat, departure);
      if (evaluation.state === 'in_transit') break;
      departure = evaluation.nextTransitionAt!;
    }
    const arrival = evaluateSchedule(boat, departure).nextTransitionAt!;
    atlas.place(TENANT.id, PASSENGER, { worldId: 0, channelId: 1, mapId: STAGING, instance: NIL_UUID });
    // Joined before the departure: the passenger must be moved aboard before the boat's driver is killed.
    const commandReader = await openReader(broker.bootstrap, 'COMMAND_TOPIC_CHARACTER');
    await sleep(departure - Date.now());
    // The channel server moves the passenger aboard when the departure warp arrives; the fake atlas-maps moves
    // nobody, so the test does it, on seeing that warp.
    const isPassenger = (value: Buffer) =>
      (JSON.parse(value.toString('utf8')) as Command).characterId === PASSENGER;
    const warpsOf = (read: readonly ReadMessage[]) => read.filter((m) => isPassenger(m.value));
    const mapOf = (m: ReadMessage) => (JSON.parse(m.value.toString()) as Command).body.mapId;
    await commandReader
      .until((read) => warpsOf(read).some((m) => mapOf(m) === EN_ROUTE), 10_000)
      .catch((error: Error) => {
        for (const app of apps)
          console.warn(
            app
              .output()
              .split('\n')
              .filter((l) => /ellinia|"level":(40|50)|warn|error/i.test(l))
              .join('\n'),
          );
        throw error;
      });
    await commandReader.close();
    atlas.place(TENANT.id, PASSENGER, { worldId: 0, channelId: 1, mapId: EN_ROUTE, instance: NIL_UUID });

    const ids = await replicaIds();
    expect(ids).toHaveLength(3);
    const driverId = ownerOf(ids, stepTopic(TENANT.id, BOAT))!;
    const driver = apps.find((app) => app.output().includes(driverId));
    expect(driver).toBeDefined();
    await driver!.kill9();
    const killedAt = Date.now();
    expect(killedAt).toBeLessThan(arrival);
    // The survivors take the dead replica's routes within 5 s (its lease lasts 3 s, they look every second).
    const survivors = apps.filter((app) => app !== driver);
    await eventually(
      'the survivors drive all 12 routes',
      async () =>
        (await Promise.all(survivors.map(owned))).reduce((a, b) => a + b, 0) === 12 ? true : undefined,
      10_000,
    );
    const takeoverMs = Date.now() - killedAt;
    console.log(`takeover after kill -9: ${takeoverMs} ms`);
    expect(takeoverMs).toBeLessThanOrEqual(5_000);

    const delivered = await readTopic(
      broker.bootstrap,
      'COMMAND_TOPIC_CHARACTER',
      (read) =>
        warpsOf(read).some((m) => (JSON.parse(m.value.toString()) as Command).body.mapId === DESTINATION),
      30_000,
    );
    atlas.remove(TENANT.id, PASSENGER);
    const ashore = warpsOf(delivered).find(
      (m) => (JSON.parse(m.value.toString()) as Command).body.mapId === DESTINATION,
    )!;
    expect(ashore.timestamp - arrival).toBeLessThanOrEqual(5_000);
    expect(ashore.timestamp).toBeGreaterThanOrEqual(arrival);

    // One more boat cycle on the two survivors, then everything the fleet said is read back.
    await sleep(evaluateSchedule(boat, arrival + 1).nextTransitionAt! + 16_000 - Date.now());
    const commands = once(await readAll(broker.bootstrap, 'COMMAND_TOPIC_CHARACTER'));
    expect(warpsOf(commands).map((m) => (JSON.parse(m.value.toString()) as Command).body.mapId)).toEqual([
      EN_ROUTE,
      DESTINATION,
    ]);

    const cut = Date.now();
    const status = once(await readAll(broker.bootstrap, 'EVENT_TOPIC_TRANSPORT_STATUS'));
    const events = status.map((m) => ({ ...(JSON.parse(m.value.toString()) as Status), at: m.timestamp }));
    const voyageKeys = events
      .filter((e) => e.type.startsWith('VOYAGE_'))
      .map((e) => `${e.type} ${e.body.voyageId} ${e.body.worldId}/${e.body.channelId}`);
    expect(voyageKeys.length).toBeGreaterThan(0);
    expect(new Set(voyageKeys).size).toBe(voyageKeys.length);
    // A departure's DEPARTED (keyed by the route) and VOYAGE_DEPARTED (keyed by the voyage) go to different
    // partitions: the read is a cut per partition, so a departure being relayed at that moment can be half in
    // it. Compared up to 2 s before the cut, every DEPARTED has its own voyage (a second performance of a
    // departure would bring a DEPARTED and no new voyage).
    const settled = events.filter((e) => e.at < cut - 2_000);
    for (const routeId of new Set(settled.map((e) => e.routeId))) {
      const departed = settled.filter((e) => e.routeId === routeId && e.type === 'DEPARTED').length;
      const voyages = new Set(
        settled
          .filter((e) => e.routeId === routeId && e.type === 'VOYAGE_DEPARTED')
          .map((e) => e.body.voyageId),
      ).size;
      expect(`${routeId}: ${departed} DEPARTED`).toBe(`${routeId}: ${voyages} DEPARTED`);
    }
    // The killed driver's voyage arrived once on every channel.
    const boatVoyages = events.filter((e) => e.routeId === BOAT && e.type === 'VOYAGE_ARRIVED');
    expect(boatVoyages.length).toBeGreaterThan(0);

    // An instance ride started on one survivor, which is then killed: the last one lands it, once.
    const [starter, last] = survivors as [AppProcess, AppProcess];
    const started = await fetch(`${starter.url}/api/transports/instance-routes/${FERRY}/start`, {
      method: 'POST',
      headers: { ...HEADERS, 'content-type': 'application/json' },
      body: JSON.stringify({
        data: {
          type: 'start-transport',
          id: '',
          attributes: { characterId: RIDER, worldId: 0, channelId: 1 },
        },
      }),
    });
    expect(started.status).toBe(204);
    const landsAt = Date.now() + Math.round(1000 / RATE) + 8_000;
    await starter.kill9();
    const isRider = (m: ReadMessage) => (JSON.parse(m.value.toString()) as Command).characterId === RIDER;
    const completed = await readTopic(
      broker.bootstrap,
      'EVENT_TOPIC_INSTANCE_TRANSPORT',
      (read) =>
        read.some((m) => isRider(m) && (JSON.parse(m.value.toString()) as Command).type === 'COMPLETED'),
      30_000,
    );
    const completion = completed.find(
      (m) => isRider(m) && (JSON.parse(m.value.toString()) as Command).type === 'COMPLETED',
    )!;
    expect(completion.timestamp - landsAt).toBeLessThanOrEqual(5_000);
    expect(await (await fetch(`${last.url}/readyz`)).status).toBe(200);
    const rideEvents = once(await readAll(broker.bootstrap, 'EVENT_TOPIC_INSTANCE_TRANSPORT')).filter(
      isRider,
    );
    expect(rideEvents.map((m) => (JSON.parse(m.value.toString()) as Command).type)).toEqual([
      'STARTED',
      'COMPLETED',
    ]);
    const rideWarps = once(await readAll(broker.bootstrap, 'COMMAND_TOPIC_CHARACTER')).filter(isRider);
    expect(rideWarps.map((m) => (JSON.parse(m.value.toString()) as Command).body.mapId)).toEqual([
      FERRY_TRANSIT,
      FERRY_DESTINATION,
    ]);
  });
});
