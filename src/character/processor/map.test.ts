import { afterAll, describe, expect, it } from 'vitest';
import { record, startTestApp, TENANT, type TestApp } from '../../../test/support/app.js';
import { mockAtlas } from '../testing/mock-atlas.js';
import { attributesOf, command, createCharacter, NIL } from '../testing/support.js';

const INSTANCE = '2f1d0c9b-8a7e-4d6c-b5a4-93827160f5e4';
const apps: TestApp[] = [];
const data = await mockAtlas({
  'data/maps/104000000/portals/2': {
    data: {
      type: 'portals',
      id: '2',
      attributes: { name: 'sp', target: '', type: 0, x: 520, y: -85, targetMapId: 0 },
    },
  },
  'data/maps/104000000/portals/3': 500,
});

afterAll(async () => {
  for (const t of apps) await t.app.close();
  await data.close();
});

async function start(env: Record<string, string> = {}) {
  const t = await startTestApp({ services: ['character'], env });
  apps.push(t);
  return t;
}

const changeMap = (t: TestApp, id: number, portalId: number, transactionId?: string | null) =>
  command(
    t,
    'CHANGE_MAP',
    id,
    { channelId: 1, mapId: 104000000, instance: INSTANCE, portalId },
    { transactionId },
  );

describe('CHANGE_MAP (B13)', () => {
  it('stores map, instance and spawn point and always announces MAP_CHANGED, without a data service', async () => {
    const t = await start();
    const id = await createCharacter(t, { name: 'Traveler', mapId: 100000000 });
    await t.app.bus.publish(
      'COMMAND_TOPIC_CHARACTER_MOVEMENT',
      { objectId: id, x: 10, y: 20, stance: 6 },
      { key: id, tenant: TENANT },
    );
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    // Atlas's portal service sends no transactionId: it reads as the nil UUID.
    await changeMap(t, id, 2, null);
    await t.app.idle();
    expect(JSON.stringify(events.values())).toBe(
      `[{"transactionId":"${NIL}","worldId":0,"characterId":${id},"type":"MAP_CHANGED","body":{"channelId":1,` +
        `"oldMapId":100000000,"oldInstance":"${NIL}","targetMapId":104000000,"targetInstance":"${INSTANCE}",` +
        '"targetPortalId":2}}]',
    );
    expect(await attributesOf(t, id)).toMatchObject({
      mapId: 104000000,
      instance: INSTANCE,
      spawnPoint: 2,
      x: 0,
      y: 0,
      stance: 6,
    });
  });

  it('places the character on the portal the data service knows, asking with the tenant headers', async () => {
    const t = await start({ DATA_SERVICE_URL: data.url });
    const id = await createCharacter(t, { name: 'Portaled' });
    await changeMap(t, id, 2);
    await t.app.idle();
    expect(await attributesOf(t, id)).toMatchObject({ spawnPoint: 2, x: 520, y: -85 });
    const request = data.requests.find((r) => r.path === 'data/maps/104000000/portals/2');
    expect(request?.headers).toMatchObject({ tenant_id: TENANT.id, region: 'GMS', major_version: '83' });
  });

  it('still changes map, at 0,0, when the data service fails', async () => {
    const t = await start({ BASE_SERVICE_URL: data.url });
    const id = await createCharacter(t, { name: 'Unlucky' });
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    await changeMap(t, id, 3);
    await t.app.idle();
    expect(events.values().map((e) => e.type)).toEqual(['MAP_CHANGED']);
    expect(await attributesOf(t, id)).toMatchObject({ mapId: 104000000, spawnPoint: 3, x: 0, y: 0 });
  });
});
