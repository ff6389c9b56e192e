import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';

/**
 * Helpers for running atlas-ts the way an operator deploys it on Kafka: the built command line in its own
 * process, librdkafka's mock cluster as the broker (../shared/tools/kafka-mock, hosted by Debian's kcat, on a
 * fixed port so an outage can be simulated by stopping and starting it), and librdkafka's producer writing the
 * Go services' exact bytes — clients that are not this project's kafkajs.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TOOLS = path.resolve(ROOT, '../shared/tools/kafka-mock');
const BUILD = path.join(os.tmpdir(), 'atlas-ts-kafka-tools');

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  const started = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() - started > timeoutMs) {
      throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    }
    await sleep(100);
  }
}

/** The librdkafka producer (kprod.c), compiled once per machine. */
export function kprodPath(): string {
  const binary = path.join(BUILD, 'kprod');
  if (!existsSync(binary)) {
    mkdirSync(BUILD, { recursive: true });
    execFileSync('gcc', ['-O2', '-o', binary, path.join(TOOLS, 'kprod.c'), '-lrdkafka']);
  }
  return binary;
}

export interface MockBroker {
  readonly bootstrap: string;
  /** Kills the broker (an outage); everything it held is gone, as with a wiped broker. */
  stop(): void;
  /** Starts a fresh broker at the same address. */
  start(): Promise<void>;
}

/** A port nobody listens on now (the broker keeps it across an outage, so it is chosen once, here). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** librdkafka's mock cluster on a free loopback port of its own, so that test runs never share a broker. */
export async function startMockBroker(): Promise<MockBroker> {
  const port = await freePort();
  let pid = 0;
  const log = path.join(os.tmpdir(), `atlas-ts-mock-${port}.log`);
  const launch = async () => {
    const out = execFileSync('bash', [path.join(TOOLS, 'mock.sh'), String(port), log, '1'], {
      env: { ...process.env, KAFKA_MOCK_TMP: BUILD },
    })
      .toString()
      .trim()
      .split(' ');
    pid = Number(out[0]);
    if (!out[1]) throw new Error(`mock cluster did not start: see ${log}`);
  };
  await launch();
  return {
    bootstrap: `127.0.0.1:${port}`,
    stop: () => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
    start: launch,
  };
}

export interface GoMessage {
  readonly topic: string;
  readonly partition?: number;
  readonly key: Buffer;
  readonly headers: Record<string, Buffer>;
  readonly value: string;
}

/** Writes messages with librdkafka, byte for byte as given (the Go services' encoding is the caller's). */
export function produceGo(bootstrap: string, messages: readonly GoMessage[]): void {
  const lines = messages.map((m) => {
    const headers = Object.entries(m.headers)
      .map(([name, value]) => `${name}=${value.toString('hex')}`)
      .join(',');
    if (m.value.includes('\n') || m.value.includes('\t')) throw new Error('one message per line');
    return `${m.topic}\t${m.partition ?? -1}\t${m.key.toString('hex')}\t${headers}\t${m.value}`;
  });
  const result = execFileSync(kprodPath(), [bootstrap], { input: `${lines.join('\n')}\n`, stdio: 'pipe' });
  void result;
}

export interface AppProcess {
  readonly url: string;
  readonly output: () => string;
  /** kill -9: no shutdown, no offset commit, no last relay pass. */
  kill9(): Promise<void>;
  /** SIGTERM, resolving with the exit code and the time it took. */
  stop(): Promise<{ code: number | null; ms: number }>;
}

