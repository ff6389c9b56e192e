import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { start } from '../../src/app.js';
import type { DeliveredMessage } from '../../src/platform/bus/bus.js';
import { KafkaBus } from '../../src/platform/bus/kafka-bus.js';
import { createLogger } from '../../src/platform/logging.js';
import { integerKey } from '../../src/platform/wire/keys.js';
import { TENANT } from '../support/app.js';
import { createTestDatabase } from '../support/database.js';
import { type MockBroker, startMockBroker } from './support.js';

const tools = inject('kafkaTools');
let broker: MockBroker;

beforeAll(async () => {
  if (tools) broker = await startMockBroker();
});

afterAll(() => broker?.stop());

function waitFor<T>(items: T[], count: number, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = () => {
      if (items.length >= count) resolve();
      else if (Date.now() - started > timeoutMs)
        reject(new Error(`got ${items.length} of ${count} messages`));
      else setTimeout(poll, 20);
    };
    poll();
  });
}

describe.skipIf(!tools)('KafkaBus against a Kafka protocol peer', () => {
  it('carries key, value and header bytes unchanged, in order per key', async () => {
    const bus = new KafkaBus({
      brokers: [broker.bootstrap],
      logger: createLogger('silent'),
      retryDelaysMs: [0],
    });
    await bus.connect();
    const received: DeliveredMessage[] = [];
    const subscription = await bus.subscribe('bytes-topic', 'bytes-group', (m) => {
      received.push(m);
    });
    const headers = { TENANT_ID: Buffer.from(TENANT.id, 'ascii'), MAJOR_VERSION: Buffer.from([0x00, 0x53]) };
    for (let i = 0; i < 20; i++) {
      await bus.publish('bytes-topic', [{ key: integerKey(7), value: Buffer.from(`{"n":${i}}`), headers }]);
    }
    await waitFor(received, 20);
    expect(received.map((m) => JSON.parse(m.value.toString()).n)).toEqual([...Array(20).keys()]);
    expect(received[0]!.key.toString('hex')).toBe('0700000000000000');
    expect(received[0]!.headers.MAJOR_VERSION!.toString('hex')).toBe('0053');
    expect(received[0]!.headers.TENANT_ID!.toString('ascii')).toBe(TENANT.id);
    await subscription.close();
    await bus.close();
  });

  it('retries a failing handler and dead-letters a message that keeps failing, then goes on', async () => {
    const bus = new KafkaBus({
      brokers: [broker.bootstrap],
      logger: createLogger('silent'),
      retryDelaysMs: [0, 0],
    });
    await bus.connect();
    const handled: string[] = [];
    let attempts = 0;
    let cured = false;
    await bus.subscribe('failing-topic', 'failing-group', (m) => {
      const text = m.value.toString();
      if (text === 'poison' && !cured) throw new Error('cannot handle poison');
      if (text === 'flaky' && ++attempts < 2) throw new Error('first attempt fails');
      handled.push(text);
    });
    await bus.publish('failing-topic', [
      { key: integerKey(1), value: Buffer.from('poison'), headers: {} },
      { key: integerKey(1), value: Buffer.from('flaky'), headers: {} },
      { key: integerKey(1), value: Buffer.from('fine'), headers: {} },
    ]);
    await waitFor(handled, 2);
    expect(handled).toEqual(['flaky', 'fine']);
    expect(bus.deadLetters()).toHaveLength(1);
    expect(bus.deadLetters()[0]).toMatchObject({ topic: 'failing-topic', value: 'poison', attempts: 3 });
    // The operator retries it once the cause is fixed: handled by the group's handler, and no longer a letter.
    cured = true;
    expect(await bus.retryDeadLetter(bus.deadLetters()[0]!.id)).toBe(true);
    expect(handled).toEqual(['flaky', 'fine', 'poison']);
    expect(bus.deadLetters()).toEqual([]);
    await bus.close();
  });

  it('runs the application on Kafka when BOOTSTRAP_SERVERS is set', async () => {
    const app = await start({
      port: 0,
      host: '127.0.0.1',
      logLevel: 'silent',
      services: ['presence'],
      databaseUrl: await createTestDatabase(),
      env: { BOOTSTRAP_SERVERS: broker.bootstrap },
    });
    const entered: unknown[] = [];
    const stop = app.bus.subscribe('EVENT_TOPIC_MAP_STATUS', (m) => {
      entered.push(m.value);
    });
    await stop.ready;
    await app.bus.publish(
      'EVENT_TOPIC_CHARACTER_STATUS',
      {
        transactionId: '00000000-0000-0000-0000-000000000000',
        worldId: 0,
        characterId: 9,
        type: 'LOGIN',
        body: { channelId: 1, mapId: 100000000, instance: '00000000-0000-0000-0000-000000000000' },
      },
      { key: 9, tenant: TENANT },
    );
    await waitFor(entered, 1);
    expect(entered[0]).toMatchObject({ type: 'CHARACTER_ENTER', mapId: 100000000, body: { characterId: 9 } });
    await stop();
    await app.close();
  });
});
