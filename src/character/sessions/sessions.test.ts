import { afterEach, describe, expect, it } from 'vitest';
import {
  advanceBy,
  OTHER_TENANT,
  record,
  startTestApp,
  TENANT,
  type TestApp,
} from '../../../test/support/app.js';
import { createTestDatabase } from '../../../test/support/database.js';
import type { Tenant } from '../../platform/tenant.js';
import { attributesOf, call, createCharacter } from '../testing/support.js';

const NIL = '00000000-0000-0000-0000-000000000000';
const START = Date.UTC(2026, 0, 1);
let apps: TestApp[] = [];

async function start(databaseUrl?: string): Promise<TestApp> {
  const t = await startTestApp({ services: ['character'], databaseUrl, start: START });
  apps.push(t);
  return t;
}

afterEach(async () => {
  for (const t of apps) await t.app.close();
  apps = [];
});

function session(
  t: TestApp,
  type: 'CREATED' | 'DESTROYED',
  characterId: number,
  channelId = 1,
  options: { issuer?: string; tenant?: Tenant } = {},
) {
  return t.app.bus.publish(
    'EVENT_TOPIC_SESSION_STATUS',
    {
      sessionId: '6f1c1d2e-0000-4000-8000-000000000001',
      accountId: 1000,
      characterId,
      worldId: 0,
      channelId,
      issuer: options.issuer ?? 'CHANNEL',
      type,
    },
    { key: characterId, tenant: options.tenant ?? TENANT },
  );
}

interface SessionDocument {
  data: Array<{ id: string; attributes: { channelId: number; loginTime: string; logoutTime?: string } }>;
}

const sessionsOf = async (t: TestApp, id: number, query = '') =>
  ((await call(t, 'GET', `/characters/${id}/sessions${query}`)).body as SessionDocument).data.map(
    (s) => s.attributes,
  );

