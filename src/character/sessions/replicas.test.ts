import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  advanceBy,
  advanceTo,
  record,
  startTestApp,
  TENANT,
  type TestApp,
} from '../../../test/support/app.js';
import { createTestDatabase } from '../../../test/support/database.js';
import { attributesOf, createCharacter, NIL, sql } from '../testing/support.js';
import { TAKEOVER_GRACE_MS, TRANSITION_MS } from './tracker.js';

/**
 * Two replicas of the character service on one database (decisions E5). Each has its own in-memory bus,
 * which stands for the partitions Kafka assigned it: a message published on A's bus is handled by A alone.
 * The outbox is shared, so a message either produced may leave through either relay: what one replica
 * emitted is counted over both buses. A replica that "dies" is one whose clock stops and which is sent
 * nothing more: its timers never fire, as if the process were gone.
 */
const START = Date.UTC(2026, 0, 1);
let apps: TestApp[] = [];

async function replica(databaseUrl: string): Promise<TestApp> {
  const t = await startTestApp({ services: ['character'], databaseUrl, start: START });
  apps.push(t);
  return t;
}

afterEach(async () => {
  for (const t of apps) await t.app.close();
  apps = [];
});

function session(t: TestApp, type: 'CREATED' | 'DESTROYED', characterId: number, channelId = 1) {
  return t.app.bus.publish(
    'EVENT_TOPIC_SESSION_STATUS',
    {
      sessionId: '6f1c1d2e-0000-4000-8000-000000000001',
      accountId: 1000,
      characterId,
      worldId: 0,
      channelId,
      issuer: 'CHANNEL',
      type,
    },
    { key: characterId, tenant: TENANT },
  );
}

