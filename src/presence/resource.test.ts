import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_TENANT, startTestApp, TENANT, type TestApp, tenantHeaders } from '../../test/support/app.js';
import type { Tenant } from '../platform/tenant.js';
import { NIL_UUID } from '../platform/tenant.js';

const INSTANCE = '6f1c2a4e-9b3d-4c1e-8a7f-2d5e6b7c8d9e';
const SHARED = '/api/worlds/0/channels/1/maps';

let test: TestApp;

// One app for the file: each test uses its own maps or characters, so they do not see each other.
beforeAll(async () => {
  test = await startTestApp({ services: ['presence'] });
});

afterAll(async () => {
  await test.app.close();
});

async function characterEvent(
  type: string,
  characterId: number,
  body: Record<string, unknown>,
  tenant: Tenant = TENANT,
): Promise<void> {
  const value = { transactionId: NIL_UUID, worldId: 0, characterId, type, body };
  await test.app.bus.publish('EVENT_TOPIC_CHARACTER_STATUS', value, { key: characterId, tenant });
  await test.app.idle();
}

function login(characterId: number, mapId: number, tenant: Tenant = TENANT) {
  return characterEvent('LOGIN', characterId, { channelId: 1, mapId, instance: NIL_UUID }, tenant);
}

async function get(path: string, tenant: Tenant = TENANT) {
  const response = await fetch(`${test.url}${path}`, { headers: tenantHeaders(tenant) });
  return { status: response.status, body: (await response.json()) as unknown };
}

/** The character ids of a "who is in this field" answer, checking the document shape on the way. */
async function idsIn(path: string, tenant: Tenant = TENANT): Promise<number[]> {
  const { status, body } = await get(path, tenant);
  expect(status).toBe(200);
  const data = (body as { data: Array<{ type: string; id: string; attributes: object }> }).data;
  for (const resource of data)
    expect(resource).toEqual({ type: 'characters', id: resource.id, attributes: {} });
  return data.map((r) => Number(r.id));
}

describe('GET /api/worlds/{worldId}/channels/{channelId}/maps/{mapId}/characters', () => {
  it('answers the characters in the shared map as atlas-maps does, ids ascending', async () => {
    await login(12, 100000000);
    await login(3, 100000000);
    const { status, body } = await get(`${SHARED}/100000000/characters`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      data: [
        { type: 'characters', id: '3', attributes: {} },
        { type: 'characters', id: '12', attributes: {} },
      ],
      meta: { page: { last: 1, number: 1, size: 2 }, total: 2 },
    });
    expect(await idsIn(`${SHARED}/100000000/instances/${NIL_UUID}/characters`)).toEqual([3, 12]);
  });

  it('answers an empty collection for a map nobody stands in', async () => {
    expect(await get(`${SHARED}/999999999/characters`)).toMatchObject({
      status: 200,
      body: { data: [], meta: { total: 0 } },
    });
  });

  it('follows a map change into an instance and back out', async () => {
    await login(20, 200090000);
    await characterEvent('MAP_CHANGED', 20, {
      channelId: 1,
      oldMapId: 200090000,
      oldInstance: NIL_UUID,
      targetMapId: 200090010,
      targetInstance: INSTANCE,
      targetPortalId: 0,
    });
    expect(await idsIn(`${SHARED}/200090000/characters`)).toEqual([]);
    // HEAD's map route (M3) answers every instance of the map; the nil instance alone has its own route.
    expect(await idsIn(`${SHARED}/200090010/characters`)).toEqual([20]);
    expect(await idsIn(`${SHARED}/200090010/instances/${NIL_UUID}/characters`)).toEqual([]);
    expect(await idsIn(`${SHARED}/200090010/instances/${INSTANCE}/characters`)).toEqual([20]);
    expect(await idsIn(`${SHARED}/200090010/instances/${INSTANCE.toUpperCase()}/characters`)).toEqual([20]);

    await characterEvent('MAP_CHANGED', 20, {
      channelId: 1,
      oldMapId: 200090010,
      oldInstance: INSTANCE,
      targetMapId: 101000300,
      targetInstance: NIL_UUID,
      targetPortalId: 0,
    });
    expect(await idsIn(`${SHARED}/200090010/instances/${INSTANCE}/characters`)).toEqual([]);
    expect(await idsIn(`${SHARED}/101000300/characters`)).toEqual([20]);
  });

  it('follows a channel change', async () => {
    await login(30, 104000000);
    await characterEvent('CHANNEL_CHANGED', 30, {
      channelId: 2,
      oldChannelId: 1,
      mapId: 104000000,
      instance: NIL_UUID,
    });
    expect(await idsIn(`${SHARED}/104000000/characters`)).toEqual([]);
    expect(await idsIn('/api/worlds/0/channels/2/maps/104000000/characters')).toEqual([30]);
  });

  it('forgets characters that log out or are deleted', async () => {
    await login(40, 102000000);
    await login(41, 102000000);
    await characterEvent('LOGOUT', 40, { channelId: 1, mapId: 102000000, instance: NIL_UUID });
    await characterEvent('DELETED', 41, {});
    expect(await idsIn(`${SHARED}/102000000/characters`)).toEqual([]);
  });

  it('keeps tenants apart', async () => {
    await login(50, 103000000, TENANT);
    await login(51, 103000000, OTHER_TENANT);
    expect(await idsIn(`${SHARED}/103000000/characters`, TENANT)).toEqual([50]);
    expect(await idsIn(`${SHARED}/103000000/characters`, OTHER_TENANT)).toEqual([51]);
  });

  it.each([
    ['a world id that is not a number', '/api/worlds/x/channels/1/maps/100000000/characters', 'worldId'],
    ['a channel id above 255', '/api/worlds/0/channels/256/maps/100000000/characters', 'channelId'],
    ['a negative map id', '/api/worlds/0/channels/1/maps/-1/characters', 'mapId'],
    ['a map id above uint32', '/api/worlds/0/channels/1/maps/4294967296/characters', 'mapId'],
    ['an instance that is not a UUID', `${SHARED}/100000000/instances/abc/characters`, 'instanceId'],
  ])('answers 400 for %s', async (_name, path, parameter) => {
    const { status, body } = await get(path);
    expect(status).toBe(400);
    expect(body).toMatchObject({ errors: [{ status: '400', source: { parameter } }] });
  });

  it('answers 400 without tenant headers', async () => {
    const response = await fetch(`${test.url}${SHARED}/100000000/characters`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ source: { header: 'TENANT_ID' } }] });
  });
});
