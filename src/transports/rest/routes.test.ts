import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { at, type Harness, instanceRoute, routeId, startHarness, tenantHeaders } from '../testing/harness.js';

const BOAT_A = routeId('boat-ellinia-orbis');
const OTHER = {
  id: '5b7c2f0e-1d3a-4c8b-9e6f-0a1b2c3d4e5f',
  region: 'GMS',
  majorVersion: 83,
  minorVersion: 1,
};

interface Doc {
  data: Array<{
    type: string;
    id: string;
    attributes: Record<string, unknown>;
    relationships?: Record<string, { links?: unknown; data?: unknown[] }>;
  }>;
  included?: Array<{ type: string; id: string; attributes: Record<string, string> }>;
  meta?: unknown;
}
interface One {
  data: Doc['data'][number];
  included?: Doc['included'];
}

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ start: at('00:02:00') });
});
afterAll(() => harness.close());

async function get(path: string, headers = tenantHeaders()) {
  const response = await fetch(`${harness.url}/api/transports/${path}`, { headers });
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: text ? JSON.parse(text) : undefined,
  };
}

describe('GET /api/transports/routes', () => {
  it("lists the tenant's routes in id order with the reference's attributes plus C8, trips only on request", async () => {
    const { status, type, body } = await get('routes');
    expect(status).toBe(200);
    expect(type).toBe('application/json');
    const doc = body as Doc;
    expect(doc.data.map((r) => r.attributes.name).sort()).toEqual([
      'airplane-cbd-kc',
      'airplane-kc-cbd',
      'boat-ellinia-orbis',
      'boat-orbis-ellinia',
      'cabin-leafre-orbis',
      'cabin-orbis-leafre',
      'genie-ariant-orbis',
      'genie-orbis-ariant',
      'subway-kc-nlc',
      'subway-nlc-kc',
      'train-ludibrium-orbis',
      'train-orbis-ludibrium',
    ]);
    // HEAD sorts by id (the UUID text); without page parameters the whole list is its only page.
    const ids = doc.data.map((r) => r.id);
    expect(ids).toEqual([...ids].sort());
    expect(doc.included).toBeUndefined();
    expect(doc.meta).toEqual({ page: { last: 1, number: 1, size: 12 }, total: 12 });
    const boat = doc.data.find((r) => r.id === BOAT_A)!;
    expect(boat).toEqual({
      type: 'routes',
      id: BOAT_A,
      attributes: {
        name: 'boat-ellinia-orbis',
        startMapId: 101000300,
        stagingMapId: 101000301,
        enRouteMapIds: [200090010, 200090011],
        destinationMapId: 200000100,
        observationMapId: 101000300,
        state: 'open_entry',
        cycleInterval: 900000000000,
        boardingWindowSeconds: 240,
        preDepartureSeconds: 60,
        travelDurationSeconds: 600,
        cycleIntervalSeconds: 900,
        nextState: 'locked_entry',
        nextTransitionAt: '2026-02-18T00:04:00Z',
      },
      relationships: {
        schedule: {
          links: {
            related: `/api/routes/${BOAT_A}/schedule`,
            self: `/api/routes/${BOAT_A}/relationships/schedule`,
          },
          data: [],
        },
      },
    });
  });

  it('writes the bytes api2go writes: attribute order, links related before self, data always present', async () => {
    const response = await fetch(`${harness.url}/api/transports/routes?filter[startMapId]=101000300`, {
      headers: tenantHeaders(),
    });
    const self = '/api/transports/routes?filter%5BstartMapId%5D=101000300';
    expect(await response.text()).toBe(
      `{"links":{"first":"${self}","last":"${self}","self":"${self}"},` +
        `"data":[{"type":"routes","id":"${BOAT_A}","attributes":{"name":"boat-ellinia-orbis",` +
        '"startMapId":101000300,"stagingMapId":101000301,"enRouteMapIds":[200090010,200090011],' +
        '"destinationMapId":200000100,"observationMapId":101000300,"state":"open_entry",' +
        '"cycleInterval":900000000000,"boardingWindowSeconds":240,"preDepartureSeconds":60,' +
        '"travelDurationSeconds":600,"cycleIntervalSeconds":900,"nextState":"locked_entry",' +
        '"nextTransitionAt":"2026-02-18T00:04:00Z"},"relationships":{"schedule":{"links":' +
        `{"related":"/api/routes/${BOAT_A}/schedule","self":"/api/routes/${BOAT_A}/relationships/schedule"},` +
        '"data":[]}}}],"meta":{"page":{"last":1,"number":1,"size":1},"total":1}}',
    );
  });

  it("includes today's trips with include=schedule (1,044 for the bundled tenant)", async () => {
    const doc = (await get('routes?include=schedule')).body as Doc;
    expect(doc.included).toHaveLength(1044);
    const boat = doc.data.find((r) => r.id === BOAT_A)!;
    expect(boat.relationships!.schedule!.data).toHaveLength(48);
    const first = doc.included!.find(
      (t) => t.id === (boat.relationships!.schedule!.data![0] as { id: string }).id,
    )!;
    expect(first.attributes).toEqual({
      boardingOpen: '2026-02-18T00:00:00Z',
      boardingClosed: '2026-02-18T00:04:00Z',
      departure: '2026-02-18T00:05:00Z',
      arrival: '2026-02-18T00:15:00Z',
    });
  });

  it('filters by start map, paginates with meta, and rejects bad parameters', async () => {
    const match = (await get('routes?filter[startMapId]=101000300')).body as Doc;
    expect(match.data.map((r) => r.id)).toEqual([BOAT_A]);
    expect(((await get('routes?filter[startMapId]=1')).body as Doc).data).toEqual([]);
    expect((await get('routes?filter[startMapId]=abc')).status).toBe(400);
    expect((await get('routes?filter[startMapId]=4294967296')).status).toBe(400);
    const page = (await get('routes?page[number]=3&page[size]=5')).body as Doc;
    expect(page.data).toHaveLength(2);
    expect(page.meta).toEqual({ page: { last: 3, number: 3, size: 5 }, total: 12 });
    expect((await get('routes?page[size]=251')).status).toBe(400);
    expect((await get('routes?page[number]=0')).status).toBe(400);
    const sparse = (await get('routes?fields[routes]=name,state')).body as Doc;
    expect(sparse.data.find((r) => r.id === BOAT_A)!.attributes).toEqual({
      name: 'boat-ellinia-orbis',
      state: 'open_entry',
    });
    expect((await get('routes?fields[routes]=nope')).status).toBe(400);
  });

  it('is tenant-scoped and requires the tenant headers', async () => {
    expect(((await get('routes', tenantHeaders(OTHER))).body as Doc).data).toEqual([]);
    const missing = await get('routes', {});
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].status).toBe('400');
    expect((await get('routes', { ...tenantHeaders(), MAJOR_VERSION: '70000' })).status).toBe(400);
  });
});

