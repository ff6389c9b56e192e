import { afterEach, describe, expect, it } from 'vitest';
import {
  advanceTo,
  record,
  startTestApp,
  TENANT,
  type TestApp,
  tenantHeaders,
} from '../../test/support/app.js';
import { createTestDatabase } from '../../test/support/database.js';
import { NIL_UUID } from '../platform/tenant.js';
import { at, routeId } from './testing/harness.js';

// The embedded default restarted mid-trip, every service real: the character service stores where the
// passenger stands and turns CHANGE_MAP into MAP_CHANGED, presence follows, transports warps. The
// Ellinia→Orbis boat (transports.md §2.7): boarding 00:00:00, departure 00:05:00, arrival 00:15:00.
const STAGING = 101000301;
const EN_ROUTE = 200090010;
const DESTINATION = 200000100;
const SERVICES = ['character', 'presence', 'transports'] as const;

let apps: TestApp[] = [];

afterEach(async () => {
  for (const t of apps) await t.app.close();
  apps = [];
});

async function start(databaseUrl: string, time: string): Promise<TestApp> {
  const t = await startTestApp({ services: [...SERVICES], databaseUrl, start: at(time) });
  apps.push(t);
  return t;
}

async function stop(t: TestApp): Promise<void> {
  await t.app.close();
  apps = apps.filter((a) => a !== t);
}

async function api(t: TestApp, method: string, path: string, body?: unknown) {
  const response = await fetch(`${t.url}/api${path}`, {
    method,
    headers: { ...tenantHeaders(), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { data: unknown } };
}

async function createCharacter(t: TestApp, mapId: number): Promise<number> {
  const attributes = { accountId: 1000, worldId: 0, name: 'Sailor', mapId };
  const { status, body } = await api(t, 'POST', '/characters', { data: { type: 'characters', attributes } });
  expect(status).toBe(201);
  return Number((body.data as { id: string }).id);
}

async function mapIdOf(t: TestApp, characterId: number): Promise<number> {
  const { body } = await api(t, 'GET', `/characters/${characterId}`);
  return (body.data as { attributes: { mapId: number } }).attributes.mapId;
}

async function standingIn(t: TestApp, mapId: number): Promise<number[]> {
  const { body } = await api(t, 'GET', `/worlds/0/channels/1/maps/${mapId}/characters`);
  return (body.data as Array<{ id: string }>).map((r) => Number(r.id));
}

/** A channel server accepting the character on channel 1 (character.md §3.2): the character logs in. */
async function channelSession(t: TestApp, characterId: number): Promise<void> {
  const session = {
    sessionId: '6f1c1d2e-0000-4000-8000-000000000001',
    accountId: 1000,
    characterId,
    worldId: 0,
    channelId: 1,
    issuer: 'CHANNEL',
    type: 'CREATED',
  };
  await t.app.bus.publish('EVENT_TOPIC_SESSION_STATUS', session, { key: characterId, tenant: TENANT });
  await t.app.idle();
}

async function walkTo(t: TestApp, characterId: number, mapId: number): Promise<void> {
  const command = {
    transactionId: NIL_UUID,
    worldId: 0,
    characterId,
    type: 'CHANGE_MAP',
    body: { channelId: 1, mapId, instance: NIL_UUID, portalId: 0 },
  };
  await t.app.bus.publish('COMMAND_TOPIC_CHARACTER', command, { key: characterId, tenant: TENANT });
  await t.app.idle();
}

function warps(commands: ReturnType<typeof record>) {
  return commands.ofType('CHANGE_MAP').map((m) => {
    const value = m.value as { characterId: number; body: { channelId: number; mapId: number } };
    return [value.characterId, value.body.channelId, value.body.mapId];
  });
}

/**
 * The first process: the character logs in on channel 1 while the boat is boarding, walks onto the dock and
 * is warped aboard at departure; the process stops at 00:06:00, mid-trip.
 */
async function boardAndStop(databaseUrl: string): Promise<number> {
  const t = await start(databaseUrl, '00:01:00');
  const id = await createCharacter(t, 101000000);
  await channelSession(t, id);
  await walkTo(t, id, STAGING);
  expect(await standingIn(t, STAGING)).toEqual([id]);

  const departure = record(t.app, 'COMMAND_TOPIC_CHARACTER');
  await advanceTo(t.app, t.clock, at('00:06:00'));
  expect(warps(departure)).toEqual([[id, 1, EN_ROUTE]]);
  expect(await mapIdOf(t, id)).toBe(EN_ROUTE);
  expect(await standingIn(t, EN_ROUTE)).toEqual([id]);
  await departure.stop();
  await stop(t);
  return id;
}

async function expectAshore(t: TestApp, id: number): Promise<void> {
  expect(await mapIdOf(t, id)).toBe(DESTINATION);
  expect(await standingIn(t, EN_ROUTE)).toEqual([]);
  expect(await standingIn(t, DESTINATION)).toEqual([id]);
}

describe('a restart of the embedded default mid-trip', () => {
  it('delivers the passenger aboard at the arrival, on time', async () => {
    const databaseUrl = await createTestDatabase();
    const id = await boardAndStop(databaseUrl);

    const t = await start(databaseUrl, '00:10:00');
    const arrival = record(t.app, 'COMMAND_TOPIC_CHARACTER');
    await t.app.idle();
    const { body } = await api(t, 'GET', `/transports/routes/${routeId('boat-ellinia-orbis')}`);
    expect(body.data).toMatchObject({ attributes: { state: 'in_transit', nextState: 'awaiting_return' } });
    expect(await standingIn(t, EN_ROUTE)).toEqual([id]);

    await advanceTo(t.app, t.clock, at('00:14:59.999'));
    expect(warps(arrival)).toEqual([]);
    await advanceTo(t.app, t.clock, at('00:15:00'));
    expect(warps(arrival)).toEqual([[id, 1, DESTINATION]]);
    await expectAshore(t, id);
    await arrival.stop();
  });

  it('delivers the passenger at start-up when the arrival passed while it was down', async () => {
    const databaseUrl = await createTestDatabase();
    const id = await boardAndStop(databaseUrl);

    // The sweep runs during start-up, possibly before a recorder could subscribe: its outcome is the proof.
    const t = await start(databaseUrl, '00:20:00');
    await t.app.idle();
    await expectAshore(t, id);
  });

  it('a player who disconnected on the dock just before shutdown is logged out, sent home and forgotten', async () => {
    const databaseUrl = await createTestDatabase();
    const t = await start(databaseUrl, '00:01:00');
    const id = await createCharacter(t, 101000000);
    await channelSession(t, id);
    await walkTo(t, id, STAGING);
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    const destroyed = {
      sessionId: '6f1c1d2e-0000-4000-8000-000000000001',
      accountId: 1000,
      characterId: id,
      worldId: 0,
      channelId: 1,
      issuer: 'CHANNEL',
      type: 'DESTROYED',
    };
    await t.app.bus.publish('EVENT_TOPIC_SESSION_STATUS', destroyed, { key: id, tenant: TENANT });
    await t.app.idle();
    // Shutdown within the 5 s transition: the logout happens at shutdown and every service still hears it.
    await stop(t);
    expect(events.ofType('LOGOUT')).toHaveLength(1);

    const again = await start(databaseUrl, '00:02:00');
    // Transports sent the dock's logout home (transports.md §3.6); presence no longer lists the character.
    expect(await mapIdOf(again, id)).toBe(101000300);
    expect(await standingIn(again, STAGING)).toEqual([]);
  });
});
