// npm run bench:movement: movement commands consumed from Kafka by the service in its own process, as deployed
// (issue 13, item 7: measure the service, not the load generator). librdkafka's producer writes the Go
// services' bytes into librdkafka's mock cluster first; then `node dist/main.js` (character service) reads them
// from the start of a topic of their own, and the rate is taken from its first handled message to its last, read
// off its /api/metrics. The baseline, in the same run and on the same bytes, is a bare kafkajs consumer in a
// process of its own with the service's fetch settings whose handler does nothing: what the Kafka client costs.
// Rounds alternate; medians are reported. Needs kcat, gcc and librdkafka-dev, as the Kafka tests do.
import { fork } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { startEmbeddedPostgres } from '../src/platform/db/embedded.js';
import { createLogger } from '../src/platform/logging.js';
import { goKey, goTenantHeaders, produceGo, startApp, startMockBroker } from '../test/kafka/support.js';
import { BENCH_HEADERS, kafkaToolsPresent, median, movement } from './support.js';

// The mock cluster keeps about 5 MB per partition (some 19,000 of these messages) and drops older ones:
// 70,000 over its four partitions all stay (checked before each round is read).
const MOVEMENTS = Number(process.env.BENCH_MOVEMENTS ?? 70_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const KEYS = 1_000;
const PARTITIONS = 4;
const here = path.dirname(fileURLToPath(import.meta.url));

const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(9);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `MOVEMENTS` movement commands as atlas-channel writes them, over KEYS characters and every partition. */
function produce(bootstrap: string, topic: string): void {
  const headers = goTenantHeaders(BENCH_HEADERS.TENANT_ID);
  const chunk = 100_000;
  for (let from = 0; from < MOVEMENTS; from += chunk) {
    produceGo(
      bootstrap,
      Array.from({ length: Math.min(chunk, MOVEMENTS - from) }, (_, n) => {
        const i = from + n;
        const objectId = 1 + (i % KEYS);
        return {
          topic,
          partition: objectId % PARTITIONS,
          key: goKey(objectId),
          headers,
          value: JSON.stringify(movement(i, objectId)),
        };
      }),
    );
  }
}

/** Fails unless every message produced is still in the topic (the mock's retention drops the oldest). */
async function assertRetained(bootstrap: string, topic: string): Promise<void> {
  const admin = new Kafka({
    clientId: 'bench-admin',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const total = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    if (total !== MOVEMENTS)
      throw new Error(`the mock cluster holds ${total} of ${MOVEMENTS} messages: lower BENCH_MOVEMENTS`);
  } finally {
    await admin.disconnect();
  }
}

/** The service: messages per second from its first handled movement to its last, polled off /api/metrics. */
async function service(bootstrap: string, databaseUrl: string, topic: string): Promise<number> {
  const app = await startApp({
    BOOTSTRAP_SERVERS: bootstrap,
    DATABASE_URL: databaseUrl,
    SERVICES: 'character',
    COMMAND_TOPIC_CHARACTER_MOVEMENT: topic,
  });
  const pattern = new RegExp(
    `^bus_messages_handled_total\\{topic="${topic}",group="Character Service"\\} (\\d+)`,
    'm',
  );
  const handled = async () =>
    Number(pattern.exec(await (await fetch(`${app.url}/api/metrics`)).text())?.[1] ?? 0);
  try {
    let first: { at: number; count: number } | undefined;
    for (;;) {
      const count = await handled();
      const at = performance.now();
      if (count > 0) first ??= { at, count };
      if (count >= MOVEMENTS)
        return first!.count === count ? Number.NaN : ((count - first!.count) * 1000) / (at - first!.at);
      await sleep(5);
    }
  } finally {
    await app.stop();
  }
}

/** The baseline: a bare kafkajs consumer in its own process (kafka-movement-consumer.ts). */
function bare(bootstrap: string, topic: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(here, 'kafka-movement-consumer.ts'), [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, BOOTSTRAP: bootstrap, TOPIC: topic, COUNT: String(MOVEMENTS) },
    });
    child.once('message', (rate) => resolve(rate as number));
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`bare consumer exited with ${code}`));
    });
  });
}

async function main(): Promise<void> {
  if (!kafkaToolsPresent('movement')) return;
  // Not mkdtemp: its 0700 directory is closed to the `postgres` user initdb runs as when we are root.
  const dataDir = path.join(os.tmpdir(), `atlas-ts-bench-movement-${process.pid}-${Date.now()}`);
  const server = await startEmbeddedPostgres({ dataDir, port: 0, logger: createLogger('warn'), fast: true });
  const broker = await startMockBroker();
  try {
    const figures: number[] = [];
    const baselines: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // A topic per round, written before anyone reads it: the reader's rate, not the producer's.
      const topic = `bench-movement-${round}`;
      produce(broker.bootstrap, topic);
      await assertRetained(broker.bootstrap, topic);
      if (process.env.BENCH_VERBOSE) console.log(`round ${round}: produced`);
      baselines.push(await bare(broker.bootstrap, topic));
      if (process.env.BENCH_VERBOSE) console.log(`round ${round}: baseline ${baselines.at(-1)}`);
      figures.push(await service(broker.bootstrap, server.url(), topic));
      if (process.env.BENCH_VERBOSE) console.log(`round ${round}: service ${figures.at(-1)}`);
    }
    const figure = median(figures);
    const baseline = median(baselines);
    process.stdout.write(
      `movement: ${os.cpus().length} CPUs, ${MOVEMENTS} commands from Kafka over ${KEYS} characters, median of ${ROUNDS}\n` +
        `  (e) movement, service from Kafka ${fmt(figure)} cmd/s  baseline (bare kafkajs consumer) ${fmt(baseline)} cmd/s  ratio ${(figure / baseline).toFixed(2)}\n` +
        `      rounds: service ${figures.map(fmt).join(',')}; baseline ${baselines.map(fmt).join(',')}\n`,
    );
  } finally {
    broker.stop();
    await server.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

await main();
