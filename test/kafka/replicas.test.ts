import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BEGINNER } from '../../src/character/testing/support.js';
import { tenantHeaders } from '../support/app.js';
import { createTestDatabase } from '../support/database.js';
import { TENANT } from '../support/tenant.js';
import {
  type AppProcess,
  eventually,
  goKey,
  goTenantHeaders,
  type MockBroker,
  produceGo,
  readTopic,
  startApp,
  startMockBroker,
} from './support.js';

const HEADERS = { 'content-type': 'application/json', ...tenantHeaders() };

/**
 * Two atlas-ts processes in one consumer group on one PostgreSQL (decisions E5): a character's session is
 * put in transition by whichever holds its partition, that process is killed with -9 before the logout is
 * due, and the survivor logs the character out: one LOGOUT, one closed history row.
 */
describe.skipIf(!inject('kafkaTools'))('replicas on Kafka share sessions', () => {
  let broker: MockBroker;
  let databaseUrl: string;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    broker = await startMockBroker();
    databaseUrl = await createTestDatabase();
  });

  afterAll(async () => {
    for (const app of apps) await app.kill9().catch(() => undefined);
    broker?.stop();
  });

  async function query(text: string, values: unknown[] = []) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query(text, values)).rows;
    } finally {
      await client.end();
    }
  }

  const session = (characterId: number, type: 'CREATED' | 'DESTROYED') => ({
    topic: 'EVENT_TOPIC_SESSION_STATUS',
    key: goKey(characterId),
    headers: goTenantHeaders(TENANT.id),
    value: JSON.stringify({
      sessionId: '6f1c1d2e-0000-4000-8000-000000000001',
      accountId: 1000,
      characterId,
      worldId: 0,
      channelId: 1,
      issuer: 'CHANNEL',
      type,
    }),
  });

  it('a logout armed by a process killed with -9 is sent once, by the survivor', async () => {
    const env = { BOOTSTRAP_SERVERS: broker.bootstrap, DATABASE_URL: databaseUrl, SERVICES: 'character' };
    apps.push(await startApp(env), await startApp(env));
    const created = await fetch(`${apps[0]!.url}/api/characters`, {
      method: 'POST',
      headers: HEADERS,
      body: JSON.stringify({ data: { type: 'characters', attributes: { ...BEGINNER, name: 'Survived' } } }),
    });
    expect(created.status).toBe(201);
    const id = Number(((await created.json()) as { data: { id: string } }).data.id);

    produceGo(broker.bootstrap, [session(id, 'CREATED')]);
    await eventually('the login', async () => {
      const rows = await query(
        "SELECT 1 FROM character_sessions WHERE character_id = $1 AND state = 'LOGGED_IN'",
        [id],
      );
      return rows.length > 0 ? true : undefined;
    });
    produceGo(broker.bootstrap, [session(id, 'DESTROYED')]);
    const armedBy = await eventually('the transition', async () => {
      const rows = await query(
        "SELECT replica FROM character_sessions WHERE character_id = $1 AND state = 'TRANSITION'",
        [id],
      );
      return rows[0]?.replica as string | undefined;
    });
    // The process whose rows carry that replica id is the one that armed the logout: kill it.
    const armer = apps.find((app) => app.output().includes(armedBy));
    expect(armer).toBeDefined();
    await armer!.kill9();
    const survivor = apps.find((app) => app !== armer)!;

    const closed = await eventually(
      'the logout',
      async () => {
        const rows = await query(
          'SELECT logout_time FROM session_history WHERE character_id = $1 AND logout_time IS NOT NULL',
          [id],
        );
        return rows.length > 0 ? rows : undefined;
      },
      30_000,
    );
    expect(closed).toHaveLength(1);
    const isLogout = (value: Buffer) => {
      const event = JSON.parse(value.toString('utf8')) as { characterId: number; type: string };
      return event.characterId === id && event.type === 'LOGOUT';
    };
    const events = await readTopic(broker.bootstrap, 'EVENT_TOPIC_CHARACTER_STATUS', (read) =>
      read.some((m) => isLogout(m.value)),
    );
    expect(events.filter((m) => isLogout(m.value))).toHaveLength(1);
    // The survivor holds nothing of it any more: no state row, and it is still serving.
    expect(await query('SELECT * FROM character_sessions WHERE character_id = $1', [id])).toEqual([]);
    // A rebalance after the kill may hold readiness at 503 for a moment: the survivor must come back to ready.
    await eventually(
      'the survivor ready',
      async () => ((await fetch(`${survivor.url}/readyz`)).ok ? true : undefined),
      20_000,
    );
  }, 120_000);
});