describe('GET /api/transports/routes/{id}', () => {
  it('answers the route with its schedule, 400 for a bad id and 404 for an unknown one', async () => {
    const one = (await get(`routes/${BOAT_A}`)).body as One;
    expect(one.data.id).toBe(BOAT_A);
    expect(one.data.relationships!.schedule!.data).toHaveLength(48);
    expect(one.included).toHaveLength(48);
    expect((await get(`routes/${BOAT_A.toUpperCase()}`)).status).toBe(200);
    expect((await get('routes/boat-ellinia-orbis')).status).toBe(400);
    expect((await get('routes/6f1d2c3b-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await get(`routes/${BOAT_A}`, tenantHeaders(OTHER))).status).toBe(404);
  });
});

describe('instance routes', () => {
  const FERRY = instanceRoute('sky-ferry-victoria-to-ereve');

  it('lists them in id order with nanosecond and second durations', async () => {
    const doc = (await get('instance-routes')).body as Doc;
    expect(doc.data).toHaveLength(12);
    const ids = doc.data.map((r) => r.id);
    expect(ids).toEqual([...ids].sort());
    const ferry = doc.data.find((r) => r.id === FERRY)!;
    expect(ferry).toEqual({
      type: 'instance-routes',
      id: FERRY,
      attributes: {
        name: 'sky-ferry-victoria-to-ereve',
        startMapId: 101000400,
        transitMapIds: [200090030],
        destinationMapId: 130000210,
        capacity: 1,
        boardingWindow: 1000000000,
        travelDuration: 120000000000,
        boardingWindowSeconds: 1,
        travelDurationSeconds: 120,
        effectItemIds: [],
        forcedReturnMapId: 0,
      },
    });
    expect(((await get('instance-routes?page[size]=5')).body as Doc).meta).toEqual({
      page: { last: 3, number: 1, size: 5 },
      total: 12,
    });
  });

  it('answers one route, its (empty) status, 400 and 404', async () => {
    expect(((await get(`instance-routes/${FERRY}`)).body as One).data.id).toBe(FERRY);
    expect((await get(`instance-routes/${FERRY}/status`)).body).toMatchObject({
      data: [],
      meta: { page: { last: 1, number: 1, size: 1 }, total: 0 },
    });
    expect((await get('instance-routes/ferry')).status).toBe(400);
    expect((await get('instance-routes/ferry/status')).status).toBe(400);
    expect((await get('instance-routes/6f1d2c3b-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await get('instance-routes/6f1d2c3b-0000-4000-8000-000000000000/status')).status).toBe(404);
  });
});

describe('GET /api/transports/vessels', () => {
  it('lists each vessel with the ids of the two routes it sails in turn', async () => {
    const { status, body } = await get('vessels');
    expect(status).toBe(200);
    const boat = (body as Doc).data.find((vessel) => vessel.attributes.name === 'boat-ellinia-orbis');
    expect(boat).toEqual({
      type: 'vessels',
      id: expect.any(String),
      attributes: {
        name: 'boat-ellinia-orbis',
        routeAId: BOAT_A,
        routeBId: routeId('boat-orbis-ellinia'),
        turnaroundSeconds: 5,
      },
    });
    expect(((await get('vessels', tenantHeaders(OTHER))).body as Doc).data).toEqual([]);
  });
});
