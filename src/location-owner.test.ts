import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { advanceBy, record, startTestApp, TENANT, type TestApp } from '../test/support/app.js';
import { mockAtlas } from './character/testing/mock-atlas.js';
import { attributesOf, call, command, createCharacter, NIL } from './character/testing/support.js';
import type { ServiceName } from './platform/config.js';

/**
 * Decisions §F3: exactly one component announces MAP_CHANGED for a warp, and CHANNEL_CHANGED for a channel
 * change, in every configuration of LOCATION_OWNER; and the character row follows whoever owns location.
 */
const INSTANCE = '2f1d0c9b-8a7e-4d6c-b5a4-93827160f5e4';
const maps = await mockAtlas({
  'characters/1/location': {
    data: {
      type: 'character-locations',
      id: '1',
      attributes: { worldId: 0, channelId: 1, mapId: 104000000, instance: NIL, state: 'OFFLINE' },
    },
  },
  'data/maps/104000000/portals/2': {
    data: { type: 'portals', id: '2', attributes: { name: 'sp', x: 520, y: -85 } },
  },
});

let apps: TestApp[] = [];
async function start(services: readonly ServiceName[], env: Record<string, string> = {}) {
  const t = await startTestApp({ services, env, start: Date.UTC(2026, 0, 1) });
  apps.push(t);
  return t;
}
afterEach(async () => {
  for (const t of apps) await t.app.close();
  apps = [];
});
afterAll(() => maps.close());

const ALL = ['character', 'presence', 'transports'] as const;

const session = (t: TestApp, type: 'CREATED' | 'DESTROYED', characterId: number, channelId: number) =>
  t.app.bus.publish(
    'EVENT_TOPIC_SESSION_STATUS',
    { sessionId: NIL, accountId: 1000, characterId, worldId: 0, channelId, issuer: 'CHANNEL', type },
    { key: characterId, tenant: TENANT },
  );

const warp = (t: TestApp, id: number) =>
  command(t, 'CHANGE_MAP', id, { channelId: 1, mapId: 104000000, instance: INSTANCE, portalId: 2 });

