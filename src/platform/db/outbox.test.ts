import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/database.js';
import { deferred } from '../../../test/support/deferred.js';
import { TENANT } from '../../../test/support/tenant.js';
import type { Bus, BusMessage, DeliveredMessage } from '../bus/bus.js';
import { MemoryBus } from '../bus/memory-bus.js';
import { MessageFactory, type OutgoingMessage } from '../bus/messages.js';
import { createLogger } from '../logging.js';
import { resolveTopics } from '../topics.js';
import { Database } from './database.js';
import { OUTBOX_MIGRATION, OutboxRelay, writeOutbox } from './outbox.js';

const logger = createLogger('silent');
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const factory = new MessageFactory(resolveTopics({ EVENT_TOPIC_CHARACTER_STATUS: 'status-events' }));

function statusEvent(characterId: number, type: string): OutgoingMessage {
  return factory.create(
    'EVENT_TOPIC_CHARACTER_STATUS',
    characterId,
    {
      transactionId: '00000000-0000-0000-0000-000000000000',
      worldId: 0,
      characterId,
      type,
      body: { note: '<&>' },
    },
    { tenant: TENANT, cause: { traceparent: Buffer.from(TRACEPARENT) } },
  );
}

function recorder(bus: Bus, topic: string) {
  const seen: DeliveredMessage[] = [];
  void bus.subscribe(topic, 'observer', (m) => {
    seen.push(m);
  });
  return seen;
}

/** A bus whose first publish hangs until `gate` opens, so that a relay is provably mid-pass. */
function heldBus(inner: MemoryBus) {
  const gate = deferred();
  const publishing = deferred();
  let calls = 0;
  const bus: Bus = Object.assign(Object.create(inner) as MemoryBus, {
    publish: async (topic: string, messages: readonly BusMessage[]) => {
      if (calls++ === 0) {
        publishing.resolve();
        await gate.promise;
      }
      await inner.publish(topic, messages);
    },
  });
  return { bus, gate, publishing };
}

