// npm run bench:character: the character service on a durable embedded PostgreSQL (fsync on), each figure
// beside a baseline doing the same database work with bare pg:
//   (a) GET /api/characters/{id} through the whole stack vs. a bare Fastify route (same query, JSON.stringify);
//   (b) REQUEST_CHANGE_MESO handled through the bus, each a transaction with its outbox row, vs. the same
//       UPDATE in a bare BEGIN/COMMIT loop at the same concurrency;
//   (c) movement commands per second (in memory only): by the service's consumer on the in-process bus with
//       messages encoded beforehand (as from Kafka), and end to end through App.bus.publish, which also encodes.
// Figures and baselines alternate over ROUNDS rounds and the medians are reported: the machine may be busy.
import fs from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import pg from 'pg';
import { type App, start } from '../src/app.js';
import { consumeMovement } from '../src/character/commands/movement.js';
import { Positions } from '../src/character/position.js';
import { MemoryBus } from '../src/platform/bus/memory-bus.js';
import { MessageFactory } from '../src/platform/bus/messages.js';
import { createLogger } from '../src/platform/logging.js';
import { Metrics } from '../src/platform/metrics.js';
import type { Tenant } from '../src/platform/tenant.js';
import { resolveTopics } from '../src/platform/topics.js';
import { BENCH_HEADERS, createCharacters, median, movement } from './support.js';

const NIL = '00000000-0000-0000-0000-000000000000';
const TENANT: Tenant = {
  id: '083839c6-c47c-42a6-9585-76492795d123',
  region: 'GMS',
  majorVersion: 83,
  minorVersion: 1,
};
const HEADERS = BENCH_HEADERS;
const CONCURRENCY = 32;
const POOL = 16; // the application's pool size (platform/db/database.ts)
const HTTP_SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const MESO_COMMANDS = Number(process.env.BENCH_MESO ?? 3_000);
const MOVEMENTS = Number(process.env.BENCH_MOVEMENTS ?? 300_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const rate = (count: number, ms: number) => (count * 1000) / ms;

/** Runs figure and baseline alternately; returns their medians. */
async function alternate(figure: () => Promise<number>, baseline: () => Promise<number>) {
  const figures: number[] = [];
  const baselines: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    baselines.push(await baseline());
    figures.push(await figure());
  }
  return { figure: median(figures), baseline: median(baselines) };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(9);

function report(name: string, figure: number, baseline: number | undefined, unit: string): void {
  const ratio =
    baseline === undefined
      ? ''
      : `  baseline ${fmt(baseline)} ${unit}  ratio ${(figure / baseline).toFixed(2)}`;
  process.stdout.write(`${name.padEnd(34)} ${fmt(figure)} ${unit}${ratio}\n`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** CONCURRENCY keep-alive connections, each issuing GETs back to back for `seconds`; returns requests/s. */
async function load(url: string, seconds: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const target = new URL(url);
  const get = () =>
    new Promise<void>((resolve, reject) => {
      const request = http.get(
        { host: target.hostname, port: target.port, path: target.pathname, agent, headers: HEADERS },
        (response) => {
          if (response.statusCode !== 200) reject(new Error(`${url}: status ${response.statusCode}`));
          response.resume();
          response.on('end', resolve);
        },
      );
      request.on('error', reject);
    });
  const deadline = performance.now() + seconds * 1000;
  let count = 0;
  const begin = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        await get();
        count++;
      }
    }),
  );
  agent.destroy();
  return rate(count, performance.now() - begin);
}

/** The baseline server: the same primary-key query and a JSON:API-shaped body, nothing else. */
async function bareServer(
  pool: pg.Pool,
): Promise<{ url: (id: number) => string; close: () => Promise<void> }> {
  const app = Fastify();
  app.get<{ Params: { id: string } }>('/characters/:id', async (request, reply) => {
    const { rows } = await pool.query({
      name: 'bare-by-id',
      text: 'SELECT * FROM characters WHERE tenant_id = $1 AND id = $2',
      values: [request.headers.tenant_id, Number(request.params.id)],
    });
    reply.header('content-type', 'application/json');
    return JSON.stringify({ data: { type: 'characters', id: String(rows[0].id), attributes: rows[0] } });
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: (id) => `http://127.0.0.1:${port}/characters/${id}`, close: () => app.close() };
}

async function mesoThroughBus(app: App, ids: number[]): Promise<number> {
  const begin = performance.now();
  for (let i = 0; i < MESO_COMMANDS; i++) {
    const characterId = ids[i % ids.length]!;
    await app.bus.publish(
      'COMMAND_TOPIC_CHARACTER',
      {
        transactionId: NIL,
        worldId: 0,
        characterId,
        type: 'REQUEST_CHANGE_MESO',
        body: { actorId: 1, actorType: 'BENCH', amount: 1 },
      },
      { key: characterId, tenant: TENANT },
    );
  }
  await app.idle();
  return rate(MESO_COMMANDS, performance.now() - begin);
}

async function mesoBare(pool: pg.Pool, ids: number[]): Promise<number> {
  let next = 0;
  const begin = performance.now();
  await Promise.all(
    ids.map(async (id) => {
      while (next++ < MESO_COMMANDS) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          await client.query({
            name: 'bare-meso',
            text: 'UPDATE characters SET meso = meso + $3 WHERE tenant_id = $1 AND id = $2',
            values: [TENANT.id, id, 1],
          });
          await client.query('COMMIT');
        } finally {
          client.release();
        }
      }
    }),
  );
  return rate(MESO_COMMANDS, performance.now() - begin);
}

