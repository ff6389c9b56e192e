import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { OTHER_TENANT } from '../../../test/support/app.js';
import type { Tenant } from '../../platform/tenant.js';
import {
  advanceTo,
  at,
  type Harness,
  instanceRoute,
  logout,
  routeId,
  startHarness,
  TENANT,
  tenantHeaders,
} from '../testing/harness.js';

// The Ellinia→Orbis boat: departs 00:05, arrives 00:15 (transports.md §2.7).
const BOAT = routeId('boat-ellinia-orbis');
const STAGING = 101000301;
const EN_ROUTE = 200090010;
// The Kerning Square train: boarding 1 s, travel 10 s.
const TRAIN = instanceRoute('kerning-train-to-square');
const NIL = '00000000-0000-0000-0000-000000000000';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

type Attributes = Record<string, unknown>;

async function boot(start: string) {
  harness = await startHarness({ start: at(start) });
  const { app, clock, url, atlas } = harness;
  const get = async (path: string, tenant: Tenant = TENANT) => {
    const response = await fetch(`${url}/api/transports/${path}`, { headers: tenantHeaders(tenant) });
    return {
      status: response.status,
      body: (await response.json()) as {
        data: Array<{ id: string; attributes: Attributes }>;
        meta?: { total: number };
        errors?: Array<{ source: unknown }>;
      },
    };
  };
  return {
    ...harness,
    get,
    manifest: async (query: string) => (await get(`manifests?${query}`)).body.data.map((d) => d.attributes),
    to: (time: string) => advanceTo(app, clock, at(time)),
    place: (characterId: number, mapId: number) =>
      atlas.place(TENANT.id, characterId, { worldId: 0, channelId: 1, mapId, instance: NIL }),
  };
}

describe('manifests of scheduled voyages', () => {
  it('list who the departure took aboard, and who was delivered or not at the arrival', async () => {
    const h = await boot('00:01:00');
    h.place(7, STAGING);
    h.place(8, STAGING);
    h.place(10, STAGING);
    await h.to('00:05:00');
    const voyageId = (await h.get(`routes/${BOAT}`)).body.data as unknown as { attributes: Attributes };
    const tripId = voyageId.attributes.voyageId as string;
    expect(await h.manifest('filter[characterId]=7')).toEqual([
      {
        kind: 'scheduled',
        routeId: BOAT,
        routeName: 'boat-ellinia-orbis',
        tripId,
        characterId: 7,
        boardedAt: '2026-02-18T00:05:00Z',
        departedAt: '2026-02-18T00:05:00Z',
        endedAt: null,
        outcome: 'aboard',
        reason: null,
      },
    ]);
    // The fake atlas-maps moves nobody: the channel server would have put them aboard.
    h.place(7, EN_ROUTE);
    h.place(8, 100000000);
    h.place(9, STAGING); // waits for the next trip
    // Character 10 logs out aboard: warped back to the start map, their voyage ends there.
    h.atlas.remove(TENANT.id, 10);
    await logout(h.app, 10, EN_ROUTE);
    await h.to('00:10:00');
    const passengers = (await h.get(`routes/${BOAT}/passengers`)).body.data;
    expect(passengers).toEqual([
      {
        type: 'passengers',
        id: '7',
        attributes: { characterId: 7, mapId: EN_ROUTE, since: '2026-02-18T00:05:00Z' },
      },
      { type: 'passengers', id: '9', attributes: { characterId: 9, mapId: STAGING, since: null } },
    ]);
    await h.to('00:15:00');
    const trip = await h.manifest(`filter[tripId]=${tripId}&filter[routeId]=${BOAT}`);
    expect(trip.map((e) => [e.characterId, e.outcome, e.reason, e.endedAt])).toEqual([
      [7, 'delivered', null, '2026-02-18T00:15:00Z'],
      [8, 'cancelled', 'not-aboard-at-arrival', '2026-02-18T00:15:00Z'],
      [10, 'cancelled', 'logout', '2026-02-18T00:05:00Z'],
    ]);
    // Another tenant sees none of it: not the rows, not the route.
    expect((await h.get(`manifests?filter[routeId]=${BOAT}`, OTHER_TENANT)).body.data).toEqual([]);
    expect((await h.get(`routes/${BOAT}/passengers`, OTHER_TENANT)).status).toBe(404);
  });
});

