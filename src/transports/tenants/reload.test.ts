import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { instanceRouteId } from '../core/ids.js';
import { FakeAtlas } from '../testing/fake-atlas.js';
import {
  advanceTo,
  at,
  type Harness,
  instanceRoute,
  recorder,
  routeId,
  startHarness,
  TENANT,
  tenantHeaders,
  warpOf,
} from '../testing/harness.js';

const NIL = '00000000-0000-0000-0000-000000000000';
const SECOND_TENANT = {
  id: '5b7c2f0e-1d3a-4c8b-9e6f-0a1b2c3d4e5f',
  region: 'GMS',
  majorVersion: 83,
  minorVersion: 1,
};
const SAMPLE = new URL('../../../config/tenants.json', import.meta.url);

interface TenantsFile {
  tenants: Array<
    { id: string; routes: Array<{ id: string; attributes: Record<string, unknown> }> } & Record<
      string,
      unknown
    >
  >;
}

let dir: string;
let file: string;
let sample: TenantsFile;
let harness: Harness | undefined;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'transports-reload-'));
  file = path.join(dir, 'tenants.json');
  sample = JSON.parse(await readFile(SAMPLE, 'utf8')) as TenantsFile;
  await writeFile(file, JSON.stringify(sample));
});
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function boot(start: string, atlas?: FakeAtlas, databaseUrl?: string) {
  harness = await startHarness({
    start: at(start),
    env: { CONFIG_FILE: file },
    ...(atlas ? { atlas } : {}),
    ...(databaseUrl ? { databaseUrl } : {}),
  });
  const { app, clock, url } = harness;
  return {
    ...harness,
    commands: recorder(app, clock, 'COMMAND_TOPIC_CHARACTER'),
    events: recorder(app, clock, 'EVENT_TOPIC_INSTANCE_TRANSPORT'),
    to: (time: string) => advanceTo(app, clock, at(time)),
    configurationEvent: async (tenantId: string, headers = false) => {
      await app.bus.publish(
        'EVENT_TOPIC_CONFIGURATION_STATUS',
        { tenantId, type: 'ROUTE_UPDATED', resourceType: 'route', resourceId: 'boat-ellinia-orbis' },
        { key: tenantId, ...(headers ? { tenant: TENANT } : {}) },
      );
      await app.idle();
    },
    route: async (slug: string, tenant = TENANT) => {
      const response = await fetch(`${url}/api/transports/routes/${routeId(slug)}`, {
        headers: tenantHeaders(tenant),
      });
      return response.status === 200
        ? ((await response.json()) as { data: { attributes: Record<string, unknown> } }).data.attributes
        : response.status;
    },
    startRide: (characterId: number, routeIdText: string, tenant = TENANT) =>
      fetch(`${url}/api/transports/instance-routes/${routeIdText}/start`, {
        method: 'POST',
        headers: { ...tenantHeaders(tenant), 'content-type': 'application/json' },
        body: JSON.stringify({
          data: { type: 'start-transport', attributes: { characterId, worldId: 0, channelId: 0 } },
        }),
      }),
  };
}

const deck = { worldId: 0, channelId: 1, mapId: 200090010, instance: NIL };

