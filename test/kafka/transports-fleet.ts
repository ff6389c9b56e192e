import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { parseTenantConfiguration } from '../../src/transports/core/config.js';
import { evaluateSchedule, type RouteSchedule } from '../../src/transports/core/schedule.js';
import { ownerOf } from '../../src/transports/scheduled/fleet.js';
import { stepTopic } from '../../src/transports/scheduled/steps.js';
import { loadTenant } from '../../src/transports/tenants/loaded-tenant.js';
import { FakeAtlas } from '../../src/transports/testing/fake-atlas.js';
import { createTestDatabase } from '../support/database.js';
import { TENANT } from '../support/tenant.js';
import { type AppProcess, eventually, type MockBroker, startApp, startMockBroker } from './support.js';

/** The bundled sample tenant's configuration entry, as config/tenants.json has it. */
export type TenantEntry = Record<string, unknown>;

/** At this travel rate the Ellinia→Orbis boat boards for 5 s and sails for 10 s. */
export const FAST_RATE = 60;

/**
 * What a test of several `node dist/main.js` transports processes stands on (decisions E5): librdkafka's mock
 * cluster, a fresh database, a fake atlas-maps/atlas-data, and a directory for the configuration file. Call in a
 * describe block: it registers the hooks that set these up and tear them (and every started process) down.
 */
export function useTransportsFleet(prefix: string) {
  const fleet = {
    broker: undefined as unknown as MockBroker,
    databaseUrl: '',
    atlas: undefined as unknown as FakeAtlas,
    directory: '',
    apps: [] as AppProcess[],

    /**
     * Writes the sample tenant at FAST_RATE (changed by `edit`), starts `count` processes on it, and returns them
     * with the loaded tenant's schedules, for computing when things are due.
     */
    async start(count: number, edit: (entry: TenantEntry) => TenantEntry = (entry) => entry) {
      const sample = JSON.parse(
        readFileSync(new URL('../../config/tenants.json', import.meta.url), 'utf8'),
      ) as { tenants: TenantEntry[] };
      const entry = edit({ ...sample.tenants[0]!, travelRate: FAST_RATE });
      const configFile = path.join(fleet.directory, 'tenants.json');
      writeFileSync(configFile, JSON.stringify({ tenants: [entry] }));
      const env = {
        BOOTSTRAP_SERVERS: fleet.broker.bootstrap,
        DATABASE_URL: fleet.databaseUrl,
        SERVICES: 'transports',
        CONFIG_FILE: configFile,
        MAPS_SERVICE_URL: fleet.atlas.url,
        DATA_SERVICE_URL: fleet.atlas.url,
      };
      const started = await Promise.all(Array.from({ length: count }, () => startApp(env)));
      fleet.apps.push(...started);
      const schedules = loadTenant(parseTenantConfiguration(entry)).schedules;
      return { apps: started, schedules };
    },

    /** The replicas whose lease is live now, by the fleet's own rule (renewed within the last 3 s). */
    async replicaIds(): Promise<string[]> {
      const client = new pg.Client({ connectionString: fleet.databaseUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ id: string }>(
          'SELECT replica_id AS id FROM transport_replicas WHERE seen_at > $1',
          [Date.now() - 3_000],
        );
        return rows.map((r) => r.id);
      } finally {
        await client.end();
      }
    },

    /** Waits until every one of `apps` drives a share of the tenant's 12 routes. */
    async spread(apps: readonly AppProcess[]): Promise<number[]> {
      return eventually(
        `routes spread over ${apps.length} replicas`,
        async () => {
          const counts = await Promise.all(apps.map(routesOwned));
          return counts.reduce((a, b) => a + b, 0) === 12 && counts.every((n) => n > 0) ? counts : undefined;
        },
        20_000,
      );
    },

    /** The process that drives `routeId` now (its replica id is in its log). */
    async driverOf(routeId: string): Promise<AppProcess | undefined> {
      const driverId = ownerOf(await fleet.replicaIds(), stepTopic(TENANT.id, routeId));
      return driverId === undefined ? undefined : fleet.apps.find((app) => app.output().includes(driverId));
    },
  };

  beforeAll(async () => {
    fleet.broker = await startMockBroker();
    fleet.databaseUrl = await createTestDatabase();
    fleet.atlas = await new FakeAtlas().start();
    fleet.directory = mkdtempSync(path.join(tmpdir(), prefix));
  });

  afterAll(async () => {
    for (const app of fleet.apps) await app.kill9().catch(() => undefined);
    fleet.broker?.stop();
    await fleet.atlas?.stop();
    if (fleet.directory) rmSync(fleet.directory, { recursive: true, force: true });
  });

  return fleet;
}

/** The routes a process drives now, from its /metrics. */
export async function routesOwned(app: AppProcess): Promise<number> {
  const text = await (await fetch(`${app.url}/api/metrics`)).text();
  return Number(/^transports_routes_owned (\d+)/m.exec(text)?.[1] ?? Number.NaN);
}

/**
 * The first departure of `schedule` after `from`: a boundary into in_transit. (`from` itself may lie in a trip
 * already under way; that trip's departure is not "next".)
 */
export function nextDeparture(schedule: RouteSchedule, from: number): number {
  let evaluation = evaluateSchedule(schedule, from);
  for (;;) {
    const at = evaluation.nextTransitionAt!;
    evaluation = evaluateSchedule(schedule, at);
    if (evaluation.state === 'in_transit') return at;
  }
}

/**
 * An instant at or after `from` to put a passenger on `schedule`'s dock for its next departure: the route is
 * not sailing then (its last departure is a whole trip ago, so that departure's presence look-up, which on a
 * loaded machine may come a moment after its instant, is long done and cannot take the passenger), and the next
 * departure is at least `leadMs` away.
 */
export function dockTime(schedule: RouteSchedule, from: number, leadMs = 3_000): number {
  let at = from;
  for (;;) {
    const evaluation = evaluateSchedule(schedule, at);
    if (evaluation.state === 'in_transit') {
      at = evaluation.nextTransitionAt!;
      continue;
    }
    const departure = nextDeparture(schedule, at);
    if (departure - at >= leadMs) return at;
    // Too close: after that trip instead.
    at = evaluateSchedule(schedule, departure).nextTransitionAt!;
  }
}