describe('outbox', () => {
  let url: string;
  let db: Database;

  beforeAll(async () => {
    url = await createTestDatabase();
    db = new Database(url, logger);
    expect(await db.migrate([OUTBOX_MIGRATION])).toEqual(['platform/001-outbox']);
  });

  beforeEach(async () => {
    await db.query('DELETE FROM outbox');
  });

  afterAll(async () => {
    await db.close();
  });

  const rowCount = async () =>
    (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox')).rows[0]!.n;

  it('never sends rows written in a transaction that rolled back', async () => {
    const bus = new MemoryBus();
    const seen = recorder(bus, 'status-events');
    await expect(
      db.transaction(async (client) => {
        await writeOutbox(client, [statusEvent(1, 'LOGIN')]);
        throw new Error('operation failed');
      }),
    ).rejects.toThrow('operation failed');

    const relay = new OutboxRelay(db, bus, logger);
    relay.wake();
    await relay.settled();
    await bus.idle();
    expect(seen).toEqual([]);
    expect(await rowCount()).toBe(0);
  });

  it('relays committed rows in order with the exact bytes, then deletes them', async () => {
    const bus = new MemoryBus();
    const seen = recorder(bus, 'status-events');
    const others = recorder(bus, 'other-topic');
    const binary: OutgoingMessage = {
      topic: 'other-topic',
      key: Buffer.alloc(0),
      value: Buffer.from([0xff, 0x00, 0xfe]),
      headers: { RAW: Buffer.from([0x00, 0xff, 0x80]) },
    };
    const first = [statusEvent(1, 'LOGIN'), statusEvent(12345, 'MAP_CHANGED'), binary];
    const second = [statusEvent(1, 'LOGOUT')];
    await db.transaction((client) => writeOutbox(client, first));
    await db.transaction((client) => writeOutbox(client, second));
    expect(await rowCount()).toBe(4);

    const relay = new OutboxRelay(db, bus, logger);
    relay.wake();
    await relay.settled();
    await bus.idle();

    const expected = [first[0]!, first[1]!, second[0]!];
    expect(seen.map((m) => JSON.parse(m.value.toString()).type)).toEqual(['LOGIN', 'MAP_CHANGED', 'LOGOUT']);
    seen.forEach((m, i) => {
      const sent = expected[i]!;
      expect(m.key.equals(sent.key)).toBe(true);
      expect(m.value.equals(sent.value)).toBe(true);
      expect(Object.keys(m.headers).sort()).toEqual(Object.keys(sent.headers).sort());
      for (const [name, value] of Object.entries(sent.headers))
        expect(m.headers[name]!.equals(value)).toBe(true);
    });
    expect(seen[1]!.key.toString('hex')).toBe('3930000000000000');
    expect(seen[0]!.value.toString()).toBe(
      '{"transactionId":"00000000-0000-0000-0000-000000000000","worldId":0,"characterId":1,"type":"LOGIN","body":{"note":"\\u003c\\u0026\\u003e"}}',
    );
    expect(seen[0]!.headers.MAJOR_VERSION!.toString('hex')).toBe('0053');
    // The trace of the cause, continued by a span of the message's own (the bytes compared above are the row's).
    expect(seen[0]!.headers.traceparent!.toString().split('-')[1]).toBe(TRACEPARENT.split('-')[1]);

    expect(others).toHaveLength(1);
    expect(others[0]!.key.length).toBe(0);
    expect(others[0]!.value.equals(binary.value)).toBe(true);
    expect(others[0]!.headers.RAW!.equals(binary.headers.RAW!)).toBe(true);
    expect(await rowCount()).toBe(0);
  });

  it('a relay started by a later process picks up rows an earlier one left', async () => {
    // The earlier process committed and died before relaying.
    const earlier = new Database(url, logger);
    await earlier.transaction((client) =>
      writeOutbox(client, [statusEvent(7, 'LOGIN'), statusEvent(8, 'LOGIN')]),
    );
    await earlier.close();

    const later = new Database(url, logger);
    const bus = new MemoryBus();
    const seen = recorder(bus, 'status-events');
    const relay = new OutboxRelay(later, bus, logger);
    try {
      relay.start(60_000);
      await relay.settled();
      await bus.idle();
      expect(seen.map((m) => JSON.parse(m.value.toString()).characterId)).toEqual([7, 8]);
      expect(await rowCount()).toBe(0);
    } finally {
      await relay.stop();
      await later.close();
    }
  });

  it('a wake during a pass runs one more pass', async () => {
    const inner = new MemoryBus();
    const seen = recorder(inner, 'status-events');
    const { bus, gate, publishing } = heldBus(inner);
    const relay = new OutboxRelay(db, bus, logger);
    await db.transaction((client) => writeOutbox(client, [statusEvent(1, 'FIRST')]));
    relay.wake();
    await publishing.promise;
    expect(relay.idle()).toBe(false);

    await db.transaction((client) => writeOutbox(client, [statusEvent(1, 'SECOND')]));
    relay.wake();
    gate.resolve();
    await relay.settled();
    expect(relay.idle()).toBe(true);
    await inner.idle();
    expect(seen.map((m) => JSON.parse(m.value.toString()).type)).toEqual(['FIRST', 'SECOND']);
    expect(await rowCount()).toBe(0);
  });

  it('relays with one replica at a time, so a key keeps its order across replicas', async () => {
    const inner = new MemoryBus();
    const seen = recorder(inner, 'status-events');
    const { bus: held, gate, publishing } = heldBus(inner);
    await db.transaction((client) => writeOutbox(client, [statusEvent(1, 'FIRST')]));
    await db.transaction((client) => writeOutbox(client, [statusEvent(1, 'SECOND')]));
    const first = new OutboxRelay(db, held, logger, 1);
    const other = new Database(url, logger);
    const second = new OutboxRelay(other, inner, logger, 1);
    try {
      first.wake();
      await publishing.promise;
      // The first replica is publishing FIRST: the second must not overtake it with SECOND.
      second.wake();
      await second.settled();
      await inner.idle();
      expect(seen).toEqual([]);

      gate.resolve();
      await first.settled();
      await inner.idle();
      expect(seen.map((m) => JSON.parse(m.value.toString()).type)).toEqual(['FIRST', 'SECOND']);
      expect(await rowCount()).toBe(0);
    } finally {
      gate.resolve();
      await first.settled();
      await other.close();
    }
  });

  it('keeps rows when publishing fails, and relays them on the next sweep (commits do not hammer a dead bus)', async () => {
    const inner = new MemoryBus();
    const seen = recorder(inner, 'status-events');
    let fail = true;
    const bus: Bus = Object.assign(Object.create(inner) as MemoryBus, {
      publish: async (topic: string, messages: readonly BusMessage[]) => {
        if (fail) throw new Error('bus unavailable');
        await inner.publish(topic, messages);
      },
    });
    await db.transaction((client) => writeOutbox(client, [statusEvent(3, 'LOGIN')]));
    const relay = new OutboxRelay(db, bus, logger);
    relay.start(200);
    await relay.settled();
    expect(await rowCount()).toBe(1);

    fail = false;
    // A commit's wake right after the failure waits for the sweep...
    relay.wake();
    expect(relay.idle()).toBe(true);
    expect(await rowCount()).toBe(1);
    // ...which relays the rows.
    const began = Date.now();
    while ((await rowCount()) > 0 && Date.now() - began < 5_000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      await relay.settled();
    }
    await inner.idle();
    expect(seen).toHaveLength(1);
    expect(await rowCount()).toBe(0);
    await relay.stop();
  });

  it('relays in batches until the table is empty', async () => {
    const bus = new MemoryBus();
    const seen = recorder(bus, 'status-events');
    await db.transaction((client) =>
      writeOutbox(
        client,
        Array.from({ length: 7 }, (_, i) => statusEvent(i, 'LOGIN')),
      ),
    );
    const relay = new OutboxRelay(db, bus, logger, 3);
    relay.wake();
    await relay.settled();
    await bus.idle();
    expect(seen.map((m) => JSON.parse(m.value.toString()).characterId)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(await rowCount()).toBe(0);
  });

  it('stop relays what was committed last, then ignores wakes', async () => {
    const bus = new MemoryBus();
    const seen = recorder(bus, 'status-events');
    const relay = new OutboxRelay(db, bus, logger);
    relay.start(60_000);
    await relay.settled();
    await db.transaction((client) => writeOutbox(client, [statusEvent(9, 'LOGOUT')]));
    await relay.stop();
    await bus.idle();
    expect(seen).toHaveLength(1);

    await db.transaction((client) => writeOutbox(client, [statusEvent(9, 'LOGIN')]));
    relay.wake();
    expect(relay.idle()).toBe(true);
    expect(await rowCount()).toBe(1);
  });

  it('writes nothing for an empty list', async () => {
    await db.transaction((client) => writeOutbox(client, []));
    expect(await rowCount()).toBe(0);
  });
});