/** A character logged in on channel 1, with the status topic recorded from then on. */
async function loggedIn(t: TestApp) {
  const id = await createCharacter(t, { name: 'Mover', mapId: 100000000 });
  await session(t, 'CREATED', id, 1);
  await t.app.idle();
  return { id, status: record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS') };
}

/** Leaves channel 1 for channel 2 as a channel server does: the old session ends, a new one starts. */
async function changeChannel(t: TestApp, id: number) {
  await session(t, 'DESTROYED', id, 1);
  await advanceBy(t.app, t.clock, 1_000);
  await session(t, 'CREATED', id, 2);
  await t.app.idle();
}

const count = (status: ReturnType<typeof record>, type: string) => status.ofType(type).length;
const bodiesOf = (status: ReturnType<typeof record>, type: string) =>
  status.ofType(type).map((m) => (m.value as { body: Record<string, unknown> }).body);

describe('LOCATION_OWNER=character (the reference)', () => {
  it('character alone: it handles CHANGE_MAP and announces the warp and the channel change once', async () => {
    const t = await start(['character']);
    expect(t.app.config.locationOwner).toBe('character');
    const { id, status } = await loggedIn(t);
    await warp(t, id);
    await t.app.idle();
    expect(count(status, 'MAP_CHANGED')).toBe(1);
    await changeChannel(t, id);
    expect(count(status, 'CHANNEL_CHANGED')).toBe(1);
  });

  it('every service, set explicitly: presence follows and announces nothing of its own', async () => {
    const t = await start(ALL, { LOCATION_OWNER: 'character' });
    const { id, status } = await loggedIn(t);
    const mapStatus = record(t.app, 'EVENT_TOPIC_MAP_STATUS');
    await warp(t, id);
    await t.app.idle();
    expect(bodiesOf(status, 'MAP_CHANGED').map((body) => Object.keys(body).length)).toEqual([6]);
    expect(mapStatus.values().map((m) => m.type)).toEqual(['CHARACTER_EXIT', 'CHARACTER_ENTER']);
    await changeChannel(t, id);
    expect(count(status, 'CHANNEL_CHANGED')).toBe(1);
  });
});

describe('LOCATION_OWNER=maps beside HEAD atlas-maps (character alone)', () => {
  it('ignores CHANGE_MAP, follows the MAP_CHANGED atlas-maps announces, announces no channel change', async () => {
    const t = await start(['character'], { LOCATION_OWNER: 'maps', DATA_SERVICE_URL: maps.url });
    const { id, status } = await loggedIn(t);
    // The test plays HEAD atlas-maps: it answers every CHANGE_MAP with its MAP_CHANGED.
    const stop = t.app.bus.subscribe('COMMAND_TOPIC_CHARACTER', (m) => {
      const c = m.value as {
        transactionId: string;
        characterId: number;
        type: string;
        body: { portalId: number };
      };
      if (c.type !== 'CHANGE_MAP') return;
      const body = {
        channelId: 1,
        oldMapId: 100000000,
        oldInstance: NIL,
        targetMapId: 104000000,
        targetInstance: INSTANCE,
        targetPortalId: c.body.portalId,
        useTargetPosition: false,
        targetX: 0,
        targetY: 0,
      };
      void t.app.bus.publish(
        'EVENT_TOPIC_CHARACTER_STATUS',
        { transactionId: c.transactionId, worldId: 0, characterId: c.characterId, type: 'MAP_CHANGED', body },
        { key: c.characterId, tenant: TENANT },
      );
    });
    await warp(t, id);
    await t.app.idle();
    expect(count(status, 'MAP_CHANGED')).toBe(1);
    expect(await attributesOf(t, id)).toMatchObject({
      mapId: 104000000,
      instance: INSTANCE,
      spawnPoint: 2,
      x: 520,
      y: -85,
    });

    const requests = record(t.app, 'COMMAND_TOPIC_CHARACTER_CHANNEL_CHANGE_REQUEST');
    await changeChannel(t, id);
    expect(count(status, 'CHANNEL_CHANGED')).toBe(0);
    // atlas-channel asks HEAD atlas-maps itself; asking again would make it announce twice.
    expect(requests.messages).toEqual([]);
    await stop();
  });

  it('takes LOGIN and LOGOUT locations from atlas-maps, else from its own row', async () => {
    const t = await start(['character'], { LOCATION_OWNER: 'maps', MAPS_SERVICE_URL: maps.url });
    const first = await createCharacter(t, { name: 'Located', mapId: 100000000 });
    const second = await createCharacter(t, { name: 'Unlocated', mapId: 100000000 });
    expect(first).toBe(1);
    const status = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    await session(t, 'CREATED', first, 1);
    await session(t, 'CREATED', second, 1);
    await t.app.idle();
    const bodies = () =>
      status.values().map((m) => [m.characterId, m.type, (m.body as { mapId: number }).mapId]);
    // Two characters' sessions are handled side by side: their LOGINs may leave in either order.
    expect(bodies().sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
      [first, 'LOGIN', 104000000],
      [second, 'LOGIN', 100000000],
    ]);
    // The row follows atlas-maps' answer.
    expect(await attributesOf(t, first)).toMatchObject({ mapId: 104000000 });
    expect(maps.requests.some((r) => r.path === `characters/${second}/location`)).toBe(true);
  });

  it('turns a PATCH of mapId into a CHANGE_MAP for the owner instead of warping itself', async () => {
    const t = await start(['character'], { LOCATION_OWNER: 'maps' });
    const id = await createCharacter(t, { name: 'Patched', mapId: 100000000 });
    const status = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    const commands = record(t.app, 'COMMAND_TOPIC_CHARACTER');
    const answer = await call(t, 'PATCH', `/characters/${id}`, {
      data: { type: 'characters', attributes: { mapId: 104000000, hair: 30040 } },
    });
    expect(answer.status).toBe(204);
    await t.app.idle();
    expect(commands.values()).toMatchObject([
      {
        characterId: id,
        type: 'CHANGE_MAP',
        body: { channelId: 0, mapId: 104000000, instance: NIL, portalId: 0 },
      },
    ]);
    expect(status.values().map((m) => m.type)).toEqual(['HAIR_CHANGED']);
    expect(await attributesOf(t, id)).toMatchObject({ mapId: 100000000, hair: 30040 });
  });
});

