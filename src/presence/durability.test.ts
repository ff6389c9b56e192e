import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import {
  OTHER_TENANT,
  record,
  startTestApp,
  TENANT,
  type TestApp,
  tenantHeaders,
} from '../../test/support/app.js';
import { createTestDatabase } from '../../test/support/database.js';
import type { Tenant } from '../platform/tenant.js';
import { NIL_UUID } from '../platform/tenant.js';

const INSTANCE = '6f1c2a4e-9b3d-4c1e-8a7f-2d5e6b7c8d9e';
const SHARED = '/api/worlds/0/channels/1/maps';

let apps: TestApp[] = [];

afterEach(async () => {
  for (const t of apps) await t.app.close();
  apps = [];
});

async function start(databaseUrl: string, env: Record<string, string> = {}): Promise<TestApp> {
  const t = await startTestApp({ services: ['presence'], databaseUrl, env });
  apps.push(t);
  return t;
}

async function stop(t: TestApp): Promise<void> {
  await t.app.close();
  apps = apps.filter((a) => a !== t);
}

async function characterEvent(
  t: TestApp,
  type: string,
  characterId: number,
  body: Record<string, unknown>,
  tenant: Tenant = TENANT,
): Promise<void> {
  const value = { transactionId: NIL_UUID, worldId: 0, characterId, type, body };
  await t.app.bus.publish('EVENT_TOPIC_CHARACTER_STATUS', value, { key: characterId, tenant });
  await t.app.idle();
}

function login(t: TestApp, characterId: number, mapId: number, tenant: Tenant = TENANT) {
  return characterEvent(t, 'LOGIN', characterId, { channelId: 1, mapId, instance: NIL_UUID }, tenant);
}

function mapChanged(t: TestApp, characterId: number, from: number, to: number, instance = NIL_UUID) {
  return characterEvent(t, 'MAP_CHANGED', characterId, {
    channelId: 1,
    oldMapId: from,
    oldInstance: NIL_UUID,
    targetMapId: to,
    targetInstance: instance,
    targetPortalId: 0,
  });
}

async function idsIn(t: TestApp, path: string, tenant: Tenant = TENANT): Promise<number[]> {
  const response = await fetch(`${t.url}${path}`, { headers: tenantHeaders(tenant) });
  expect(response.status).toBe(200);
  const { data } = (await response.json()) as { data: Array<{ id: string }> };
  return data.map((r) => Number(r.id));
}

