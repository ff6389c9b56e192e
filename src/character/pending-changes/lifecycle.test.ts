import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import {
  advanceBy,
  advanceTo,
  record,
  startTestApp,
  TENANT,
  type TestApp,
} from '../../../test/support/app.js';
import { createTestDatabase } from '../../../test/support/database.js';
import { attributesOf, BEGINNER, call, createCharacter } from '../testing/support.js';
import { DEFAULT_EXPIRY_MS } from './model.js';
import { SWEEP_INTERVAL_MS } from './sweep.js';

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

const rename = (t: TestApp, id: number, requestedName: string, assetId?: number) =>
  call(t, 'POST', `/characters/${id}/pending-changes`, {
    data: { type: 'pending-changes', attributes: { type: 'NAME_CHANGE', requestedName, assetId } },
  });

function session(t: TestApp, type: 'CREATED' | 'DESTROYED', characterId: number, worldId = 0) {
  return t.app.bus.publish(
    'EVENT_TOPIC_SESSION_STATUS',
    {
      sessionId: '6f1c1d2e-0000-4000-8000-000000000001',
      accountId: 1000,
      characterId,
      worldId,
      channelId: 1,
      issuer: 'CHANNEL',
      type,
    },
    { key: characterId, tenant: TENANT },
  );
}

async function login(t: TestApp, id: number) {
  await session(t, 'CREATED', id);
  await t.app.idle();
}

async function logout(t: TestApp, id: number) {
  await session(t, 'DESTROYED', id);
  await advanceBy(t.app, t.clock, 5_000);
}

const types = (r: ReturnType<typeof record>) => r.values().map((v) => v.type);

describe('application at logout, re-notification at login', () => {
  it('renames at logout (NAME_CHANGED, APPLIED, coupons consumed) and tells the next login', async () => {
    const t = await start();
    const id = await createCharacter(t, { name: 'Before' });
    const changeId = ((await rename(t, id, 'After')).body as { data: { id: string } }).data.id;
    await login(t, id);
    const status = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    const changes = record(t.app, 'EVENT_TOPIC_CHARACTER_PENDING_CHANGE');
    const sagas = record(t.app, 'COMMAND_TOPIC_SAGA');

    await logout(t, id);
    expect(types(status)).toEqual(['LOGOUT', 'NAME_CHANGED']);
    expect(status.values()[1]!.body).toEqual({ oldName: 'Before', newName: 'After' });
    expect(changes.values()).toEqual([
      expect.objectContaining({
        type: 'PENDING_CHANGE_RESOLVED',
        body: expect.objectContaining({ pendingChangeId: changeId, status: 'APPLIED', reason: '' }),
      }),
    ]);
    expect(sagas.values().map((s) => (s.steps as Array<{ stepId: string }>)[0]!.stepId)).toEqual([
      'consume_name_change_coupons',
    ]);
    expect((await attributesOf(t, id)).name).toBe('After');

    status.clear();
    changes.clear();
    await login(t, id);
    expect(types(status)).toEqual(['LOGIN']);
    expect(changes.values()).toEqual([
      expect.objectContaining({
        type: 'PENDING_CHANGE_RESOLVED',
        worldId: 0,
        body: expect.objectContaining({
          pendingChangeId: changeId,
          status: 'APPLIED',
          requestedName: 'After',
        }),
      }),
    ]);
    // Told once: the login after that says nothing more.
    await logout(t, id);
    changes.clear();
    await login(t, id);
    expect(changes.values()).toEqual([]);
  });

  it('starts the world-transfer saga at logout and leaves the record PENDING for the saga to resolve', async () => {
    const t = await start();
    const id = await createCharacter(t, { name: 'Migrant', worldId: 0 });
    const created = await call(t, 'POST', `/characters/${id}/pending-changes`, {
      data: { type: 'pending-changes', attributes: { type: 'WORLD_TRANSFER', destinationWorldId: 3 } },
    });
    const changeId = (created.body as { data: { id: string } }).data.id;
    await login(t, id);
    const sagas = record(t.app, 'COMMAND_TOPIC_SAGA');
    await logout(t, id);
    const [saga] = sagas.values();
    expect(saga).toMatchObject({ sagaType: 'world_transfer', initiatedBy: 'atlas-character/pending_change' });
    expect(
      (saga!.steps as Array<{ stepId: string; payload: unknown }>).map((s) => [s.stepId, s.payload]),
    ).toEqual([
      [
        'validate_world_transfer',
        { characterId: id, sourceWorldId: 0, destinationWorldId: 3, pendingChangeId: changeId },
      ],
      ['leave_guild_for_transfer', { characterId: id, worldId: 0, guildId: 0, title: 0 }],
      ['leave_party_for_transfer', { characterId: id, worldId: 0, partyId: 0 }],
      ['sever_buddies_for_transfer', { characterId: id, worldId: 0, buddyIds: [] }],
      [
        'change_character_world',
        { characterId: id, sourceWorldId: 0, destinationWorldId: 3, pendingChangeId: changeId },
      ],
    ]);
    const listed = (await call(t, 'GET', `/characters/${id}/pending-changes`)).body as {
      data: Array<{ attributes: { status: string } }>;
    };
    expect(listed.data[0]!.attributes.status).toBe('PENDING');
  });
});