async function movements(app: App, ids: number[]): Promise<number> {
  const begin = performance.now();
  for (let i = 0; i < MOVEMENTS; i++) {
    const objectId = ids[i % ids.length]!;
    void app.bus.publish('COMMAND_TOPIC_CHARACTER_MOVEMENT', movement(i, objectId), {
      key: objectId,
      tenant: TENANT,
    });
    if (i % 10_000 === 9_999) await new Promise((resolve) => setImmediate(resolve));
  }
  await app.idle();
  return rate(MOVEMENTS, performance.now() - begin);
}

/**
 * The service's movement consumer alone, fed messages encoded beforehand; with `bare`, the same bus and
 * messages with a handler that does nothing (the baseline: what the bus itself costs).
 */
async function movementHandling(bare = false): Promise<number> {
  const factory = new MessageFactory(resolveTopics({}));
  const metrics = new Metrics();
  // The application's observer: every handled message is counted, as in production.
  const bus = new MemoryBus({
    observer: {
      handled: (topic, group) => metrics.messageHandled(topic, group),
      retried: () => undefined,
      failed: () => undefined,
    },
  });
  const positions = new Positions();
  const logger = createLogger('silent');
  const group = 'Character Service';
  if (bare) await bus.subscribe(factory.topic('COMMAND_TOPIC_CHARACTER_MOVEMENT'), group, () => undefined);
  else await consumeMovement({ bus, messages: factory, group, logger, metrics }, positions);
  const batch = Array.from({ length: 10_000 }, (_, i) => {
    const objectId = 1 + (i % CONCURRENCY);
    return factory.create('COMMAND_TOPIC_CHARACTER_MOVEMENT', objectId, movement(i, objectId), {
      tenant: TENANT,
    });
  });
  const topic = factory.topic('COMMAND_TOPIC_CHARACTER_MOVEMENT');
  const begin = performance.now();
  for (let i = 0; i < MOVEMENTS; i += batch.length) {
    await bus.publish(topic, batch);
    await bus.idle();
  }
  const result = rate(MOVEMENTS, performance.now() - begin);
  await bus.close();
  return result;
}

async function main(): Promise<void> {
  // Not mkdtemp: its 0700 directory is closed to the `postgres` user initdb runs as when we are root.
  const dataDir = path.join(os.tmpdir(), `atlas-ts-bench-${process.pid}-${Date.now()}`);
  const dbPort = await freePort();
  const app = await start({
    services: ['character'],
    dataDir,
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
    fastDatabase: false,
    env: { EMBEDDED_DB_PORT: String(dbPort) },
  });
  // The embedded server's credentials (platform/db/embedded.ts); the baselines share the application's database.
  const pool = new pg.Pool({
    connectionString: `postgres://postgres:password@127.0.0.1:${dbPort}/postgres`,
    max: POOL,
  });
  try {
    process.stdout.write(
      `character service: ${os.cpus().length} CPUs, durable PostgreSQL, ${CONCURRENCY} concurrent, median of ${ROUNDS}\n`,
    );
    const ids = await createCharacters(app, CONCURRENCY);
    const bare = await bareServer(pool);
    const ours = `${app.url}/api/characters/${ids[0]}`;
    await load(ours, 1);
    await load(bare.url(ids[0]!), 1);
    const get = await alternate(
      () => load(ours, HTTP_SECONDS),
      () => load(bare.url(ids[0]!), HTTP_SECONDS),
    );
    report('(a) GET /api/characters/{id}', get.figure, get.baseline, 'req/s');
    await bare.close();

    const meso = await alternate(
      () => mesoThroughBus(app, ids),
      () => mesoBare(pool, ids),
    );
    report('(b) REQUEST_CHANGE_MESO via bus', meso.figure, meso.baseline, 'cmd/s');

    const handled = await alternate(
      () => movementHandling(),
      () => movementHandling(true),
    );
    report('(c) movement, handled', handled.figure, handled.baseline, 'cmd/s');
    // One round first, not counted: the HTTP figures warm up too, and a running service is warm.
    await movements(app, ids);
    const endToEnd = [];
    for (let round = 0; round < ROUNDS; round++) endToEnd.push(await movements(app, ids));
    report('(c) movement, App.bus end to end', median(endToEnd), undefined, 'cmd/s');
  } finally {
    await pool.end();
    await app.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

await main();