async function rows(databaseUrl: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('presence across a restart', () => {
  it('still knows where everyone stood, and moves them on from there', async () => {
    const databaseUrl = await createTestDatabase();
    let t = await start(databaseUrl);
    await login(t, 1, 100000000);
    await login(t, 2, 200090000);
    await mapChanged(t, 2, 200090000, 200090010, INSTANCE);
    await login(t, 3, 104000000);
    await characterEvent(t, 'CHANNEL_CHANGED', 3, {
      channelId: 2,
      oldChannelId: 1,
      mapId: 104000000,
      instance: NIL_UUID,
    });
    await login(t, 4, 100000000);
    await characterEvent(t, 'LOGOUT', 4, { channelId: 1, mapId: 100000000, instance: NIL_UUID });
    await login(t, 5, 100000000);
    await characterEvent(t, 'DELETED', 5, {});
    await login(t, 1, 102000000, OTHER_TENANT);
    await stop(t);

    t = await start(databaseUrl);
    expect(await idsIn(t, `${SHARED}/100000000/characters`)).toEqual([1]);
    expect(await idsIn(t, `${SHARED}/200090000/characters`)).toEqual([]);
    expect(await idsIn(t, `${SHARED}/200090010/instances/${INSTANCE}/characters`)).toEqual([2]);
    expect(await idsIn(t, `${SHARED}/104000000/characters`)).toEqual([]);
    expect(await idsIn(t, '/api/worlds/0/channels/2/maps/104000000/characters')).toEqual([3]);
    expect(await idsIn(t, `${SHARED}/102000000/characters`)).toEqual([]);
    expect(await idsIn(t, `${SHARED}/102000000/characters`, OTHER_TENANT)).toEqual([1]);

    await mapChanged(t, 1, 100000000, 101000000);
    expect(await idsIn(t, `${SHARED}/100000000/characters`)).toEqual([]);
    expect(await idsIn(t, `${SHARED}/101000000/characters`)).toEqual([1]);
    await stop(t);

    t = await start(databaseUrl);
    expect(await idsIn(t, `${SHARED}/100000000/characters`)).toEqual([]);
    expect(await idsIn(t, `${SHARED}/101000000/characters`)).toEqual([1]);
  });

  it('a redelivered event leaves one row and the same answer', async () => {
    const databaseUrl = await createTestDatabase();
    const t = await start(databaseUrl);
    await login(t, 7, 100000000);
    await login(t, 7, 100000000);
    expect(await idsIn(t, `${SHARED}/100000000/characters`)).toEqual([7]);
    expect(await rows(databaseUrl, 'SELECT character_id, map_id FROM presence')).toEqual([
      { character_id: 7, map_id: 100000000 },
    ]);

    const logout = { channelId: 1, mapId: 100000000, instance: NIL_UUID };
    await characterEvent(t, 'LOGOUT', 7, logout);
    await characterEvent(t, 'LOGOUT', 7, logout);
    expect(await idsIn(t, `${SHARED}/100000000/characters`)).toEqual([]);
    // The location stays, offline (HEAD atlas-maps' character_locations keeps every character).
    expect(await rows(databaseUrl, 'SELECT character_id, map_id, state FROM presence')).toEqual([
      { character_id: 7, map_id: 100000000, state: 'OFFLINE' },
    ]);
  });

  it('a move that cannot be written is neither applied nor announced', async () => {
    const databaseUrl = await createTestDatabase();
    const t = await start(databaseUrl);
    const mapStatus = record(t.app, 'EVENT_TOPIC_MAP_STATUS');
    await rows(databaseUrl, 'ALTER TABLE presence RENAME TO presence_away');
    await login(t, 8, 100000000);
    await rows(databaseUrl, 'ALTER TABLE presence_away RENAME TO presence');

    expect(mapStatus.messages).toEqual([]);
    expect(await idsIn(t, `${SHARED}/100000000/characters`)).toEqual([]);
    expect(t.app.bus.deadLetters()).toMatchObject([
      { topic: 'EVENT_TOPIC_CHARACTER_STATUS', group: 'Map Service' },
    ]);
    await mapStatus.stop();
  });

  it('a READ_ONLY replica answers from the table the MIXED one writes', async () => {
    const databaseUrl = await createTestDatabase();
    const mixed = await start(databaseUrl);
    const readOnly = await start(databaseUrl, { SERVICE_MODE: 'READ_ONLY' });
    await login(mixed, 9, 100000000);
    await mapChanged(mixed, 9, 100000000, 200090010, INSTANCE);
    expect(await idsIn(readOnly, `${SHARED}/100000000/characters`)).toEqual([]);
    expect(await idsIn(readOnly, `${SHARED}/200090010/instances/${INSTANCE}/characters`)).toEqual([9]);

    await characterEvent(mixed, 'LOGOUT', 9, { channelId: 1, mapId: 200090010, instance: INSTANCE });
    expect(await idsIn(readOnly, `${SHARED}/200090010/instances/${INSTANCE}/characters`)).toEqual([]);
  });
});

describe('presence across replicas (decisions E5)', () => {
  it('a character followed by one replica is seen, and moved on from where it stood, by another', async () => {
    const databaseUrl = await createTestDatabase();
    const a = await start(databaseUrl);
    const b = await start(databaseUrl);
    const exits = [record(a.app, 'EVENT_TOPIC_MAP_STATUS'), record(b.app, 'EVENT_TOPIC_MAP_STATUS')];
    await login(a, 11, 104000000);
    expect(await idsIn(b, `${SHARED}/104000000/characters`)).toEqual([11]);

    // The channel change reaches B, with the map a forced return chose: the EXIT is where A saw it stand.
    await characterEvent(b, 'CHANNEL_CHANGED', 11, {
      channelId: 2,
      oldChannelId: 1,
      mapId: 100000000,
      instance: NIL_UUID,
    });
    await a.app.idle();
    const announced = exits
      .flatMap((r) => r.values())
      .filter((v) => v.type === 'CHARACTER_EXIT')
      .map((v) => [v.channelId, v.mapId]);
    expect(announced).toEqual([[1, 104000000]]);
    for (const t of [a, b]) {
      expect(await idsIn(t, `${SHARED}/104000000/characters`)).toEqual([]);
      expect(await idsIn(t, '/api/worlds/0/channels/2/maps/100000000/characters')).toEqual([11]);
    }
  });
});