describe('configuration reload (C9) and new tenants (C11)', () => {
  it("reloads mid-trip without losing the boat's passengers or an instance ride", async () => {
    const h = await boot('00:06:00');
    h.atlas.place(TENANT.id, 3, deck);
    expect((await h.startRide(4, instanceRoute('kerning-train-to-square'))).status).toBe(204);
    sample.tenants[0]!.routes.find((r) => r.id === 'boat-ellinia-orbis')!.attributes.travelDuration = 12;
    await writeFile(file, JSON.stringify(sample));
    // As atlas-tenants sends it: no tenant headers, the tenant in the body.
    await h.configurationEvent(TENANT.id);
    expect(await h.route('boat-ellinia-orbis')).toMatchObject({
      state: 'in_transit',
      travelDurationSeconds: 720,
      nextTransitionAt: '2026-02-18T00:17:00Z',
    });
    await h.to('00:06:11');
    expect(h.events.ofType('COMPLETED').map((m) => m.body.characterId)).toEqual([4]);
    h.commands.clear();
    await h.to('00:16:59.999');
    expect(h.commands.messages.filter((m) => warpOf(m).characterId === 3)).toEqual([]);
    await h.to('00:17:00');
    expect(h.commands.messages.map((m) => [m.at, warpOf(m).characterId, warpOf(m).mapId])).toEqual([
      [at('00:17:00'), 3, 200000100],
    ]);
  });

  it("delivers a boat's passengers when a reload ends its trip early", async () => {
    const h = await boot('00:06:00');
    h.atlas.place(TENANT.id, 3, deck);
    sample.tenants[0]!.routes.find((r) => r.id === 'boat-ellinia-orbis')!.attributes.travelDuration = 1;
    await writeFile(file, JSON.stringify(sample));
    await h.configurationEvent(TENANT.id, true);
    expect(h.commands.messages.map((m) => [m.at, warpOf(m).characterId, warpOf(m).mapId])).toEqual([
      [at('00:06:00'), 3, 200000100],
    ]);
  });

  it('takes the tenant from the headers whatever the body holds, and never reloads the nil tenant', async () => {
    const h = await boot('00:06:00');
    const boat = sample.tenants[0]!.routes.find((r) => r.id === 'boat-ellinia-orbis')!;
    const publish = async (tenantId: unknown, tenant?: typeof TENANT) => {
      await writeFile(file, JSON.stringify(sample));
      await h.app.bus.publish(
        'EVENT_TOPIC_CONFIGURATION_STATUS',
        { tenantId, type: 'ROUTE_UPDATED', resourceType: 'route', resourceId: 'boat-ellinia-orbis' },
        { key: TENANT.id, ...(tenant ? { tenant } : {}) },
      );
      await h.app.idle();
    };
    boat.attributes.travelDuration = 12;
    await publish('not-a-uuid', TENANT);
    expect(await h.route('boat-ellinia-orbis')).toMatchObject({ travelDurationSeconds: 720 });
    // Headers naming the nil tenant are no tenant: the body's tenantId decides.
    boat.attributes.travelDuration = 13;
    await publish(TENANT.id, { ...TENANT, id: NIL });
    expect(await h.route('boat-ellinia-orbis')).toMatchObject({ travelDurationSeconds: 780 });
    boat.attributes.travelDuration = 14;
    await publish(NIL);
    expect(await h.route('boat-ellinia-orbis')).toMatchObject({ travelDurationSeconds: 780 });
    const metrics = await (await fetch(`${h.url}/api/metrics`)).text();
    expect(metrics).toMatch(
      /bus_messages_malformed_total\{[^}]*EVENT_TOPIC_CONFIGURATION_STATUS[^}]*reason="tenant"[^}]*\} 1/,
    );
  });

  it('keeps the old configuration when the reload cannot be read', async () => {
    const h = await boot('00:06:00');
    await writeFile(file, '{"tenants": [');
    await h.configurationEvent(TENANT.id);
    expect(await h.route('boat-ellinia-orbis')).toMatchObject({ state: 'in_transit' });
    await writeFile(file, JSON.stringify({ tenants: [] }));
    await h.configurationEvent(TENANT.id);
    expect(await h.route('boat-ellinia-orbis')).toMatchObject({ state: 'in_transit' });
  });

  it('reads again a configuration it could not read, until it can, without another event', async () => {
    const h = await boot('00:06:00');
    await writeFile(file, '{"tenants": [');
    await h.configurationEvent(TENANT.id);
    // The file written whole a moment later, without the boat; no event says so.
    const withoutBoat = {
      tenants: sample.tenants.map((tenant) => ({
        ...tenant,
        routes: tenant.routes.filter((route) => route.id !== 'boat-ellinia-orbis'),
      })),
    };
    await writeFile(file, JSON.stringify(withoutBoat));
    expect(await h.route('boat-ellinia-orbis')).toMatchObject({ state: 'in_transit' });
    await h.to('00:06:01');
    expect(await h.route('boat-ellinia-orbis')).toBe(404);
  });

  it('picks up a tenant added to the file on its configuration event, with its own registries (C6)', async () => {
    const h = await boot('00:06:00');
    // The first tenant's start-up request leaves through the outbox: let it go before listening.
    await h.app.idle();
    const statusRequests = recorder(h.app, h.clock, 'COMMAND_TOPIC_CHANNEL_STATUS');
    expect(await h.route('boat-ellinia-orbis', SECOND_TENANT)).toBe(404);
    sample.tenants.push({ ...sample.tenants[0]!, id: SECOND_TENANT.id, name: 'Second' });
    await writeFile(file, JSON.stringify(sample));
    await h.configurationEvent(SECOND_TENANT.id);
    const listed = await fetch(`${h.url}/api/transports/routes`, { headers: tenantHeaders(SECOND_TENANT) });
    const routes = ((await listed.json()) as { data: Array<{ id: string; attributes: { state: string } }> })
      .data;
    expect(routes).toHaveLength(12);
    // Its ids derive from its own tenant id (C1), and its boats run on the same timetable.
    expect(routes.map((r) => r.id)).not.toContain(routeId('boat-ellinia-orbis'));
    expect(routes[2]!.attributes.state).toBe('in_transit');
    const secondTrain = instanceRouteId(SECOND_TENANT.id, 'kerning-train-to-square');
    // One character id in two tenants is two characters.
    expect((await h.startRide(8, instanceRoute('kerning-train-to-square'))).status).toBe(204);
    expect((await h.startRide(8, secondTrain, SECOND_TENANT)).status).toBe(204);
    await h.app.idle();
    expect(
      statusRequests.messages.map((m) => [m.key.toString(), m.value, m.headers.TENANT_ID!.toString()]),
    ).toEqual([[SECOND_TENANT.id, { type: 'STATUS_REQUEST' }, SECOND_TENANT.id]]);
  });

  it('skips and counts configuration events it cannot attribute to a tenant', async () => {
    const h = await boot('00:06:00');
    await h.app.bus.publish('EVENT_TOPIC_CONFIGURATION_STATUS', {
      type: 'ROUTE_CREATED',
      resourceType: 'route',
    });
    await h.app.bus.publish('EVENT_TOPIC_CONFIGURATION_STATUS', 'not json at all');
    await h.app.idle();
    const metrics = await (await fetch(`${h.url}/api/metrics`)).text();
    expect(metrics).toMatch(
      /bus_messages_malformed_total\{[^}]*EVENT_TOPIC_CONFIGURATION_STATUS[^}]*reason="tenant"[^}]*\} 1/,
    );
    expect(h.app.bus.deadLetters()).toEqual([]);
  });
});

