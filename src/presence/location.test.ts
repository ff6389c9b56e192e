import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { record, startTestApp, TENANT, type TestApp, tenantHeaders } from '../../test/support/app.js';
import { mockAtlas } from '../character/testing/mock-atlas.js';
import { NIL_UUID } from '../platform/tenant.js';

// Presence alone: LOCATION_OWNER defaults to maps, so it is the location owner (HEAD atlas-maps).
const INSTANCE = '6f1c2a4e-9b3d-4c1e-8a7f-2d5e6b7c8d9e';
const TX = '0b7e3f52-6a1d-4c8e-9f20-3d4c5b6a7e81';
const mapInfo = (id: number, forcedReturnMapId: number) => ({
  data: { type: 'maps', id: String(id), attributes: { timeLimit: 0, forcedReturnMapId } },
});
const data = await mockAtlas({
  'data/maps/211000100': mapInfo(211000100, 211000000),
  'data/maps/100000000': mapInfo(100000000, 999999999),
  'data/maps/104000000': mapInfo(104000000, 999999999),
  'data/maps/240000000': 503,
});

let apps: TestApp[] = [];
async function start(env: Record<string, string> = { DATA_SERVICE_URL: data.url }) {
  const t = await startTestApp({ services: ['presence'], env });
  apps.push(t);
  return t;
}
afterEach(async () => {
  for (const t of apps) await t.app.close();
  apps = [];
});
afterAll(() => data.close());

async function statusEvent(t: TestApp, type: string, characterId: number, body: object, worldId = 0) {
  const value = { transactionId: NIL_UUID, worldId, characterId, type, body };
  await t.app.bus.publish('EVENT_TOPIC_CHARACTER_STATUS', value, { key: characterId, tenant: TENANT });
  await t.app.idle();
}
const login = (t: TestApp, id: number, mapId: number, channelId = 1) =>
  statusEvent(t, 'LOGIN', id, { channelId, mapId, instance: NIL_UUID });

