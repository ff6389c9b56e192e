// The baseline of bench:movement, in a process of its own: a bare kafkajs consumer with the service's client
// and fetch settings (kafka-bus.ts, GROUP_TIMING) reads TOPIC from its start and does nothing with a message
// but count it. Sends its rate (messages per second, first batch to the COUNT-th message) to the parent.
import { Kafka, logLevel } from 'kafkajs';
import { GROUP_TIMING } from '../src/platform/bus/kafka-group.js';

const count = Number(process.env.COUNT);
const kafka = new Kafka({
  clientId: 'bench-bare',
  brokers: [process.env.BOOTSTRAP!],
  logLevel: logLevel.NOTHING,
  connectionTimeout: 3_000,
});
const consumer = kafka.consumer({ groupId: `bench-bare-${process.env.TOPIC}`, ...GROUP_TIMING });
await consumer.connect();
await consumer.subscribe({ topics: [process.env.TOPIC!], fromBeginning: true });
let seen = 0;
// Counted from the end of the first batch handed over, as the service's rate is from its first poll that saw any.
let first: { at: number; seen: number } | undefined;
const done = new Promise<number>((resolve) => {
  void consumer.run({
    partitionsConsumedConcurrently: 8,
    eachBatchAutoResolve: true,
    autoCommitInterval: 1_000,
    eachBatch: async ({ batch }) => {
      seen += batch.messages.length;
      first ??= { at: performance.now(), seen };
      if (seen >= count) resolve(((seen - first.seen) * 1000) / (performance.now() - first.at));
    },
  });
});
const rate = await done;
await consumer.disconnect();
process.send!(rate);
process.disconnect();