describe('restart mid-day', () => {
  it('recomputes the state and strands nobody', async () => {
    const atlas = await new FakeAtlas().start();
    try {
      let h = await boot('00:06:00', atlas);
      atlas.place(TENANT.id, 3, deck);
      await h.startRide(4, instanceRoute('temple-of-time-flight'));
      await h.app.idle();
      h.commands.clear();
      await h.app.close();
      // Nobody is warped at shutdown: the boat's passenger waits aboard, the flight's ride is in the database.
      expect(h.commands.messages).toEqual([]);
      h = await boot('00:08:30', atlas, h.databaseUrl);
      expect(await h.route('boat-ellinia-orbis')).toMatchObject({
        state: 'in_transit',
        nextState: 'awaiting_return',
      });
      await h.to('00:15:00');
      expect(h.commands.messages.map((m) => [m.at, warpOf(m).characterId, warpOf(m).mapId])).toEqual([
        [at('00:15:00'), 3, 200000100],
      ]);
      // The flight's travel time (1 s boarding + 900 s) runs out on time after the restart: its forced return.
      h.commands.clear();
      await h.to('00:21:01');
      expect(h.commands.messages.map((m) => [m.at, warpOf(m).characterId, warpOf(m).mapId])).toEqual([
        [at('00:21:01'), 4, 240000110],
      ]);
      expect(h.events.ofType('CANCELLED').map((m) => (m.body.body as { reason: string }).reason)).toEqual([
        'TIMEOUT',
      ]);
    } finally {
      await harness?.close();
      harness = undefined;
      await atlas.stop();
    }
  });
});