describe('name reservation race', () => {
  it('fifty concurrent requests for one name from fifty characters: one reservation', async () => {
    const t = await start();
    const ids: number[] = [];
    for (let i = 0; i < 50; i++) ids.push(await createCharacter(t, { ...BEGINNER, name: `Racer${i}` }));
    const answers = await Promise.all(ids.map((id) => rename(t, id, 'Prize')));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    for (const a of answers.filter((x) => x.status !== 200)) {
      expect([409, 422]).toContain(a.status);
      expect((a.body as { errors: Array<{ detail: string }> }).errors[0]!.detail).toBe('name_reserved');
    }
    const { database } = t.app.config;
    if (database.kind !== 'external') throw new Error('external database expected');
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query(
      "SELECT count(*)::int AS n FROM character_pending_changes WHERE requested_name_lower = 'prize'",
    );
    await client.end();
    expect(rows[0].n).toBe(1);
  });
});

describe('expiry', () => {
  it('expires a record past its expiry at the next sweep (refund, RESOLVED), not before', async () => {
    const t = await start();
    const id = await createCharacter(t, { name: 'Waiter' });
    const changeId = ((await rename(t, id, 'Later', 5400000)).body as { data: { id: string } }).data.id;
    await t.app.idle();
    const changes = record(t.app, 'EVENT_TOPIC_CHARACTER_PENDING_CHANGE');
    const sagas = record(t.app, 'COMMAND_TOPIC_SAGA');

    // The sweep at exactly the expiry instant finds nothing: a record expires strictly after expiresAt.
    await advanceTo(t.app, t.clock, START + DEFAULT_EXPIRY_MS);
    expect(changes.values()).toEqual([]);
    await advanceTo(t.app, t.clock, START + DEFAULT_EXPIRY_MS + SWEEP_INTERVAL_MS);
    expect(changes.values()).toEqual([
      expect.objectContaining({
        type: 'PENDING_CHANGE_RESOLVED',
        body: expect.objectContaining({ pendingChangeId: changeId, status: 'EXPIRED', reason: 'expired' }),
      }),
    ]);
    expect(sagas.values().map((s) => (s.steps as Array<{ action: string }>)[0]!.action)).toEqual([
      'award_asset',
    ]);
    expect(changes.messages[0]!.headers.REGION?.toString()).toBe(TENANT.region);
    // The name is free again.
    expect((await call(t, 'GET', '/characters/name-validity?name=Later&worldId=0')).body).toMatchObject({
      valid: true,
    });
  }, 60_000);

  it('two replicas sweeping at the same instants expire a record once', async () => {
    const url = await createTestDatabase();
    const a = await start(url);
    const b = await start(url);
    const id = await createCharacter(a, { name: 'Twice' });
    await rename(a, id, 'Once');
    const seen = [
      record(a.app, 'EVENT_TOPIC_CHARACTER_PENDING_CHANGE'),
      record(b.app, 'EVENT_TOPIC_CHARACTER_PENDING_CHANGE'),
    ];
    const target = START + DEFAULT_EXPIRY_MS + SWEEP_INTERVAL_MS;
    await Promise.all([advanceTo(a.app, a.clock, target), advanceTo(b.app, b.clock, target)]);
    await a.app.idle();
    await b.app.idle();
    const resolved = seen.flatMap((r) => r.ofType('PENDING_CHANGE_RESOLVED'));
    expect(resolved).toHaveLength(1);
  }, 120_000);
});