/** Character status events seen on every replica's bus, in arrival order per bus. */
function statusEvents(...replicas: TestApp[]) {
  const recorders = replicas.map((t) => record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS'));
  return {
    types: () => recorders.flatMap((r) => r.values().map((v) => v.type as string)),
    logouts: () => recorders.flatMap((r) => r.ofType('LOGOUT')),
  };
}

const settle = async (...replicas: TestApp[]) => {
  for (const t of replicas) await t.app.idle();
};

const history = (t: TestApp, id: number) =>
  sql(
    t,
    `SELECT channel_id AS "channelId", login_time AS "loginTime", logout_time AS "logoutTime"
     FROM session_history WHERE character_id = $1 ORDER BY id`,
    [id],
  );

describe('sessions across replicas', () => {
  it('a logout armed on a replica that died fires once on a replica started after it', async () => {
    const url = await createTestDatabase();
    const a = await replica(url);
    const id = await createCharacter(a, { name: 'Orphan' });
    await session(a, 'CREATED', id);
    await advanceBy(a.app, a.clock, 60_000);
    await session(a, 'DESTROYED', id);
    await a.app.idle();
    // A dies here: its clock never reaches the due time.

    const b = await replica(url);
    const events = statusEvents(a, b);
    const due = START + 60_000 + TRANSITION_MS;
    await advanceTo(b.app, b.clock, due + TAKEOVER_GRACE_MS - 1);
    await settle(a, b);
    expect(events.logouts()).toHaveLength(0);
    await advanceTo(b.app, b.clock, due + TAKEOVER_GRACE_MS);
    await settle(a, b);
    expect(events.logouts().map((m) => m.value)).toEqual([
      expect.objectContaining({
        characterId: id,
        type: 'LOGOUT',
        body: expect.objectContaining({ channelId: 1 }),
      }),
    ]);
    expect(events.logouts()[0]?.headers.REGION?.toString()).toBe(TENANT.region);
    expect(await history(b, id)).toEqual([
      { channelId: 1, loginTime: new Date(START), logoutTime: new Date(due) },
    ]);
    expect(await sql(b, 'SELECT * FROM character_sessions')).toEqual([]);

    // A coming back to life (or draining) finds nothing left to do.
    await advanceBy(a.app, a.clock, 60_000);
    await a.app.close();
    await settle(b);
    expect(events.logouts()).toHaveLength(1);
  });

  it('a replica already running takes over the logout of one that died after arming it', async () => {
    const url = await createTestDatabase();
    const a = await replica(url);
    const b = await replica(url);
    const id = await createCharacter(a, { name: 'Bystander' });
    const events = statusEvents(a, b);
    await session(a, 'CREATED', id);
    await session(a, 'DESTROYED', id);
    await a.app.idle();
    const due = START + TRANSITION_MS;
    // B's watch (wall-time period) finds the row and sets its own timer, a grace after A's.
    await vi.waitFor(() => expect(b.clock.nextDue()).toBe(due + TAKEOVER_GRACE_MS), { timeout: 10_000 });
    await advanceBy(b.app, b.clock, TRANSITION_MS + TAKEOVER_GRACE_MS);
    await settle(a, b);
    expect(events.types()).toEqual(['LOGIN', 'LOGOUT']);
    expect((await history(b, id))[0]?.logoutTime).toEqual(new Date(due));
  });

  it('a channel change whose halves reach different replicas is one CHANNEL_CHANGED and no LOGOUT', async () => {
    const url = await createTestDatabase();
    const a = await replica(url);
    const b = await replica(url);
    const id = await createCharacter(a, { name: 'Switcher' });
    const events = statusEvents(a, b);
    await session(a, 'CREATED', id, 1);
    await session(a, 'DESTROYED', id, 1);
    await a.app.idle();
    await advanceBy(b.app, b.clock, 3_000);
    await session(b, 'CREATED', id, 2);
    await b.app.idle();
    // A's own timer still fires at the due time; the session it armed is no longer in transition.
    await advanceBy(a.app, a.clock, 10_000);
    await advanceBy(b.app, b.clock, 10_000);
    await settle(a, b);
    expect(events.types().sort()).toEqual(['CHANNEL_CHANGED', 'LOGIN']);
    expect((await history(b, id)).map((r) => [r.channelId, r.logoutTime])).toEqual([
      [1, new Date(START + 3_000)],
      [2, null],
    ]);
    // B handled the login half, so a repeated CREATED there is the same session, ignored.
    await session(b, 'CREATED', id, 2);
    await settle(a, b);
    expect(events.types()).toHaveLength(2);
  });

  it('replicas whose clocks all pass the due time log the character out once', async () => {
    const url = await createTestDatabase();
    const replicas = [await replica(url), await replica(url), await replica(url)];
    const [a] = replicas as [TestApp];
    const id = await createCharacter(a, { name: 'Crowded' });
    const events = statusEvents(...replicas);
    await session(a, 'CREATED', id);
    await session(a, 'DESTROYED', id);
    await a.app.idle();
    // Every other replica has seen the row before the clocks move.
    for (const t of replicas.slice(1))
      await vi.waitFor(() => expect(t.clock.nextDue()).toBe(START + TRANSITION_MS + TAKEOVER_GRACE_MS), {
        timeout: 10_000,
      });
    await Promise.all(replicas.map((t) => advanceBy(t.app, t.clock, 30_000)));
    await settle(...replicas);
    expect(events.logouts()).toHaveLength(1);
    expect(await history(a, id)).toEqual([
      expect.objectContaining({ logoutTime: new Date(START + TRANSITION_MS) }),
    ]);
  });

  it('a logout on one replica keeps the newer position another replica received', async () => {
    const url = await createTestDatabase();
    const a = await replica(url);
    const b = await replica(url);
    const id = await createCharacter(a, { name: 'Drifter' });
    const move = (t: TestApp, x: number, y: number) =>
      t.app.bus.publish(
        'COMMAND_TOPIC_CHARACTER_MOVEMENT',
        {
          worldId: 0,
          channelId: 1,
          mapId: 10000,
          instance: NIL,
          objectId: id,
          observerId: id,
          x,
          y,
          stance: 4,
        },
        { key: id, tenant: TENANT },
      );
    const stored = async () => (await sql(b, 'SELECT x, y FROM characters WHERE id = $1', [id]))[0];
    // The movement partition is B's first, then A's: B's cache still holds the older position.
    await move(b, 1, 1);
    await vi.waitFor(async () => expect(await stored()).toEqual({ x: 1, y: 1 }), { timeout: 10_000 });
    await move(a, 500, -20);
    await vi.waitFor(async () => expect(await stored()).toEqual({ x: 500, y: -20 }), { timeout: 10_000 });

    await session(b, 'CREATED', id);
    await session(b, 'DESTROYED', id);
    await advanceBy(b.app, b.clock, TRANSITION_MS);
    await settle(a, b);
    expect(await stored()).toEqual({ x: 500, y: -20 });
    expect(await attributesOf(b, id)).toMatchObject({ x: 500, y: -20, stance: 4 });
  });
});
