// npm run bench:kafka: REQUEST_CHANGE_MESO over 32 characters consumed from Kafka (librdkafka's mock cluster,
// written by a librdkafka producer with the Go services' bytes), each a transaction with its inbox and outbox
// rows, beside the same commands on the in-process bus (the baseline), both on one durable embedded
// PostgreSQL. Rounds alternate and medians are reported: the machine may be busy. Needs kcat, gcc and
// librdkafka-dev (as the Kafka tests do); says so and skips without them.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type App, start } from '../src/app.js';
import { startEmbeddedPostgres } from '../src/platform/db/embedded.js';
import { createLogger } from '../src/platform/logging.js';
import { goKey, goTenantHeaders, produceGo, startMockBroker } from '../test/kafka/support.js';
import { createCharacters, kafkaToolsPresent, median } from './support.js';

const NIL = '00000000-0000-0000-0000-000000000000';
const TENANT = {
  id: '083839c6-c47c-42a6-9585-76492795d123',
  region: 'GMS',
  majorVersion: 83,
  minorVersion: 1,
};
const KEYS = 32;
const COMMANDS = Number(process.env.BENCH_KAFKA_COMMANDS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(9);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const command = (characterId: number) => ({
  transactionId: NIL,
  worldId: 0,
  characterId,
  type: 'REQUEST_CHANGE_MESO',
  body: { actorId: 1, actorType: 'BENCH', amount: 1 },
});

async function totalMeso(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ total: string | null }>(
    'SELECT sum(meso)::text AS total FROM characters',
  );
  return Number(rows[0]?.total ?? 0);
}

/** The baseline: the same commands published on the in-process bus and handled until it is idle. */
async function inProcess(app: App, ids: number[]): Promise<number> {
  const begin = performance.now();
  for (let i = 0; i < COMMANDS; i++) {
    const id = ids[i % ids.length]!;
    await app.bus.publish('COMMAND_TOPIC_CHARACTER', command(id), { key: id, tenant: TENANT });
  }
  await app.idle();
  return (COMMANDS * 1000) / (performance.now() - begin);
}

/** The figure: a librdkafka producer writes the commands; done when every one is applied in the database. */
async function throughKafka(bootstrap: string, pool: pg.Pool, ids: number[]): Promise<number> {
  const before = await totalMeso(pool);
  const begin = performance.now();
  produceGo(
    bootstrap,
    Array.from({ length: COMMANDS }, (_, i) => {
      const id = ids[i % ids.length]!;
      return {
        topic: 'COMMAND_TOPIC_CHARACTER',
        key: goKey(id),
        headers: goTenantHeaders(TENANT.id),
        value: JSON.stringify(command(id)),
      };
    }),
  );
  while ((await totalMeso(pool)) < before + COMMANDS) await sleep(5);
  const rate = (COMMANDS * 1000) / (performance.now() - begin);
  if ((await totalMeso(pool)) !== before + COMMANDS) throw new Error('a command was applied twice');
  return rate;
}

async function main(): Promise<void> {
  if (!kafkaToolsPresent('kafka')) return;
  // Not mkdtemp: its 0700 directory is closed to the `postgres` user initdb runs as when we are root.
  const dataDir = path.join(os.tmpdir(), `atlas-ts-bench-kafka-${process.pid}-${Date.now()}`);
  const server = await startEmbeddedPostgres({ dataDir, port: 0, logger: createLogger('warn'), fast: false });
  const admin = new pg.Pool({ connectionString: server.url(), max: 1 });
  const urls: string[] = [];
  for (const name of ['bench_memory', 'bench_kafka']) {
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(server.url());
    url.pathname = `/${name}`;
    urls.push(url.toString());
  }
  await admin.end();
  const broker = await startMockBroker();
  const common = {
    services: ['character' as const],
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent' as const,
  };
  const memory = await start({ ...common, databaseUrl: urls[0]!, env: {} });
  const kafka = await start({
    ...common,
    databaseUrl: urls[1]!,
    env: { BOOTSTRAP_SERVERS: broker.bootstrap },
  });
  const pool = new pg.Pool({ connectionString: urls[1]!, max: 2 });
  try {
    const memoryIds = await createCharacters(memory, KEYS);
    const kafkaIds = await createCharacters(kafka, KEYS);
    // Warm-up: topics created, partitions assigned, statements prepared.
    await throughKafka(broker.bootstrap, pool, kafkaIds);
    await inProcess(memory, memoryIds);
    const figures: number[] = [];
    const baselines: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      baselines.push(await inProcess(memory, memoryIds));
      figures.push(await throughKafka(broker.bootstrap, pool, kafkaIds));
    }
    const figure = median(figures);
    const baseline = median(baselines);
    process.stdout.write(
      `kafka: ${os.cpus().length} CPUs, durable PostgreSQL, ${COMMANDS} commands over ${KEYS} keys, median of ${ROUNDS}\n` +
        `  (d) REQUEST_CHANGE_MESO from Kafka  ${fmt(figure)} cmd/s  baseline (in-process bus) ${fmt(baseline)} cmd/s  ratio ${(figure / baseline).toFixed(2)}\n`,
    );
  } finally {
    await pool.end();
    await kafka.close();
    await memory.close();
    broker.stop();
    await server.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

await main();
