import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest';
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
  sleep,
  spawnApp,
  startApp,
  startMockBroker,
} from './support.js';

const HEADERS = { 'content-type': 'application/json', ...tenantHeaders() };

async function mesoOf(app: AppProcess, id: number): Promise<number> {
  const response = await fetch(`${app.url}/api/characters/${id}`, { headers: HEADERS });
  const document = (await response.json()) as { data: { attributes: { meso: number } } };
  return document.data.attributes.meso;
}

describe.skipIf(!inject('kafkaTools'))(
  'kill -9 while commands are consumed (the app as a process on Kafka)',
  () => {
    let broker: MockBroker;
    let env: Record<string, string>;
    let app: AppProcess | undefined;

    beforeAll(async () => {
      broker = await startMockBroker();
      env = {
        BOOTSTRAP_SERVERS: broker.bootstrap,
        DATABASE_URL: await createTestDatabase(),
        SERVICES: 'character',
      };
    });

    afterAll(async () => {
      await app?.kill9();
      broker?.stop();
    });

    it('applies each of N commands exactly once and emits N distinct events, across three crashes', async () => {
      app = await startApp(env);
      const created = await fetch(`${app.url}/api/characters`, {
        method: 'POST',
        headers: HEADERS,
        body: JSON.stringify({ data: { type: 'characters', attributes: { ...BEGINNER, name: 'Crashy' } } }),
      });
      expect(created.status).toBe(201);
      const id = Number(((await created.json()) as { data: { id: string } }).data.id);

      // A Go producer (LeastBytes: keys do not pick partitions) spreads one character's commands over every
      // partition; each command has its own transaction id.
      const N = 2_000;
      const ids = Array.from({ length: N }, () => randomUUID());
      produceGo(
        broker.bootstrap,
        ids.map((transactionId, i) => ({
          topic: 'COMMAND_TOPIC_CHARACTER',
          partition: i % 4,
          key: goKey(id),
          headers: goTenantHeaders(TENANT.id),
          value: JSON.stringify({
            transactionId,
            worldId: 0,
            characterId: id,
            type: 'REQUEST_CHANGE_MESO',
            body: { actorId: 0, actorType: 'SYSTEM', amount: 1 },
          }),
        })),
      );

      const restarts: number[] = [];
      for (const killAt of [150, 700, 1_300]) {
        await eventually(
          `meso ${killAt}`,
          async () => ((await mesoOf(app!, id)) >= killAt ? true : undefined),
          60_000,
        ).catch(async (error: Error) => {
          // A stall says where the app stood: its meso and what it logged about the group and its partitions.
          const meso = await mesoOf(app!, id).catch(() => Number.NaN);
          const metrics = await (await fetch(`${app!.url}/api/metrics`)).text().catch(() => '');
          const client = new pg.Client({ connectionString: env.DATABASE_URL });
          await client.connect();
          const activity = await client.query(
            'SELECT pid, state, wait_event_type, wait_event, left(query, 120) AS query FROM pg_stat_activity WHERE datname = current_database()',
          );
          await client.end();
          console.warn(
            `meso ${meso} after restarts ${restarts.join(', ')} ms\n${app!.output().slice(-20_000)}\n${metrics
              .split('\n')
              .filter((l) => !l.startsWith('#') && /bus|kafka|group|flight|pool|lag/i.test(l))
              .join('\n')}\n${JSON.stringify(activity.rows, null, 1)}`,
          );
          throw error;
        });
        await app.kill9();
        const before = Date.now();
        app = await startApp(env);
        const resumedFrom = await mesoOf(app, id);
        // Consuming again after a kill -9 (see the bounds below).
        await eventually('consumption after restart', async () =>
          resumedFrom < N && (await mesoOf(app!, id)) > resumedFrom ? true : undefined,
        );
        restarts.push(Date.now() - before);
      }
      await eventually(
        'every command',
        async () => ((await mesoOf(app!, id)) >= N ? true : undefined),
        90_000,
      );
      expect(await mesoOf(app, id)).toBe(N);
      // About 10 s on a quiet machine: a group waits out its dead member's session (6 s, the broker's
      // minimum) before the restarted process is given partitions, and the process must start first. Three
      // restarts on a shared, loaded machine vary: 6.4-16.5 s in the runs of 2026-12-01, 9.9, 17.2 and 17.6 s
      // in one of 2026-12-02. The middle one is held under 20 s (a consumer that does not come back, or waits
      // out a longer timeout, fails it) and none may take much longer.
      const sorted = [...restarts].sort((a, b) => a - b);
      console.log(`restarts after kill -9: ${restarts.join(', ')} ms`);
      expect(sorted[1]).toBeLessThan(20_000);
      // The slowest of three on a loaded CI machine: 26.4 s was seen once (2026-12-01) beside 10 s typical.
      expect(sorted[2]).toBeLessThan(35_000);

      // Every command's event, each transaction id once; a message relayed twice after a crash (the outbox
      // publishes, then dies before deleting) is allowed only as the very same bytes.
      const events = await readTopic(
        broker.bootstrap,
        'EVENT_TOPIC_CHARACTER_STATUS',
        (read) => {
          const seen = new Set(
            read
              .map((m) => JSON.parse(m.value.toString()) as { type: string; transactionId: string })
              .filter((e) => e.type === 'MESO_CHANGED')
              .map((e) => e.transactionId),
          );
          return seen.size >= N;
        },
        60_000,
      );
      const byTransaction = new Map<string, Set<string>>();
      for (const m of events) {
        const event = JSON.parse(m.value.toString()) as { type: string; transactionId: string };
        if (event.type !== 'MESO_CHANGED') continue;
        const copies = byTransaction.get(event.transactionId) ?? new Set<string>();
        copies.add(m.value.toString('hex'));
        byTransaction.set(event.transactionId, copies);
      }
      expect(new Set(byTransaction.keys())).toEqual(new Set(ids));
      for (const copies of byTransaction.values()) expect(copies.size).toBe(1);

      // A stop after ready is prompt and clean.
      const stopped = await app.stop();
      app = undefined;
      expect(stopped.code).toBe(0);
      expect(stopped.ms).toBeLessThan(5_000);
    });

    it('exits 0 within 5 s on a SIGTERM in the middle of start-up', async () => {
      // A broker and a database of its own, whatever the test before left behind; start-up migrates the new
      // database (the log line this test waits for).
      const own = await startMockBroker();
      const child = spawnApp({
        BOOTSTRAP_SERVERS: own.bootstrap,
        DATABASE_URL: await createTestDatabase(),
        SERVICES: 'character',
      });
      onTestFinished(() => {
        child.kill('SIGKILL');
        own.stop();
      });
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      // Connected to the broker, joining its group: the longest wait of a start on Kafka.
      await eventually('start-up under way', () => (output.includes('database migrated') ? true : undefined));
      await sleep(200);
      const began = Date.now();
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(0);
      expect(Date.now() - began).toBeLessThan(5_000);
      expect(output).not.toContain('atlas-ts listening');
    });
  },
);
