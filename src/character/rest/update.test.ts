import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_TENANT, record, startTestApp, TENANT, type TestApp } from '../../../test/support/app.js';
import type { Tenant } from '../../platform/tenant.js';
import { attributesOf, call, createCharacter } from '../testing/support.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ services: ['character'] });
});

afterAll(async () => {
  await t.app.close();
});

const patch = (id: number, attributes: Record<string, unknown>, tenant: Tenant = TENANT) =>
  call(t, 'PATCH', `/characters/${id}`, { data: { type: 'characters', id: String(id), attributes } }, tenant);

describe('PATCH /api/characters/{id}', () => {
  it('changes only the attributes present and emits their events in order (B10)', async () => {
    const id = await createCharacter(t, { name: 'Patchy', gender: 1, gm: 2, mapId: 100 });
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    const answer = await patch(id, {
      name: 'Patched',
      hair: 30040,
      face: 20010,
      skinColor: 3,
      gm: 0,
      mapId: 200,
    });
    expect(answer.status).toBe(204);
    expect(answer.text).toBe('');
    await t.app.idle();
    const attributes = await attributesOf(t, id);
    expect(attributes).toMatchObject({
      name: 'Patched',
      gender: 1,
      hair: 30040,
      gm: 0,
      mapId: 200,
      spawnPoint: 0,
    });
    expect(events.values().map((e) => [e.type, e.body])).toEqual([
      ['NAME_CHANGED', { oldName: 'Patchy', newName: 'Patched' }],
      ['HAIR_CHANGED', { oldHair: 30030, newHair: 30040 }],
      ['FACE_CHANGED', { oldFace: 20000, newFace: 20010 }],
      ['SKIN_COLOR_CHANGED', { oldSkinColor: 0, newSkinColor: 3 }],
      ['GM_CHANGED', { oldGm: true, newGm: false }],
      [
        'MAP_CHANGED',
        {
          channelId: 0,
          oldMapId: 100,
          oldInstance: '00000000-0000-0000-0000-000000000000',
          targetMapId: 200,
          targetInstance: '00000000-0000-0000-0000-000000000000',
          targetPortalId: 0,
        },
      ],
    ]);
    await events.stop();
  });

  it('renames a character to a case variant of its own name (B1)', async () => {
    const id = await createCharacter(t, { name: 'Casey' });
    expect((await patch(id, { name: 'CASEY' })).status).toBe(204);
    expect(await attributesOf(t, id)).toMatchObject({ name: 'CASEY' });
  });

  it('emits nothing when nothing changes', async () => {
    const id = await createCharacter(t, { name: 'Still' });
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    expect((await patch(id, { name: 'Still', hair: 30030 })).status).toBe(204);
    await t.app.idle();
    expect(events.messages).toHaveLength(0);
    await events.stop();
  });

  it.each([
    [{ name: 'Alpha1' }, 'invalid or duplicate name'],
    [{ name: 'x!' }, 'invalid or duplicate name'],
    [{ hair: 29999 }, 'invalid hair ID'],
    [{ face: 25001 }, 'invalid face ID'],
    [{ gender: 2 }, 'invalid gender value'],
    [{ skinColor: 10 }, 'invalid skin color value'],
    [{ gm: -1 }, 'invalid GM value'],
  ])('refuses %j and writes nothing', async (attributes, detail) => {
    await createCharacter(t, { name: 'Alpha1' }).catch(() => undefined);
    const id = await createCharacter(t, { name: `Ref${Math.floor(Math.random() * 1e6)}` });
    const before = await attributesOf(t, id);
    const answer = await patch(id, { hair: 30050, ...attributes });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ errors: [{ status: '400', detail }] });
    expect(await attributesOf(t, id)).toEqual(before);
  });

  it('answers 404 for a missing character and for another tenant', async () => {
    const id = await createCharacter(t, { name: 'Hidden' });
    expect((await patch(999_999, { hair: 30040 })).status).toBe(404);
    expect((await patch(id, { hair: 30040 }, OTHER_TENANT)).status).toBe(404);
    expect(await attributesOf(t, id)).toMatchObject({ hair: 30030 });
  });
});

describe('DELETE /api/characters/{id}', () => {
  it('answers 204, emits DELETED and takes the saved locations (B12)', async () => {
    const id = await createCharacter(t, { name: 'Doomed', worldId: 3 });
    await call(t, 'PUT', `/characters/${id}/locations/FREE_MARKET`, {
      data: { type: 'saved-locations', attributes: { mapId: 910000000, portalId: 1 } },
    });
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    const answer = await call(t, 'DELETE', `/characters/${id}`);
    expect(answer.status).toBe(204);
    await t.app.idle();
    expect(events.values()).toEqual([
      { transactionId: expect.any(String), worldId: 3, characterId: id, type: 'DELETED', body: {} },
    ]);
    expect((await call(t, 'GET', `/characters/${id}`)).status).toBe(404);
    expect((await call(t, 'GET', `/characters/${id}/locations/FREE_MARKET`)).status).toBe(404);
    await events.stop();
  });

  it('answers 404 for a missing character (B11)', async () => {
    expect((await call(t, 'DELETE', '/characters/999999')).status).toBe(404);
  });

  it('cannot delete another tenant’s character', async () => {
    const id = await createCharacter(t, { name: 'Guarded' });
    expect((await call(t, 'DELETE', `/characters/${id}`, undefined, OTHER_TENANT)).status).toBe(404);
    expect((await call(t, 'GET', `/characters/${id}`)).status).toBe(200);
  });
});
