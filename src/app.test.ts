import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceBy, record, startTestApp, TENANT, type TestApp } from '../test/support/app.js';
import { deferred, flush, watch } from '../test/support/deferred.js';
import { start } from './app.js';
import { ManualClock } from './platform/clock.js';
import { ConfigError } from './platform/config.js';

describe('App (presence only)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      services: ['presence'],
      env: { COMMAND_TOPIC_CHARACTER: 'COMMAND_TOPIC_CHARACTER-main' },
    });
  });

  afterAll(async () => {
    await t.app.close();
  });

  it('listens on loopback at the URL it reports', async () => {
    expect(t.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(t.app.config.port).toBe(0);
    const response = await fetch(`${t.url}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
  });

  it('/readyz checks the bus', async () => {
    const response = await fetch(`${t.url}/readyz`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { checks: Record<string, boolean> };
    expect(body.checks.bus).toBe(true);
  });

  it('/api/metrics is Prometheus text with request counts and process metrics', async () => {
    await fetch(`${t.url}/healthz`);
    const response = await fetch(`${t.url}/api/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(/^http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/m);
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('answers an unknown route with a 404 JSON:API error', async () => {
    const response = await fetch(`${t.url}/api/characters/1/nope`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(((await response.json()) as { errors: Array<{ status: string }> }).errors[0]!.status).toBe('404');
  });

  it('publish writes the 8-byte key, the tenant headers and the JSON body on the configured topic', async () => {
    const seen = record(t.app, 'COMMAND_TOPIC_CHARACTER');
    const body = {
      transactionId: '00000000-0000-0000-0000-000000000000',
      worldId: 0,
      characterId: 12345,
      type: 'CHANGE_MAP',
      body: { channelId: 1, mapId: 100000000, portalId: 0 },
    };
    await t.app.bus.publish('COMMAND_TOPIC_CHARACTER', body, { key: 12345, tenant: TENANT });
    await t.app.idle();
    await seen.stop();

    expect(seen.messages).toHaveLength(1);
    const message = seen.messages[0]!;
    expect(message.topic).toBe('COMMAND_TOPIC_CHARACTER-main');
    expect(message.key.toString('hex')).toBe('3930000000000000');
    expect(message.headers.TENANT_ID!.toString('ascii')).toBe(TENANT.id);
    expect(message.headers.REGION!.toString('hex')).toBe('474d53');
    expect(message.headers.MAJOR_VERSION!.toString('hex')).toBe('0053');
    expect(message.headers.MINOR_VERSION!.toString('hex')).toBe('0001');
    expect(message.value).toEqual(body);
  });

  it('publish takes a UUID key, a Buffer key, no key, and extra headers', async () => {
    const seen = record(t.app, 'EVENT_TOPIC_TRANSPORT_STATUS');
    const traceparent = Buffer.from('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    await t.app.bus.publish(
      'EVENT_TOPIC_TRANSPORT_STATUS',
      { n: 1 },
      { key: 'F12FCDDD-6616-551B-A74C-AE2144E18BB5' },
    );
    await t.app.bus.publish(
      'EVENT_TOPIC_TRANSPORT_STATUS',
      { n: 2 },
      { key: Buffer.from([1, 2, 3]), headers: { traceparent } },
    );
    await t.app.bus.publish('EVENT_TOPIC_TRANSPORT_STATUS', { n: 3 });
    await t.app.idle();
    await seen.stop();

    expect(seen.messages.map((m) => m.value)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(seen.messages[0]!.topic).toBe('EVENT_TOPIC_TRANSPORT_STATUS');
    expect(seen.messages[0]!.key.toString('ascii')).toBe('f12fcddd-6616-551b-a74c-ae2144e18bb5');
    expect(seen.messages[1]!.key.toString('hex')).toBe('010203');
    expect(seen.messages[1]!.headers.traceparent!.equals(traceparent)).toBe(true);
    expect(seen.messages[2]!.key.length).toBe(0);
    expect(Object.keys(seen.messages[2]!.headers)).toEqual([]);
  });

  it('publish refuses an unknown topic variable and a key that is not a uint32', async () => {
    await expect(t.app.bus.publish('NOT_A_TOPIC' as 'COMMAND_TOPIC_CHARACTER', {})).rejects.toThrow(
      /unknown topic/,
    );
    await expect(t.app.bus.publish('COMMAND_TOPIC_CHARACTER', {}, { key: -1 })).rejects.toThrow(RangeError);
  });

  it('subscribe sees only later messages, and nothing after unsubscribing', async () => {
    await t.app.bus.publish('EVENT_TOPIC_MAP_STATUS', { before: true }, { key: 1 });
    await t.app.idle();
    const seen = record(t.app, 'EVENT_TOPIC_MAP_STATUS');
    await seen.stop.ready;
    await t.app.bus.publish('EVENT_TOPIC_MAP_STATUS', { during: true }, { key: 1 });
    await t.app.idle();
    await seen.stop();
    await t.app.bus.publish('EVENT_TOPIC_MAP_STATUS', { after: true }, { key: 1 });
    await t.app.idle();
    expect(seen.values()).toEqual([{ during: true }]);
  });

  it('idle resolves only after handlers settle', async () => {
    const gate = deferred();
    const started = deferred();
    const stop = t.app.bus.subscribe('EVENT_TOPIC_DROP_STATUS', async () => {
      started.resolve();
      await gate.promise;
    });
    await t.app.bus.publish('EVENT_TOPIC_DROP_STATUS', {}, { key: 1 });
    await started.promise;
    const idle = watch(t.app.idle());
    await flush();
    await flush();
    expect(idle.done).toBe(false);
    gate.resolve();
    await t.app.idle();
    expect(idle.done).toBe(true);
    await stop();
  });

  it('idle fires manual-clock timers that are due', async () => {
    const fired: number[] = [];
    t.clock.at(t.clock.now(), () => fired.push(t.clock.now()));
    await t.app.idle();
    expect(fired).toEqual([t.clock.now()]);

    t.clock.after(1_000, () => fired.push(t.clock.now()));
    await advanceBy(t.app, t.clock, 999);
    expect(fired).toHaveLength(1);
    await advanceBy(t.app, t.clock, 1);
    expect(fired).toHaveLength(2);
  });

  it('sets a message whose handler keeps failing aside as a dead letter', async () => {
    const stop = t.app.bus.subscribe('EVENT_TOPIC_SESSION_STATUS', () => {
      throw new Error('handler broke');
    });
    await t.app.bus.publish('EVENT_TOPIC_SESSION_STATUS', { type: 'CREATED' }, { key: 42, tenant: TENANT });
    await t.app.idle();
    await stop();
    const letter = t.app.bus.deadLetters().find((l) => l.topic === 'EVENT_TOPIC_SESSION_STATUS');
    expect(letter).toMatchObject({
      key: '2a00000000000000',
      value: '{"type":"CREATED"}',
      error: 'handler broke',
      attempts: 4,
      headers: { TENANT_ID: TENANT.id, REGION: 'GMS', MAJOR_VERSION: '83', MINOR_VERSION: '1' },
    });
    const metrics = await (await fetch(`${t.url}/api/metrics`)).text();
    expect(metrics).toMatch(
      /^bus_messages_failed_total\{topic="EVENT_TOPIC_SESSION_STATUS",group="[^"]+"\} 1$/m,
    );
    expect(metrics).toMatch(
      /^bus_messages_retried_total\{topic="EVENT_TOPIC_SESSION_STATUS",group="[^"]+"\} 3$/m,
    ); // The letter held for the operator, by topic and group (alerts: docs/alerts.yml).
    expect(metrics).toMatch(/^bus_dead_letters\{topic="EVENT_TOPIC_SESSION_STATUS",group="[^"]+"\} 1$/m);
    // The in-process bus has no consumer lag to show: the gauge is not there at all.
    expect(metrics).not.toContain('bus_consumer_lag');
  });
});

describe('App with a database (character)', () => {
  it('migrates the outbox and reports the database in /readyz', async () => {
    const t = await startTestApp({ services: ['character'] });
    try {
      const response = await fetch(`${t.url}/readyz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ready', checks: { database: true, bus: true } });
      await t.app.idle();
    } finally {
      await t.app.close();
    }
  });
});

describe('App lifecycle', () => {
  it('close is idempotent and stops listening', async () => {
    const t = await startTestApp({ services: ['transports'], database: false });
    const first = t.app.close();
    const second = t.app.close();
    expect(second).toBe(first);
    await first;
    await t.app.close();
    await expect(fetch(`${t.url}/healthz`)).rejects.toThrow();
  });

  it('reports a usable URL when listening on an IPv6 literal', async () => {
    const t = await startTestApp({ services: ['transports'], database: false, host: '::1' });
    try {
      expect(t.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
      expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    } finally {
      await t.app.close();
    }
  });

  it('close ends within its time limit while a handler never settles, and still stops what follows', async () => {
    const t = await startTestApp({ services: ['presence'], shutdownTimeoutMs: 1_000 });
    const started = deferred();
    t.app.bus.subscribe('EVENT_TOPIC_DROP_STATUS', async () => {
      started.resolve();
      await new Promise(() => undefined);
    });
    await t.app.bus.publish('EVENT_TOPIC_DROP_STATUS', {}, { key: 1 });
    await started.promise;
    const began = Date.now();
    const outcome = await Promise.race([
      t.app.close().then(() => 'closed'),
      new Promise((resolve) => setTimeout(resolve, 5_000, 'hung')),
    ]);
    expect(outcome).toBe('closed');
    expect(Date.now() - began).toBeLessThan(2_500);
    await expect(fetch(`${t.url}/readyz`)).rejects.toThrow();
  });

  it('gives every observer a consumer group of its own, never one an earlier or another app used', async () => {
    const groups: string[] = [];
    for (let i = 0; i < 2; i++) {
      const t = await startTestApp({ services: ['transports'], database: false });
      try {
        const stop = t.app.bus.subscribe('EVENT_TOPIC_SESSION_STATUS', () => {
          throw new Error('record my group');
        });
        await t.app.bus.publish('EVENT_TOPIC_SESSION_STATUS', {}, { key: 1 });
        await t.app.idle();
        await stop();
        groups.push(...t.app.bus.deadLetters().map((letter) => letter.group));
      } finally {
        await t.app.close();
      }
    }
    expect(groups).toHaveLength(2);
    expect(new Set(groups).size).toBe(2);
  });

  it('a subscription that fails rejects ready without an unhandled rejection; unsubscribe still resolves', async () => {
    const t = await startTestApp({ services: ['transports'], database: false });
    await t.app.close();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const stop = t.app.bus.subscribe('EVENT_TOPIC_MAP_STATUS', () => undefined);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
      await expect(stop.ready).rejects.toThrow(/closed/);
      await stop();
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('refuses to publish once closed', async () => {
    const t = await startTestApp({ services: ['transports'], database: false });
    await t.app.close();
    await expect(t.app.bus.publish('COMMAND_TOPIC_CHARACTER', {}, { key: 1 })).rejects.toThrow(/closed/);
  });

  it('start rejects with a ConfigError naming the variable', async () => {
    const attempt = start({ env: { REST_PORT: 'abc' }, logLevel: 'silent' });
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toThrow(/^REST_PORT: /);
  });

  it('start rejects when the port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      await expect(
        start({
          port,
          host: '127.0.0.1',
          logLevel: 'silent',
          env: {},
          services: ['transports'],
          clock: new ManualClock(),
        }),
      ).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
