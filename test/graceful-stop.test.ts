import http from 'node:http';
import net from 'node:net';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createCharacter } from '../src/character/testing/support.js';
import { startTestApp, type TestApp, tenantHeaders } from './support/app.js';

/** Every request the server took gets an HTTP answer, during a stop and when its body is too large. */
type Outcome = { status: number; headers: http.IncomingHttpHeaders; body: string } | { error: string };

/** One request on a connection of its own (no pooling: each is a new TCP connection). */
function send(
  url: string,
  method: string,
  path: string,
  body?: string | Buffer,
  chunked = false,
): Promise<Outcome> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { ...tenantHeaders(), 'content-type': 'application/json' };
    if (body !== undefined && !chunked) headers['content-length'] = String(Buffer.byteLength(body));
    const request = http.request(
      new URL(`/api${path}`, url),
      { method, headers, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode!,
            headers: response.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        response.on('error', (error) =>
          resolve({ error: (error as NodeJS.ErrnoException).code ?? error.message }),
        );
      },
    );
    request.on('error', (error) =>
      resolve({ error: (error as NodeJS.ErrnoException).code ?? error.message }),
    );
    request.end(body);
  });
}

const patch = (name: string) => JSON.stringify({ data: { type: 'characters', attributes: { name } } });

let t: TestApp | undefined;
let locker: pg.Client | undefined;

afterEach(async () => {
  await locker?.query('ROLLBACK').catch(() => undefined);
  await locker?.end();
  locker = undefined;
  await t?.app.close();
  t = undefined;
});

/** Holds the character's row lock in a transaction of its own: PATCHes of it wait in the database. */
async function lockRow(app: TestApp, id: number): Promise<pg.Client> {
  const { database } = app.app.config;
  if (database.kind !== 'external') throw new Error('tests run on an external database');
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query('BEGIN');
  await client.query('SELECT 1 FROM characters WHERE id = $1 FOR UPDATE', [id]);
  return client;
}

/** Resolves once `count` statements wait for a lock: the requests are inside the server, mid-handler. */
async function untilWaiting(client: pg.Client, count: number): Promise<void> {
  for (;;) {
    // The activity view is a snapshot taken once per transaction, and the client sits in one.
    await client.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()",
    );
    if (rows[0]!.n >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('a graceful stop', () => {
  it('lets requests in flight finish, and answers requests that arrive meanwhile 503', async () => {
    t = await startTestApp({ services: ['character'] });
    const id = await createCharacter(t, { name: 'Waiting' });
    locker = await lockRow(t, id);
    const inFlight = Array.from({ length: 12 }, (_, i) =>
      send(t!.url, 'PATCH', `/characters/${id}`, patch(`Wait${i}`)),
    );
    await untilWaiting(locker, 12);

    const closing = t.app.close();
    await new Promise((resolve) => setImmediate(resolve));
    const late = await send(t.url, 'GET', `/characters/${id}`);
    await locker.query('COMMIT');
    const outcomes = await Promise.all(inFlight);
    await closing;

    expect(outcomes.map((o) => ('status' in o ? o.status : o.error))).toEqual(Array(12).fill(204));
    // Late: answered 503 if it reached the server before the listener closed, else refused outright.
    if ('status' in late) {
      expect(late.status).toBe(503);
      expect(late.headers['retry-after']).toBe('1');
      expect(JSON.parse(late.body)).toMatchObject({ errors: [{ status: '503' }] });
    } else {
      expect(late.error).toBe('ECONNREFUSED');
    }
  });

  it('answers 503 to requests still in flight when the budget is spent, before the connections close', async () => {
    // close() has 1.6 s; HTTP gets the first fifth of it.
    t = await startTestApp({ services: ['character'], shutdownTimeoutMs: 1_600 });
    const id = await createCharacter(t, { name: 'Stuck' });
    locker = await lockRow(t, id);
    const inFlight = Array.from({ length: 8 }, (_, i) =>
      send(t!.url, 'PATCH', `/characters/${id}`, patch(`Stuck${i}`)),
    );
    await untilWaiting(locker, 8);

    const closing = t.app.close();
    const outcomes = await Promise.all(inFlight);
    await locker.query('COMMIT');
    await closing;

    for (const outcome of outcomes) {
      expect('status' in outcome ? outcome.status : outcome.error).toBe(503);
      if ('status' in outcome) {
        expect(outcome.headers.connection).toBe('close');
        expect(JSON.parse(outcome.body)).toMatchObject({
          errors: [{ status: '503', title: 'Service Unavailable' }],
        });
      }
    }
  });

  it('leaves no connection of a burst racing the stop unanswered: each is answered or refused, none reset', async () => {
    t = await startTestApp({ services: ['character'] });
    const id = await createCharacter(t, { name: 'Burst' });
    const burst = Array.from({ length: 64 }, () => send(t!.url, 'GET', `/characters/${id}`));
    const closing = t.app.close();
    const outcomes = await Promise.all(burst);
    await closing;
    const results = outcomes.map((o) => ('status' in o ? o.status : o.error));
    for (const result of results) expect([200, 503, 'ECONNREFUSED']).toContain(result);
  });
});

/**
 * A client that writes its whole request before it reads anything, as a blocking client does. An answer sent
 * while it still writes is lost if the server then closes with its body unread: the close becomes a reset.
 */
function writeThenRead(url: string, body: Buffer, chunked: boolean): Promise<string> {
  const { hostname, port } = new URL(url);
  const headers = {
    ...tenantHeaders(),
    host: hostname,
    'content-type': 'application/json',
    ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(body.length) }),
  };
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n');
  const framed = chunked
    ? Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')])
    : body;
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    socket.pause();
    let answer = '';
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(answer || (error.code ?? error.message)));
    socket.write(`POST /api/characters HTTP/1.1\r\n${head}\r\n\r\n`);
    socket.write(framed, () => {
      socket.on('data', (chunk: Buffer) => {
        answer += chunk.toString();
        // One answer is all this test reads.
        if (/\r\n\r\n\{.*\}$/s.test(answer)) socket.destroy();
      });
      socket.on('close', () => resolve(answer));
      socket.resume();
    });
  });
}

describe('a body over the limit (1 MiB)', () => {
  // Large enough that the client is still writing when the answer is ready (the case that lost the 413).
  const big = Buffer.alloc(16 * 1024 * 1024, 'x');

  it.each([
    ['with a Content-Length', false],
    ['chunked', true],
  ])(
    'is answered 413 with a JSON:API error, %s, even to a client that reads only after writing',
    async (_how, chunked) => {
      t = await startTestApp({ services: ['character'] });
      const answers = await Promise.all(Array.from({ length: 6 }, () => writeThenRead(t!.url, big, chunked)));
      for (const answer of answers) {
        expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 413 Payload Too Large');
        expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({
          errors: [{ status: '413', title: 'Payload Too Large' }],
        });
      }
    },
  );
});