async function rest(t: TestApp, method: string, path: string, body?: unknown) {
  const response = await fetch(`${t.url}/api${path}`, {
    method,
    headers: { ...tenantHeaders(), 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, body: text ? (JSON.parse(text) as unknown) : undefined };
}
const locationText = (t: TestApp, id: number) => rest(t, 'GET', `/characters/${id}/location`);
const patch = (t: TestApp, id: number, attributes: object) =>
  rest(t, 'PATCH', `/characters/${id}/location`, { data: { type: 'character-locations', attributes } });

describe('the location row (M1, K12)', () => {
  it('is seeded offline by CREATED, followed through LOGIN and LOGOUT, and removed by DELETED', async () => {
    const t = await start({});
    await statusEvent(t, 'CREATED', 5, { name: 'Seed', mapId: 10000, instance: NIL_UUID }, 1);
    expect((await locationText(t, 5)).text).toBe(
      '{"data":{"type":"character-locations","id":"5","attributes":' +
        `{"worldId":1,"channelId":0,"mapId":10000,"instance":"${NIL_UUID}","state":"OFFLINE"}}}`,
    );
    await statusEvent(t, 'LOGIN', 5, { channelId: 2, mapId: 10000, instance: NIL_UUID }, 1);
    expect((await locationText(t, 5)).body).toMatchObject({
      data: { attributes: { channelId: 2, state: 'IN_FIELD' } },
    });
    await statusEvent(t, 'LOGOUT', 5, { channelId: 2, mapId: 10000, instance: NIL_UUID }, 1);
    expect((await locationText(t, 5)).body).toMatchObject({
      data: { attributes: { worldId: 1, channelId: 2, mapId: 10000, state: 'OFFLINE' } },
    });
    await statusEvent(t, 'DELETED', 5, {}, 1);
    expect((await locationText(t, 5)).status).toBe(404);
  });

  it('is not guessed from a reference-era CREATED without mapId; the first LOGIN creates it', async () => {
    const t = await start({});
    await statusEvent(t, 'CREATED', 6, { name: 'Old' });
    expect((await locationText(t, 6)).status).toBe(404);
    await login(t, 6, 100000000);
    expect((await locationText(t, 6)).body).toMatchObject({ data: { attributes: { mapId: 100000000 } } });
  });

  it('answers 400 naming the parameter for a bad character id', async () => {
    const t = await start({});
    const answer = await rest(t, 'GET', '/characters/x1/location');
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('characterId');
    expect((await rest(t, 'GET', '/characters/4294967296/location')).status).toBe(400);
  });
});

describe('the forced return (§3.2)', () => {
  it('sends a character logging out of a map with a forced return there, offline; EXIT names where it stood', async () => {
    const t = await start();
    await login(t, 7, 211000100);
    const mapStatus = record(t.app, 'EVENT_TOPIC_MAP_STATUS');
    await statusEvent(t, 'LOGOUT', 7, { channelId: 1, mapId: 211000100, instance: NIL_UUID });
    expect(mapStatus.values().map((m) => [m.type, m.mapId])).toEqual([['CHARACTER_EXIT', 211000100]]);
    expect((await locationText(t, 7)).body).toMatchObject({
      data: { attributes: { channelId: 1, mapId: 211000000, instance: NIL_UUID, state: 'OFFLINE' } },
    });
    const asked = data.requests.find((r) => r.path === 'data/maps/211000100');
    expect(asked?.headers).toMatchObject({ tenant_id: TENANT.id });
  });

  it('stays put for the sentinel, a failing data service, or none', async () => {
    const t = await start();
    for (const [id, mapId] of [
      [8, 100000000],
      [9, 240000000],
    ] as const) {
      await login(t, id, mapId);
      await statusEvent(t, 'LOGOUT', id, { channelId: 1, mapId, instance: NIL_UUID });
      expect((await locationText(t, id)).body).toMatchObject({ data: { attributes: { mapId } } });
    }
    const bare = await start({});
    await login(bare, 10, 211000100);
    await statusEvent(bare, 'LOGOUT', 10, { channelId: 1, mapId: 211000100, instance: NIL_UUID });
    expect((await locationText(bare, 10)).body).toMatchObject({ data: { attributes: { mapId: 211000100 } } });
  });
});

describe('CHANGE_MAP (K1, §3.2)', () => {
  it('announces one MAP_CHANGED with the target position, and presence moves the character once', async () => {
    const t = await start();
    await login(t, 11, 100000000);
    const status = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    const mapStatus = record(t.app, 'EVENT_TOPIC_MAP_STATUS');
    const body = {
      channelId: 1,
      mapId: 104000000,
      instance: INSTANCE,
      portalId: 3,
      useTargetPosition: true,
      targetX: -120,
      targetY: 35,
    };
    const value = { transactionId: TX, worldId: 0, characterId: 11, type: 'CHANGE_MAP', body };
    await t.app.bus.publish('COMMAND_TOPIC_CHARACTER', value, { key: 11, tenant: TENANT });
    await t.app.idle();
    expect(status.messages.map((m) => JSON.stringify(m.value))).toEqual([
      `{"transactionId":"${TX}","worldId":0,"characterId":11,"type":"MAP_CHANGED","body":{"channelId":1,` +
        `"oldMapId":100000000,"oldInstance":"${NIL_UUID}","targetMapId":104000000,"targetInstance":"${INSTANCE}",` +
        '"targetPortalId":3,"useTargetPosition":true,"targetX":-120,"targetY":35}}',
    ]);
    // The 8-byte Atlas key of character 11.
    expect(status.messages[0]!.key.toString('hex')).toBe('0b00000000000000');
    expect(mapStatus.values().map((m) => [m.type, m.mapId, m.instance])).toEqual([
      ['CHARACTER_EXIT', 100000000, NIL_UUID],
      ['CHARACTER_ENTER', 104000000, INSTANCE],
    ]);
    expect((await locationText(t, 11)).body).toMatchObject({
      data: { attributes: { mapId: 104000000, instance: INSTANCE, state: 'IN_FIELD' } },
    });
  });

  it('reads a reference-era CHANGE_MAP (no transactionId, no target position) as Go zero values', async () => {
    const t = await start({});
    await login(t, 12, 100000000);
    const status = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    const body = { channelId: 1, mapId: 104000000, instance: NIL_UUID, portalId: 0 };
    await t.app.bus.publish(
      'COMMAND_TOPIC_CHARACTER',
      { worldId: 0, characterId: 12, type: 'CHANGE_MAP', body },
      { key: 12, tenant: TENANT },
    );
    await t.app.idle();
    expect(status.values()).toEqual([
      {
        transactionId: NIL_UUID,
        worldId: 0,
        characterId: 12,
        type: 'MAP_CHANGED',
        body: {
          channelId: 1,
          oldMapId: 100000000,
          oldInstance: NIL_UUID,
          targetMapId: 104000000,
          targetInstance: NIL_UUID,
          targetPortalId: 0,
          useTargetPosition: false,
          targetX: 0,
          targetY: 0,
        },
      },
    ]);
  });
});

describe('CHANNEL_CHANGE_REQUEST (K2, §3.2)', () => {
  const request = (t: TestApp, id: number, oldChannelId: number, targetChannelId: number) =>
    t.app.bus.publish(
      'COMMAND_TOPIC_CHARACTER_CHANNEL_CHANGE_REQUEST',
      { transactionId: TX, characterId: id, worldId: 0, oldChannelId, targetChannelId },
      { key: id, tenant: TENANT },
    );

  it('announces CHANNEL_CHANGED once, after the forced return, and moves the character once', async () => {
    const t = await start();
    await login(t, 13, 211000100, 1);
    const status = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    const mapStatus = record(t.app, 'EVENT_TOPIC_MAP_STATUS');
    await request(t, 13, 1, 2);
    await t.app.idle();
    // The same change heard again (the embedded character service asks too): nothing more.
    await request(t, 13, 1, 2);
    await t.app.idle();
    expect(status.values()).toEqual([
      {
        transactionId: expect.any(String),
        worldId: 0,
        characterId: 13,
        type: 'CHANNEL_CHANGED',
        body: { channelId: 2, oldChannelId: 1, mapId: 211000000, instance: NIL_UUID },
      },
    ]);
    expect(Object.keys(status.values()[0]!.body as object)).toEqual([
      'channelId',
      'oldChannelId',
      'mapId',
      'instance',
    ]);
    // The EXIT names the field the character stood in, not the forced-return map on the old channel.
    expect(mapStatus.values().map((m) => [m.type, m.channelId, m.mapId])).toEqual([
      ['CHARACTER_EXIT', 1, 211000100],
      ['CHARACTER_ENTER', 2, 211000000],
    ]);
  });

  it('skips a request for a character without a location, and a malformed one', async () => {
    const t = await start({});
    const status = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    await request(t, 14, 1, 2);
    await t.app.bus.publish(
      'COMMAND_TOPIC_CHARACTER_CHANNEL_CHANGE_REQUEST',
      { characterId: 14, worldId: 0, oldChannelId: 1, targetChannelId: 300 },
      { key: 14, tenant: TENANT },
    );
    await t.app.idle();
    expect(status.messages).toEqual([]);
  });
});

describe('PATCH /api/characters/{id}/location (M2)', () => {
  it('warps from the stored world and channel to the shared instance at portal 0', async () => {
    const t = await start();
    await statusEvent(t, 'LOGIN', 15, { channelId: 3, mapId: 100000000, instance: INSTANCE }, 1);
    const status = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    const answer = await patch(t, 15, { mapId: 104000000, channelId: 9, instance: INSTANCE });
    expect([answer.status, answer.text]).toEqual([204, '']);
    await t.app.idle();
    expect(status.values()).toMatchObject([
      {
        worldId: 1,
        characterId: 15,
        type: 'MAP_CHANGED',
        body: { channelId: 3, oldMapId: 100000000, oldInstance: INSTANCE, targetMapId: 104000000 },
      },
    ]);
    expect((status.values()[0]!.body as { targetInstance: string }).targetInstance).toBe(NIL_UUID);
  });

  it('moves an offline character without anyone seeing it enter', async () => {
    const t = await start();
    await statusEvent(t, 'CREATED', 16, { name: 'Idle', mapId: 100000000, instance: NIL_UUID });
    const mapStatus = record(t.app, 'EVENT_TOPIC_MAP_STATUS');
    expect((await patch(t, 16, { mapId: 104000000 })).status).toBe(204);
    await t.app.idle();
    expect(mapStatus.messages).toEqual([]);
    expect((await locationText(t, 16)).body).toMatchObject({
      data: { attributes: { mapId: 104000000, state: 'OFFLINE' } },
    });
  });

  it('answers 404 without a row, 400 for a map the data service does not know, 400 naming bad input', async () => {
    const t = await start();
    expect((await patch(t, 17, { mapId: 104000000 })).status).toBe(404);
    await login(t, 17, 100000000);
    const unknown = await patch(t, 17, { mapId: 123 });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('/data/attributes/mapId');
    for (const attributes of [{}, { mapId: '104000000' }, { mapId: -1 }, { mapId: 2 ** 32 }]) {
      const bad = await patch(t, 17, attributes);
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('mapId');
    }
    const wrongType = await rest(t, 'PATCH', '/characters/17/location', {
      data: { type: 'characters', attributes: { mapId: 1 } },
    });
    expect([wrongType.status, wrongType.text.includes('/data/type')]).toEqual([400, true]);
    expect((await rest(t, 'PATCH', '/characters/17/location', '{')).status).toBe(400);
  });
});

describe('GET .../maps/{m}/instances/{i}/characters/ (M4)', () => {
  it('answers the trailing-slash form HEAD clients send', async () => {
    const t = await start({});
    await login(t, 18, 100000000);
    const answer = await rest(
      t,
      'GET',
      `/worlds/0/channels/1/maps/100000000/instances/${NIL_UUID}/characters/`,
    );
    expect(answer.body).toEqual({ data: [{ type: 'characters', id: '18', attributes: {} }] });
  });
});
