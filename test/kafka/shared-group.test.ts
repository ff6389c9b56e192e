import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../support/database.js';
import { TENANT } from '../support/tenant.js';
import {
  type AppProcess,
  eventually,
  goKey,
  goTenantHeaders,
  type MockBroker,
  produceGo,
  startApp,
  startMockBroker,
} from './support.js';

const TOPICS = [
  'COMMAND_TOPIC_CHARACTER',
  'COMMAND_TOPIC_CHARACTER_MOVEMENT',
  'EVENT_TOPIC_CHARACTER_STATUS',
  'EVENT_TOPIC_SESSION_STATUS',
  'EVENT_TOPIC_CHANNEL_STATUS',
  'EVENT_TOPIC_DROP_STATUS',
  'EVENT_TOPIC_ACCOUNT_STATUS',
];
const SHARED = 'EVENT_TOPIC_ACCOUNT_STATUS';

interface Held {
  topic: string;
  partition: number;
  lag: number | null;
}

/**
 * A Go service replica reads one topic per reader in the same group, offering kafka-go's protocol names. A
 * librdkafka member (kcat) subscribed to one topic under "roundrobin" plays it here: every partition of every
 * topic must have exactly one reader, whichever member leads the group.
 */
describe.skipIf(!inject('kafkaTools'))('a consumer group shared with a member reading one topic', () => {
  let broker: MockBroker;
  let app: AppProcess | undefined;
  let other: ChildProcess | undefined;

  afterAll(async () => {
    other?.kill('SIGKILL');
    await app?.kill9();
    broker?.stop();
  });

  it('deals that topic between the two and every other topic to atlas-ts', async () => {
    broker = await startMockBroker();
    app = await startApp({
      BOOTSTRAP_SERVERS: broker.bootstrap,
      DATABASE_URL: await createTestDatabase(),
      SERVICES: 'character',
    });
    let otherOutput = '';
    other = spawn(
      'kcat',
      [
        '-u',
        '-b',
        broker.bootstrap,
        '-G',
        'Character Service',
        '-X',
        'partition.assignment.strategy=roundrobin',
        '-X',
        'auto.offset.reset=earliest',
        '-f',
        'consumed %p\n',
        SHARED,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    other.stdout?.on('data', (chunk: Buffer) => {
      otherOutput += chunk.toString();
    });
    other.stderr?.on('data', (chunk: Buffer) => {
      otherOutput += chunk.toString();
    });

    const held = async (): Promise<Held[] | undefined> => {
      const document = (await (await fetch(`${app!.url}/api/debug/consumers`)).json()) as {
        data: { attributes: { live: boolean; partitions: Held[] } }[];
      };
      const status = document.data[0]?.attributes;
      return status?.live ? status.partitions : undefined;
    };
    // After the rebalance that lets the other member in, atlas-ts holds part of the shared topic.
    const partitions = await eventually(
      'the group rebalanced with the other member',
      async () => {
        const now = await held();
        const shared = now?.filter((p) => p.topic === SHARED) ?? [];
        return shared.length > 0 && shared.length < 4 ? now : undefined;
      },
      60_000,
    );
    for (const topic of TOPICS.filter((t) => t !== SHARED)) {
      expect(
        partitions
          .filter((p) => p.topic === topic)
          .map((p) => p.partition)
          .sort(),
      ).toEqual([0, 1, 2, 3]);
    }
    const ours = partitions.filter((p) => p.topic === SHARED).map((p) => p.partition);

    // One account deletion per partition of the shared topic: each read by exactly one of the two members.
    produceGo(
      broker.bootstrap,
      [0, 1, 2, 3].map((partition) => ({
        topic: SHARED,
        partition,
        key: goKey(7_000 + partition),
        headers: goTenantHeaders(TENANT.id),
        value: JSON.stringify({ account_id: 7_000 + partition, name: 'x', status: 'DELETED' }),
      })),
    );
    const theirs = await eventually(
      'the other member consuming its partitions',
      () => {
        const consumed = [...otherOutput.matchAll(/consumed (\d+)/g)].map((m) => Number(m[1]));
        return consumed.length >= 4 - ours.length ? consumed : undefined;
      },
      30_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; the other member said: ${otherOutput.slice(-1500)}`);
    });
    expect([...ours, ...theirs].sort()).toEqual([0, 1, 2, 3]);
    await eventually('atlas-ts consumed its share', async () => {
      const now = await held();
      return now?.filter((p) => p.topic === SHARED).every((p) => p.lag === 0) ? true : undefined;
    });
  });
});
