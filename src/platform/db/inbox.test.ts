import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/database.js';
import type { OutgoingMessage } from '../bus/messages.js';
import { createLogger } from '../logging.js';
import { Database } from './database.js';
import { AlreadyConsumed, Delivery, INBOX_MIGRATION, InboxPruner, recordDelivery } from './inbox.js';
import { OUTBOX_MIGRATION } from './outbox.js';
import { OutboxSender } from './outbox-sender.js';

const logger = createLogger('silent');
let db: Database;

beforeAll(async () => {
  db = new Database(await createTestDatabase(), logger);
  await db.migrate([OUTBOX_MIGRATION, INBOX_MIGRATION]);
});

afterAll(async () => {
  await db.close();
});

const count = async (table: string) =>
  Number((await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`)).rows[0]!.n);

const message = (n: number): OutgoingMessage => ({
  topic: 'EVENT_TOPIC_MAP_STATUS',
  key: Buffer.from([n]),
  value: Buffer.from(`{"n":${n}}`),
  headers: {},
});

describe('inbox', () => {
  it('refuses the same message twice, even from a fresh delivery of it', async () => {
    await db.transaction((client) => recordDelivery(client, new Delivery('g', 'once', 0, 7)));
    await expect(
      db.transaction((client) => recordDelivery(client, new Delivery('g', 'once', 0, 7))),
    ).rejects.toBeInstanceOf(AlreadyConsumed);
    // Another group, partition or offset is another message.
    await db.transaction((client) => recordDelivery(client, new Delivery('h', 'once', 0, 7)));
    await db.transaction((client) => recordDelivery(client, new Delivery('g', 'once', 1, 7)));
    await db.transaction((client) => recordDelivery(client, new Delivery('g', 'once', 0, 8)));
  });

  it('prunes only rows below the committed offset of their own partition', async () => {
    await db.transaction(async (client) => {
      for (let offset = 0; offset < 10; offset++) {
        await recordDelivery(client, new Delivery('g', 'pruned', 0, offset));
        await recordDelivery(client, new Delivery('g', 'pruned', 1, offset));
      }
    });
    const pruner = new InboxPruner(db, logger);
    pruner.committedOffset('g', 'pruned', 0, 4);
    pruner.committedOffset('g', 'pruned', 0, 6);
    pruner.committedOffset('g', 'pruned', 0, 5); // an older commit never lowers the mark
    await pruner.prune();
    const left = await db.query<{ partition: number; offset: number }>(
      `SELECT partition, "offset" FROM inbox WHERE topic = 'pruned' ORDER BY partition, "offset"`,
    );
    expect(left.rows.filter((r) => r.partition === 0).map((r) => r.offset)).toEqual([6, 7, 8, 9]);
    expect(left.rows.filter((r) => r.partition === 1)).toHaveLength(10);
  });
});

describe('outbox sender', () => {
  it('writes the sends of one turn in order, and a repeat of a consumed message writes nothing', async () => {
    const before = await count('outbox');
    let woken = 0;
    const sender = new OutboxSender(db, () => woken++);
    const first = new Delivery('Transport Service', 'sent', 0, 1);
    // One handling that sends twice in a turn (a logout's cancel and warp) records its message once.
    await Promise.all([
      sender.send([message(1)], first),
      sender.send([message(2)], first),
      sender.send([message(3)]),
    ]);
    expect(first.claimed).toBe(true);
    const rows = await db.query<{ value: Buffer }>('SELECT value FROM outbox ORDER BY id DESC LIMIT 3');
    expect(rows.rows.map((r) => r.value.toString()).reverse()).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
    // The same message again (a crash before the offset commit): refused, nothing written, the rest of the
    // batch unharmed.
    const again = sender.send([message(4)], new Delivery('Transport Service', 'sent', 0, 1));
    const other = sender.send([message(5)]);
    await expect(again).rejects.toBeInstanceOf(AlreadyConsumed);
    await other;
    expect(await count('outbox')).toBe(before + 4);
    expect(woken).toBe(2);
  });
});