/** Starts `node dist/main.js` (npm test builds first) with the given environment, without waiting. */
export function spawnApp(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [path.join(ROOT, 'dist/main.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      REST_PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      // kafkajs's own log level (its environment variable), to see a group's joins when a test is looked into.
      ...(process.env.KAFKAJS_LOG_LEVEL ? { KAFKAJS_LOG_LEVEL: process.env.KAFKAJS_LOG_LEVEL } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs `node dist/main.js` with the given environment; resolves once it is ready. */
export async function startApp(env: Record<string, string>, readyTimeoutMs = 60_000): Promise<AppProcess> {
  const child = spawnApp(env);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await eventually(
    'atlas-ts listening',
    () => {
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${output.slice(-2000)}`);
      return /"port":(\d+)[^\n]*"msg":"atlas-ts listening"/.exec(output)?.[1];
    },
    readyTimeoutMs,
  );
  const url = `http://127.0.0.1:${port}`;
  await eventually(
    'readiness',
    async () => ((await fetch(`${url}/readyz`)).ok ? true : undefined),
    readyTimeoutMs,
  );
  return {
    url,
    output: () => output,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      const began = Date.now();
      child.kill('SIGTERM');
      const code = await exited;
      return { code, ms: Date.now() - began };
    },
  };
}

export interface ReadMessage {
  readonly partition: number;
  readonly offset: number;
  /** The producer's create time (epoch ms). */
  readonly timestamp: number;
  readonly key: Buffer;
  readonly value: Buffer;
  readonly headers: Record<string, Buffer>;
}

/** A consumer of one topic from its beginning, reading in the background until closed. */
export interface TopicReader {
  readonly read: readonly ReadMessage[];
  /** Resolves with everything read so far once `done(read)` holds; fails after `timeoutMs`. */
  until(done: (read: readonly ReadMessage[]) => boolean, timeoutMs?: number): Promise<ReadMessage[]>;
  close(): Promise<void>;
}

/**
 * Starts reading a topic from the beginning. Joining a fresh consumer group takes seconds on a loaded machine:
 * a test that must see a message soon after it is sent opens its reader beforehand.
 */
export async function openReader(bootstrap: string, topic: string): Promise<TopicReader> {
  const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING, clientId: 'test-reader' });
  const consumer = kafka.consumer({ groupId: `test-reader-${Math.random()}`, maxWaitTimeInMs: 100 });
  const read: ReadMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const headers: Record<string, Buffer> = {};
      for (const [name, value] of Object.entries(message.headers ?? {}))
        if (Buffer.isBuffer(value)) headers[name] = value;
      read.push({
        partition,
        offset: Number(message.offset),
        timestamp: Number(message.timestamp),
        key: message.key ?? Buffer.alloc(0),
        value: message.value ?? Buffer.alloc(0),
        headers,
      });
    },
  });
  return {
    read,
    async until(done, timeoutMs = 30_000) {
      await eventually(`messages on ${topic}`, () => (done(read) ? true : undefined), timeoutMs).catch(
        (error: Error) => {
          throw new Error(`${error.message} (${read.length} read)`);
        },
      );
      return [...read];
    },
    close: () => consumer.disconnect(),
  };
}

/** Reads a topic from the beginning until `done(read)` holds (or fails after `timeoutMs`). */
export async function readTopic(
  bootstrap: string,
  topic: string,
  done: (read: readonly ReadMessage[]) => boolean,
  timeoutMs = 30_000,
): Promise<ReadMessage[]> {
  const reader = await openReader(bootstrap, topic);
  try {
    return await reader.until(done, timeoutMs);
  } finally {
    await reader.close();
  }
}

/**
 * Everything on a topic now: each partition read up to the end offset it had when called, and nothing after
 * it. A consistent cut per partition: counting messages instead would stop early on one partition while
 * another, still being written, gave messages produced after the call.
 */
export async function readAll(bootstrap: string, topic: string, timeoutMs = 30_000): Promise<ReadMessage[]> {
  const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING, clientId: 'test-reader' });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const end = new Map(ends.map((p) => [p.partition, Number(p.high)]));
  const reached = (read: readonly ReadMessage[]) => {
    const last = new Map<number, number>();
    for (const m of read) last.set(m.partition, Math.max(last.get(m.partition) ?? -1, m.offset));
    return ends.every(
      (p) => Number(p.high) <= Number(p.low) || (last.get(p.partition) ?? -1) >= Number(p.high) - 1,
    );
  };
  const read = await readTopic(bootstrap, topic, reached, timeoutMs);
  return read.filter((m) => m.offset < (end.get(m.partition) ?? 0));
}

/** The Go services' tenant headers for the bundled sample tenant. */
export function goTenantHeaders(tenantId: string): Record<string, Buffer> {
  return {
    TENANT_ID: Buffer.from(tenantId, 'ascii'),
    REGION: Buffer.from('GMS'),
    MAJOR_VERSION: Buffer.from([0x00, 0x53]),
    MINOR_VERSION: Buffer.from([0x00, 0x01]),
  };
}

/** Go's CreateKey: uint32 little-endian, then four zero bytes. */
export function goKey(id: number): Buffer {
  const key = Buffer.alloc(8);
  key.writeUInt32LE(id, 0);
  return key;
}
