import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/database.js';
import { buildAtlasDatabase, HEAD_OUTBOX_MAPS, sql } from '../../../test/support/gorm.js';
import { TENANT } from '../../../test/support/tenant.js';
import type { DeliveredMessage } from '../bus/bus.js';
import { MemoryBus } from '../bus/memory-bus.js';
import { MessageFactory } from '../bus/messages.js';
import { createLogger } from '../logging.js';
import { resolveTopics } from '../topics.js';
import { Database } from './database.js';
import { OUTBOX_MIGRATION, OutboxRelay, outboxSources, writeOutbox } from './outbox.js';

const logger = createLogger('silent');
const TOPIC = 'EVENT_TOPIC_CHARACTER_STATUS';
const open: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

/** A HEAD-era Atlas database with this project's outbox beside it, and a relay over both. */
async function setUp() {
  const url = await createTestDatabase();
  await buildAtlasDatabase(url, 'head');
  const db = new Database(url, logger);
  open.push(db);
  await db.migrate([OUTBOX_MIGRATION]);
  const bus = new MemoryBus();
  const seen: DeliveredMessage[] = [];
  void bus.subscribe(TOPIC, 'observer', (m) => {
    seen.push(m);
  });
  const relay = new OutboxRelay(db, bus, logger, undefined, await outboxSources(db));
  const pass = async () => {
    relay.wake();
    await relay.settled();
    await bus.idle();
  };
  return { url, db, bus, seen, pass };
}

const mapsOf = (seen: DeliveredMessage[]) =>
  seen.map((m) => (JSON.parse(m.value.toString()) as { body: { mapId: number } }).body.mapId);

describe("HEAD's outbox (outbox_entries) on an adopted database", () => {
  it('publishes each unsent row once with its exact bytes, before newer rows of our own, then stamps sent_at', async () => {
    const { url, db, seen, pass } = await setUp();
    const ours = new MessageFactory(resolveTopics({})).create(TOPIC, 9, { type: 'OURS' }, { tenant: TENANT });
    await db.transaction((client) => writeOutbox(client, [ours]));

    await pass();
    await pass();

    expect(mapsOf(seen.slice(0, 2))).toEqual([...HEAD_OUTBOX_MAPS.unsent]);
    expect(seen).toHaveLength(3);
    expect(JSON.parse(seen[2]!.value.toString())).toEqual({ type: 'OURS' });
    const stored = await sql<{ message_key: Buffer; headers: Record<string, string> }>(
      url,
      'SELECT message_key, headers FROM outbox_entries WHERE id = 1',
    );
    expect(seen[0]!.key).toEqual(stored[0]!.message_key);
    expect(seen[0]!.headers.TENANT_ID?.toString()).toBe(TENANT.id);
    expect(seen[0]!.headers.MAJOR_VERSION).toEqual(Buffer.from([0, 83]));
    const rows = await sql<{ id: number; sent: boolean; attempts: number }>(
      url,
      'SELECT id, sent_at IS NOT NULL AS sent, attempts FROM outbox_entries ORDER BY id',
    );
    expect(rows).toEqual([
      { id: 1, sent: true, attempts: 0 },
      { id: 2, sent: true, attempts: 0 },
      { id: 3, sent: true, attempts: 0 },
    ]);
  });

  it("publishes nothing while a Go drainer holds HEAD's outbox lock, and drains once it lets go", async () => {
    const { url, seen, pass } = await setUp();
    const go = new pg.Client({ connectionString: url });
    await go.connect();
    open.push({ close: () => go.end() });
    // HEAD's drainer takes this session-level lock (libs/atlas-outbox lock.go) while it leads.
    await go.query('SELECT pg_advisory_lock($1)', [0x4f7574626f78]);

    await pass();
    expect(seen).toEqual([]);

    await go.query('SELECT pg_advisory_unlock($1)', [0x4f7574626f78]);
    await pass();
    expect(mapsOf(seen)).toEqual([...HEAD_OUTBOX_MAPS.unsent]);
  });
});