describe('the embedded default (every service; presence owns location)', () => {
  it('announces each warp once, from presence, and the character row still follows', async () => {
    const t = await start(ALL, { DATA_SERVICE_URL: maps.url });
    expect(t.app.config.locationOwner).toBe('maps');
    const { id, status } = await loggedIn(t);
    const mapStatus = record(t.app, 'EVENT_TOPIC_MAP_STATUS');
    await warp(t, id);
    await t.app.idle();
    expect(status.ofType('MAP_CHANGED').map((m) => m.value)).toEqual([
      {
        transactionId: NIL,
        worldId: 0,
        characterId: id,
        type: 'MAP_CHANGED',
        body: {
          channelId: 1,
          oldMapId: 100000000,
          oldInstance: NIL,
          targetMapId: 104000000,
          targetInstance: INSTANCE,
          targetPortalId: 2,
          useTargetPosition: false,
          targetX: 0,
          targetY: 0,
        },
      },
    ]);
    expect(mapStatus.values().map((m) => m.type)).toEqual(['CHARACTER_EXIT', 'CHARACTER_ENTER']);
    expect(await attributesOf(t, id)).toMatchObject({
      mapId: 104000000,
      instance: INSTANCE,
      spawnPoint: 2,
      x: 520,
    });
    const location = await call(t, 'GET', `/characters/${id}/location`);
    expect(location.body).toMatchObject({ data: { attributes: { mapId: 104000000, state: 'IN_FIELD' } } });
  });

  it('announces each channel change once, whether or not the channel server asked the owner', async () => {
    const t = await start(ALL);
    const { id, status } = await loggedIn(t);
    // A reference-era channel server: sessions only.
    await changeChannel(t, id);
    expect(bodiesOf(status, 'CHANNEL_CHANGED')).toEqual([
      { channelId: 2, oldChannelId: 1, mapId: 100000000, instance: NIL },
    ]);
    // A HEAD channel server asks atlas-maps first, then moves the session.
    await t.app.bus.publish(
      'COMMAND_TOPIC_CHARACTER_CHANNEL_CHANGE_REQUEST',
      { transactionId: NIL, characterId: id, worldId: 0, oldChannelId: 2, targetChannelId: 3 },
      { key: id, tenant: TENANT },
    );
    await session(t, 'DESTROYED', id, 2);
    await advanceBy(t.app, t.clock, 1_000);
    await session(t, 'CREATED', id, 3);
    await t.app.idle();
    expect(count(status, 'CHANNEL_CHANGED')).toBe(2);
    expect(count(status, 'MAP_CHANGED')).toBe(0);
  });

  it('takes LOGIN and LOGOUT bodies from presence, and a PATCH of mapId warps through it once', async () => {
    const t = await start(ALL);
    const { id, status } = await loggedIn(t);
    expect(
      await call(t, 'PATCH', `/characters/${id}`, {
        data: { type: 'characters', attributes: { mapId: 104000000 } },
      }),
    ).toMatchObject({ status: 204 });
    await t.app.idle();
    expect(bodiesOf(status, 'MAP_CHANGED').map((body) => body.channelId)).toEqual([1]);
    await session(t, 'DESTROYED', id, 1);
    await advanceBy(t.app, t.clock, 5_000);
    expect(bodiesOf(status, 'LOGOUT')).toEqual([{ channelId: 1, mapId: 104000000, instance: NIL }]);
    expect(await attributesOf(t, id)).toMatchObject({ mapId: 104000000 });
  });
});