describe('manifests of instance rides', () => {
  it('record the boarding, the arrival and a cancel with its reason', async () => {
    const h = await boot('10:00:00');
    const start = (characterId: number) =>
      fetch(`${h.url}/api/transports/instance-routes/${TRAIN}/start`, {
        method: 'POST',
        headers: { ...tenantHeaders(), 'content-type': 'application/json' },
        body: JSON.stringify({
          data: { type: 'start-transport', attributes: { characterId, worldId: 0, channelId: 1 } },
        }),
      });
    expect((await start(21)).status).toBe(204);
    expect((await start(22)).status).toBe(204);
    await h.app.idle();
    const [boarded] = await h.manifest('filter[characterId]=21');
    expect(boarded).toMatchObject({
      kind: 'instance',
      routeId: TRAIN,
      characterId: 21,
      boardedAt: '2026-02-18T10:00:00Z',
      departedAt: null,
      outcome: 'aboard',
    });
    // Character 22 walks into another map: the ride is cancelled for them (MAP_EXIT).
    await h.app.bus.publish(
      'EVENT_TOPIC_MAP_STATUS',
      {
        transactionId: NIL,
        worldId: 0,
        channelId: 1,
        mapId: 100000000,
        instance: NIL,
        type: 'CHARACTER_ENTER',
        body: { characterId: 22 },
      },
      { key: 100000000, tenant: TENANT },
    );
    await h.to('10:00:30');
    const entries = await h.manifest(`filter[routeId]=${TRAIN}`);
    expect(entries.map((e) => [e.characterId, e.outcome, e.reason])).toEqual(
      expect.arrayContaining([
        [21, 'delivered', null],
        [22, 'cancelled', 'map-exit'],
      ]),
    );
    expect(entries.find((e) => e.characterId === 21)).toMatchObject({
      departedAt: '2026-02-18T10:00:01Z',
      endedAt: '2026-02-18T10:00:11Z',
    });
    // Paginated as the other lists.
    const page = await h.get(`manifests?filter[routeId]=${TRAIN}&page[number]=2&page[size]=1`);
    expect(page.body.data).toHaveLength(1);
    expect(page.body.meta).toMatchObject({ total: 2, page: { number: 2, size: 1, last: 2 } });
  });

  it('refuses bad filters with a 400 naming the parameter', async () => {
    const h = await boot('10:00:00');
    for (const [query, parameter] of [
      ['filter[routeId]=boat', 'filter[routeId]'],
      ['filter[tripId]=1', 'filter[tripId]'],
      ['filter[characterId]=-1', 'filter[characterId]'],
      ['filter[characterId]=99999999999', 'filter[characterId]'],
      ['page[size]=0', 'page[size]'],
    ]) {
      const answer = await h.get(`manifests?${query}`);
      expect({ query, status: answer.status }).toEqual({ query, status: 400 });
      expect(answer.body.errors![0]!.source).toEqual({ parameter });
    }
    expect((await h.get(`routes/${routeId('nowhere')}/passengers`)).status).toBe(404);
    expect((await h.get('routes/nowhere/passengers')).status).toBe(400);
  });
});

describe('manifest retention', () => {
  it('forgets rows boarded more than 30 days ago at the periodic prune', async () => {
    const h = await boot('10:00:00');
    const client = new pg.Client({ connectionString: h.databaseUrl });
    await client.connect();
    try {
      const insert = (tripId: string, daysAgo: number) =>
        client.query(
          `INSERT INTO transport_manifests (tenant_id, trip_id, character_id, kind, route_id, route_name, boarded_at,
             outcome) VALUES ($1, $2, 1, 'instance', $3, 'kerning-train-to-square', $4, 'delivered')`,
          [TENANT.id, tripId, TRAIN, at('10:00:00') - daysAgo * 86_400_000],
        );
      await insert('00000000-0000-4000-8000-000000000031', 31);
      await insert('00000000-0000-4000-8000-000000000029', 29);
      await h.to('10:10:00');
      const { rows } = await client.query<{ trip_id: string }>('SELECT trip_id FROM transport_manifests');
      expect(rows.map((r) => r.trip_id)).toEqual(['00000000-0000-4000-8000-000000000029']);
    } finally {
      await client.end();
    }
  });
});
