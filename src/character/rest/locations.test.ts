import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_TENANT, startTestApp, type TestApp } from '../../../test/support/app.js';
import { call } from '../testing/support.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ services: ['character'] });
});

afterAll(async () => {
  await t.app.close();
});

const put = (path: string, mapId: number, portalId: number) =>
  call(t, 'PUT', path, { data: { type: 'saved-locations', attributes: { mapId, portalId } } });

interface LocationDocument {
  data: { type: string; id: string; attributes: Record<string, unknown> };
}

describe('saved locations', () => {
  it('stores, updates keeping the stored id (B12), reads and deletes', async () => {
    const created = await put('/characters/7/locations/FREE_MARKET', 100000000, 3);
    expect(created.status).toBe(200);
    const { id } = (created.body as LocationDocument).data;
    expect(created.text).toBe(
      `{"data":{"type":"saved-locations","id":"${id}","attributes":{"characterId":7,"locationType":"FREE_MARKET",` +
        '"mapId":100000000,"portalId":3}}}',
    );

    const updated = await put('/characters/7/locations/FREE_MARKET', 910000000, 1);
    expect((updated.body as LocationDocument).data).toEqual({
      type: 'saved-locations',
      id,
      attributes: { characterId: 7, locationType: 'FREE_MARKET', mapId: 910000000, portalId: 1 },
    });
    expect((await call(t, 'GET', '/characters/7/locations/FREE_MARKET')).body).toEqual(updated.body);

    const deleted = await call(t, 'DELETE', '/characters/7/locations/FREE_MARKET');
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual(updated.body);
    expect((await call(t, 'GET', '/characters/7/locations/FREE_MARKET')).status).toBe(404);
    expect((await call(t, 'DELETE', '/characters/7/locations/FREE_MARKET')).status).toBe(404);
  });

  it('keeps location types apart, case-sensitive, up to 64 characters', async () => {
    const long = 'W'.repeat(64);
    await put(`/characters/8/locations/${long}`, 1, 0);
    await put('/characters/8/locations/worldtour', 2, 0);
    const read = await call(t, 'GET', `/characters/8/locations/${long}`);
    expect((read.body as LocationDocument).data.attributes).toMatchObject({ locationType: long, mapId: 1 });
    expect((await call(t, 'GET', '/characters/8/locations/WORLDTOUR')).status).toBe(404);
  });

  it('keeps tenants apart', async () => {
    await put('/characters/9/locations/MIRROR', 5, 0);
    expect((await call(t, 'GET', '/characters/9/locations/MIRROR', undefined, OTHER_TENANT)).status).toBe(
      404,
    );
    expect((await call(t, 'DELETE', '/characters/9/locations/MIRROR', undefined, OTHER_TENANT)).status).toBe(
      404,
    );
    expect((await call(t, 'GET', '/characters/9/locations/MIRROR')).status).toBe(200);
  });
});