describe('session registry', () => {
  it('logs in on CREATED and out exactly 5 s after DESTROYED, closing the history row', async () => {
    const t = await start();
    const id = await createCharacter(t, { name: 'Walker', mapId: 100000000 });
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    await session(t, 'CREATED', id);
    await t.app.idle();
    expect(events.values()).toEqual([
      {
        transactionId: expect.any(String),
        worldId: 0,
        characterId: id,
        type: 'LOGIN',
        body: { channelId: 1, mapId: 100000000, instance: NIL },
      },
    ]);
    expect(await sessionsOf(t, id)).toEqual([
      { characterId: id, worldId: 0, channelId: 1, loginTime: '2026-01-01T00:00:00Z' },
    ]);

    await advanceBy(t.app, t.clock, 60_000);
    await session(t, 'DESTROYED', id);
    await advanceBy(t.app, t.clock, 4_999);
    expect(events.ofType('LOGOUT')).toHaveLength(0);
    await advanceBy(t.app, t.clock, 1);
    expect(events.ofType('LOGOUT').map((m) => m.value)).toEqual([
      expect.objectContaining({ characterId: id, body: { channelId: 1, mapId: 100000000, instance: NIL } }),
    ]);
    expect(await sessionsOf(t, id)).toEqual([
      expect.objectContaining({ loginTime: '2026-01-01T00:00:00Z', logoutTime: '2026-01-01T00:01:05Z' }),
    ]);
  });

  it('turns DESTROYED then CREATED within 5 s into CHANNEL_CHANGED, one history row per channel', async () => {
    const t = await start();
    const id = await createCharacter(t, { name: 'Hopper' });
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    await session(t, 'CREATED', id, 1);
    await advanceBy(t.app, t.clock, 10_000);
    await session(t, 'DESTROYED', id, 1);
    await advanceBy(t.app, t.clock, 3_000);
    await session(t, 'CREATED', id, 2);
    await advanceBy(t.app, t.clock, 10_000);
    expect(events.values().map((e) => e.type)).toEqual(['LOGIN', 'CHANNEL_CHANGED']);
    expect(events.ofType('CHANNEL_CHANGED')[0]?.value).toMatchObject({
      body: { channelId: 2, oldChannelId: 1, mapId: 10000, instance: NIL },
    });
    const rows = await sessionsOf(t, id);
    expect(rows.map((r) => [r.channelId, r.loginTime, r.logoutTime])).toEqual([
      [1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:13Z'],
      [2, '2026-01-01T00:00:13Z', undefined],
    ]);
  });

  it('ignores login-server sessions, a second CREATED and a DESTROYED of a stranger', async () => {
    const t = await start();
    const id = await createCharacter(t, { name: 'Quiet' });
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    await session(t, 'CREATED', id, 1, { issuer: 'LOGIN' });
    await session(t, 'DESTROYED', id);
    await session(t, 'CREATED', id);
    await session(t, 'CREATED', id, 2);
    await advanceBy(t.app, t.clock, 10_000);
    expect(events.values().map((e) => e.type)).toEqual(['LOGIN']);
    expect(await sessionsOf(t, id)).toHaveLength(1);
  });

  it('keeps tenants apart', async () => {
    const t = await start();
    const id = await createCharacter(t, { name: 'Tenanted' });
    await session(t, 'CREATED', id);
    await session(t, 'DESTROYED', id, 1, { tenant: OTHER_TENANT });
    await advanceBy(t.app, t.clock, 10_000);
    expect((await sessionsOf(t, id))[0]).not.toHaveProperty('logoutTime');
  });

  it('still logs out after a restart between CREATED and DESTROYED (B15)', async () => {
    const databaseUrl = await createTestDatabase();
    const first = await start(databaseUrl);
    const id = await createCharacter(first, { name: 'Phoenix' });
    await session(first, 'CREATED', id);
    await first.app.idle();
    await first.app.close();

    const second = await start(databaseUrl);
    await advanceBy(second.app, second.clock, 60_000);
    const events = record(second.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    await session(second, 'DESTROYED', id);
    await advanceBy(second.app, second.clock, 5_000);
    expect(events.values().map((e) => [e.type, e.characterId])).toEqual([['LOGOUT', id]]);
    expect(events.messages[0]?.headers.REGION?.toString()).toBe('GMS');
    expect(await sessionsOf(second, id)).toEqual([
      expect.objectContaining({ loginTime: '2026-01-01T00:00:00Z', logoutTime: '2026-01-01T00:01:05Z' }),
    ]);
  });

  it('logs in again on a CREATED for a session only rebuilt from its open row (its logout died with a crash)', async () => {
    const databaseUrl = await createTestDatabase();
    const first = await start(databaseUrl);
    const id = await createCharacter(first, { name: 'Lazarus' });
    await session(first, 'CREATED', id);
    await first.app.idle();
    await first.app.close();

    // The DESTROYED and its logout were lost with the process; the player comes back on another channel.
    const second = await start(databaseUrl);
    await advanceBy(second.app, second.clock, 60_000);
    const events = record(second.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    await session(second, 'CREATED', id, 2);
    await second.app.idle();
    expect(events.values().map((e) => [e.type, e.body])).toEqual([
      ['LOGIN', { channelId: 2, mapId: 10000, instance: NIL }],
    ]);
    expect(await sessionsOf(second, id)).toEqual([
      expect.objectContaining({
        channelId: 1,
        loginTime: '2026-01-01T00:00:00Z',
        logoutTime: '2026-01-01T00:01:00Z',
      }),
      { characterId: id, worldId: 0, channelId: 2, loginTime: '2026-01-01T00:01:00Z' },
    ]);
    // From then on the session is an ordinary one: a second CREATED is ignored.
    await session(second, 'CREATED', id, 2);
    await second.app.idle();
    expect(events.messages).toHaveLength(1);
  });

  it('logs out a character in transition at shutdown rather than leaving the session open', async () => {
    const databaseUrl = await createTestDatabase();
    const first = await start(databaseUrl);
    const id = await createCharacter(first, { name: 'Closer' });
    await session(first, 'CREATED', id);
    await advanceBy(first.app, first.clock, 1_000);
    await session(first, 'DESTROYED', id);
    await first.app.idle();
    await first.app.close();
    const second = await start(databaseUrl);
    expect(await sessionsOf(second, id)).toEqual([
      expect.objectContaining({ logoutTime: '2026-01-01T00:00:01Z' }),
    ]);
  });

  it('ends the sessions of a channel that shuts down, and only those (B17)', async () => {
    const t = await start();
    const one = await createCharacter(t, { name: 'OnOne' });
    const two = await createCharacter(t, { name: 'OnTwo' });
    await session(t, 'CREATED', one, 1);
    await session(t, 'CREATED', two, 2);
    await advanceBy(t.app, t.clock, 30_000);
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    await t.app.bus.publish(
      'EVENT_TOPIC_CHANNEL_STATUS',
      { type: 'SHUTDOWN', worldId: 0, channelId: 1, ipAddress: '127.0.0.1', port: 7575 },
      { key: TENANT.id, tenant: TENANT },
    );
    await t.app.idle();
    expect(events.values().map((e) => [e.type, e.characterId])).toEqual([['LOGOUT', one]]);
    expect((await sessionsOf(t, one))[0]).toMatchObject({ logoutTime: '2026-01-01T00:00:30Z' });
    expect((await sessionsOf(t, two))[0]).not.toHaveProperty('logoutTime');
  });

  it('skips and counts a session of an unknown character', async () => {
    const t = await start();
    await session(t, 'CREATED', 424242);
    await t.app.idle();
    const metrics = await (await fetch(`${t.url}/api/metrics`)).text();
    expect(metrics).toMatch(/bus_messages_malformed_total\{[^}]*reason="unknown character"[^}]*\} 1/);
  });
});

describe('positions (B14)', () => {
  const move = (t: TestApp, id: number, x: number, y: number, stance: number, tenant = TENANT) =>
    t.app.bus.publish(
      'COMMAND_TOPIC_CHARACTER_MOVEMENT',
      { worldId: 0, channelId: 1, mapId: 10000, instance: NIL, objectId: id, observerId: id, x, y, stance },
      { key: id, tenant },
    );

  it('serves the live position, per tenant, and stores it on logout', async () => {
    const t = await start();
    const id = await createCharacter(t, { name: 'Mover' });
    await session(t, 'CREATED', id);
    await move(t, id, -123, 154, 5);
    await move(t, id, 7, 8, 9, OTHER_TENANT);
    await t.app.idle();
    expect(await attributesOf(t, id)).toMatchObject({ x: -123, y: 154, stance: 5 });
    await session(t, 'DESTROYED', id);
    await advanceBy(t.app, t.clock, 5_000);
    expect(await attributesOf(t, id)).toMatchObject({ x: -123, y: 154, stance: 5 });
  });

  it('stores live positions at shutdown, so they survive a restart', async () => {
    const databaseUrl = await createTestDatabase();
    const first = await start(databaseUrl);
    const id = await createCharacter(first, { name: 'Survivor' });
    await move(first, id, 300, -40, 2);
    await first.app.idle();
    await first.app.close();
    const second = await start(databaseUrl);
    expect(await attributesOf(second, id)).toMatchObject({ x: 300, y: -40, stance: 2 });
  });

  it('skips and counts malformed movement', async () => {
    const t = await start();
    await t.app.bus.publish(
      'COMMAND_TOPIC_CHARACTER_MOVEMENT',
      { objectId: 1, x: 40000, y: 0, stance: 0 },
      {
        key: 1,
        tenant: TENANT,
      },
    );
    await t.app.bus.publish(
      'COMMAND_TOPIC_CHARACTER_MOVEMENT',
      { objectId: 1, x: 0, y: 0, stance: 0 },
      { key: 1 },
    );
    await t.app.idle();
    const metrics = await (await fetch(`${t.url}/api/metrics`)).text();
    expect(metrics).toMatch(/bus_messages_malformed_total\{[^}]*reason="schema"[^}]*\} 1/);
    expect(metrics).toMatch(/bus_messages_malformed_total\{[^}]*reason="tenant"[^}]*\} 1/);
  });
});
