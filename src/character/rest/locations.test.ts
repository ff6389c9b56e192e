import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_TENANT, startTestApp, TENANT, type TestApp } from '../../../test/support/app.js';
import { call, createCharacter, sql } from '../testing/support.js';

let t: TestApp;
/** Characters of TENANT; OTHER_TENANT has none of them. */
let seven: number;
let eight: number;
let nine: number;

beforeAll(async () => {
  t = await startTestApp({ services: ['character'] });
  seven = await createCharacter(t, { name: 'Seven' });
  eight = await createCharacter(t, { name: 'Eight' });
  nine = await createCharacter(t, { name: 'Nine' });
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
    const created = await put(`/characters/${seven}/locations/FREE_MARKET`, 100000000, 3);
    expect(created.status).toBe(200);
    const { id } = (created.body as LocationDocument).data;
    expect(created.text).toBe(
      `{"data":{"type":"saved-locations","id":"${id}","attributes":{"characterId":${seven},"locationType":"FREE_MARKET",` +
        '"mapId":100000000,"portalId":3}}}',
    );

    const updated = await put(`/characters/${seven}/locations/FREE_MARKET`, 910000000, 1);
    expect((updated.body as LocationDocument).data).toEqual({
      type: 'saved-locations',
      id,
      attributes: { characterId: seven, locationType: 'FREE_MARKET', mapId: 910000000, portalId: 1 },
    });
    expect((await call(t, 'GET', `/characters/${seven}/locations/FREE_MARKET`)).body).toEqual(updated.body);

    const deleted = await call(t, 'DELETE', `/characters/${seven}/locations/FREE_MARKET`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual(updated.body);
    expect((await call(t, 'GET', `/characters/${seven}/locations/FREE_MARKET`)).status).toBe(404);
    expect((await call(t, 'DELETE', `/characters/${seven}/locations/FREE_MARKET`)).status).toBe(404);
  });

  it('keeps location types apart, case-sensitive, up to 64 characters', async () => {
    const long = 'W'.repeat(64);
    await put(`/characters/${eight}/locations/${long}`, 1, 0);
    await put(`/characters/${eight}/locations/worldtour`, 2, 0);
    const read = await call(t, 'GET', `/characters/${eight}/locations/${long}`);
    expect((read.body as LocationDocument).data.attributes).toMatchObject({ locationType: long, mapId: 1 });
    expect((await call(t, 'GET', `/characters/${eight}/locations/WORLDTOUR`)).status).toBe(404);
  });

  it('keeps tenants apart', async () => {
    await put(`/characters/${nine}/locations/MIRROR`, 5, 0);
    expect(
      (await call(t, 'GET', `/characters/${nine}/locations/MIRROR`, undefined, OTHER_TENANT)).status,
    ).toBe(404);
    expect(
      (await call(t, 'DELETE', `/characters/${nine}/locations/MIRROR`, undefined, OTHER_TENANT)).status,
    ).toBe(404);
    expect((await call(t, 'GET', `/characters/${nine}/locations/MIRROR`)).status).toBe(200);
  });

  it("lists all of a character's saved locations by type, the tenant's only (not in the reference)", async () => {
    await put(`/characters/${nine}/locations/FREE_MARKET`, 910000000, 2);
    await put(`/characters/${nine}/locations/EVENT`, 109010000, 0);
    const list = await call(t, 'GET', `/characters/${nine}/locations`);
    expect(list.status).toBe(200);
    const { data } = list.body as { data: LocationDocument['data'][] };
    expect(
      data.map((location) => [location.type, location.attributes.locationType, location.attributes.mapId]),
    ).toEqual([
      ['saved-locations', 'EVENT', 109010000],
      ['saved-locations', 'FREE_MARKET', 910000000],
      ['saved-locations', 'MIRROR', 5],
    ]);
    const foreign = await call(t, 'GET', `/characters/${nine}/locations`, undefined, OTHER_TENANT);
    expect((foreign.body as { data: unknown[] }).data).toEqual([]);
    expect((await call(t, 'GET', '/characters/abc/locations')).status).toBe(400);
  });

  it("answers 404 and writes nothing for a character the tenant does not have (another tenant's, or none)", async () => {
    await put(`/characters/${nine}/locations/KEPT`, 7, 1);
    const rows = () =>
      sql(t, 'SELECT tenant_id, character_id, location_type, map_id FROM saved_locations ORDER BY id');
    const before = await rows();
    const body = { data: { type: 'saved-locations', attributes: { mapId: 1, portalId: 0 } } };
    for (const [characterId, tenant] of [
      [nine, OTHER_TENANT],
      [4_000_000_000, TENANT],
    ] as const) {
      for (const type of ['KEPT', 'NEW']) {
        const path = `/characters/${characterId}/locations/${type}`;
        const written = await call(t, 'PUT', path, body, tenant);
        expect(written.status).toBe(404);
        expect(written.body).toMatchObject({
          errors: [{ status: '404', title: 'Not Found', detail: `character ${characterId} not found` }],
        });
        expect((await call(t, 'DELETE', path, undefined, tenant)).status).toBe(404);
      }
    }
    expect(await rows()).toEqual(before);
  });
});
