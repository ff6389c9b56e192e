import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { OTHER_TENANT, TENANT } from '../../../test/support/tenant.js';
import type { DeliveredMessage } from '../bus/bus.js';
import { MemoryBus } from '../bus/memory-bus.js';
import { RecentErrors } from '../log-ring.js';
import { createLogger } from '../logging.js';
import { Metrics } from '../metrics.js';
import { tenantToHttpHeaders } from '../tenant.js';
import { tenantHeaders as busTenantHeaders } from '../wire/headers.js';
import { integerKey } from '../wire/keys.js';
import { createHttpServer, type HttpServerOptions } from './server.js';

const PATH = '/api/admin/dead-letters';
const servers: FastifyInstance[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/** A server on `bus`, closed after the test. */
function serverOn(bus: MemoryBus, options: Partial<HttpServerOptions> = {}): FastifyInstance {
  const app = createHttpServer({
    logger: createLogger('silent'),
    metrics: new Metrics(),
    bus,
    readiness: async () => ({}),
    ...options,
  });
  servers.push(app);
  return app;
}

/** A server whose bus holds one dead letter of each tenant. */
async function serverWithLetters(adminToken?: string) {
  const bus = new MemoryBus({ retryDelaysMs: [] });
  await bus.subscribe('COMMAND_TOPIC_CHARACTER', 'Character Service', () => {
    throw new Error('always fails');
  });
  await bus.publish('COMMAND_TOPIC_CHARACTER', [
    { key: integerKey(1), value: Buffer.from('{"type":"A"}'), headers: busTenantHeaders(TENANT) },
    { key: integerKey(2), value: Buffer.from('{"type":"B"}'), headers: busTenantHeaders(OTHER_TENANT) },
  ]);
  await bus.idle();
  const app = serverOn(bus, { recentErrors: new RecentErrors(), ...(adminToken ? { adminToken } : {}) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

type Letters = { data: Array<{ type: string; id: string; attributes: Record<string, unknown> }> };

describe('operator endpoints', () => {
  it("list the requesting tenant's dead letters only, to a loopback client", async () => {
    const { base } = await serverWithLetters();
    for (const [tenant, value] of [
      [TENANT, '{"type":"A"}'],
      [OTHER_TENANT, '{"type":"B"}'],
    ] as const) {
      const response = await fetch(`${base}${PATH}`, { headers: tenantToHttpHeaders(tenant) });
      expect(response.status).toBe(200);
      const { data } = (await response.json()) as Letters;
      expect(data).toHaveLength(1);
      expect(data[0]).toMatchObject({
        type: 'dead-letters',
        attributes: {
          topic: 'COMMAND_TOPIC_CHARACTER',
          value,
          error: 'always fails',
          headers: { TENANT_ID: tenant.id },
        },
      });
    }
    const none = await fetch(`${base}${PATH}`, {
      headers: tenantToHttpHeaders({ ...TENANT, id: '11111111-2222-3333-4444-555555555555' }),
    });
    expect(((await none.json()) as Letters).data).toEqual([]);
  });

  it('need the tenant headers', async () => {
    const { base } = await serverWithLetters();
    const response = await fetch(`${base}${PATH}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ source: { header: 'TENANT_ID' } }] });
  });

  it('without ADMIN_TOKEN, answer 403 to a client that is not on this machine', async () => {
    const { app } = await serverWithLetters();
    for (const remoteAddress of ['10.1.2.3', '192.168.0.9', '::ffff:10.0.0.1', '2001:db8::1']) {
      const response = await app.inject({
        method: 'GET',
        url: PATH,
        headers: tenantToHttpHeaders(TENANT),
        remoteAddress,
      });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ errors: [{ status: '403', title: 'Forbidden' }] });
    }
    const debug = await app.inject({ method: 'GET', url: '/api/debug/consumers', remoteAddress: '10.1.2.3' });
    expect(debug.statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/debug/consumers' })).statusCode).toBe(200);
    for (const remoteAddress of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      const response = await app.inject({
        method: 'GET',
        url: PATH,
        headers: tenantToHttpHeaders(TENANT),
        remoteAddress,
      });
      expect(response.statusCode).toBe(200);
    }
  });

  it('with ADMIN_TOKEN, answer whoever presents it, from anywhere, and 401 to anyone else', async () => {
    const { app } = await serverWithLetters('s3cret-token');
    const ask = (authorization: string | undefined, remoteAddress: string) =>
      app.inject({
        method: 'GET',
        url: PATH,
        headers: { ...tenantToHttpHeaders(TENANT), ...(authorization ? { authorization } : {}) },
        remoteAddress,
      });
    expect((await ask('Bearer s3cret-token', '10.1.2.3')).statusCode).toBe(200);
    const debug = await app.inject({
      method: 'GET',
      url: '/api/debug/consumers',
      remoteAddress: '127.0.0.1',
    });
    expect(debug.statusCode).toBe(401);
    for (const wrong of [
      undefined,
      'Bearer s3cret-tokeN',
      'Bearer s3cret-token2',
      'Basic s3cret-token',
      'Bearer ',
    ]) {
      for (const from of ['10.1.2.3', '127.0.0.1']) {
        const response = await ask(wrong, from);
        expect(response.statusCode).toBe(401);
        expect(response.json()).toMatchObject({ errors: [{ status: '401', title: 'Unauthorized' }] });
      }
    }
  });
});

describe('the operator endpoints of the console', () => {
  const ENDPOINTS = [
    ['GET', '/api/admin/errors', 200],
    ['GET', '/api/admin/tenants', 200],
    ['POST', `${PATH}/1/retry`, 204],
    ['DELETE', `${PATH}/3`, 204],
  ] as const;

  it('need ADMIN_TOKEN when it is set, and loopback when it is not, before they act', async () => {
    for (const adminToken of ['s3cret-token', undefined]) {
      const { app } = await serverWithLetters(adminToken);
      for (const [method, url] of ENDPOINTS) {
        const refused = await app.inject({
          method,
          url,
          headers: tenantToHttpHeaders(TENANT),
          remoteAddress: adminToken ? '127.0.0.1' : '10.1.2.3',
        });
        expect([method, url, refused.statusCode]).toEqual([method, url, adminToken ? 401 : 403]);
      }
      const headers = {
        ...tenantToHttpHeaders(TENANT),
        ...(adminToken ? { authorization: `Bearer ${adminToken}` } : {}),
      };
      const letters = await app.inject({ method: 'GET', url: PATH, headers });
      // Nothing was retried or discarded by the refused calls.
      expect((letters.json() as Letters).data.map((letter) => letter.id)).toEqual(['1']);
      // Answered, in turn: the retry fails again into letter 3, which the discard forgets.
      for (const [method, url, status] of ENDPOINTS) {
        const answered = await app.inject({ method, url, headers });
        expect([method, url, answered.statusCode]).toEqual([method, url, status]);
      }
      const after = await app.inject({ method: 'GET', url: PATH, headers });
      expect((after.json() as Letters).data).toEqual([]);
    }
  });
});

describe('dead letters: retry and discard', () => {
  it('give each letter a stable id; retry hands it to its handler again, discard forgets it', async () => {
    const bus = new MemoryBus({ retryDelaysMs: [] });
    let healthy = false;
    const handled: string[] = [];
    const redelivered: DeliveredMessage[] = [];
    await bus.subscribe('COMMAND_TOPIC_CHARACTER', 'Character Service', (message) => {
      if (!healthy) throw new Error('not yet');
      handled.push(message.value.toString());
      redelivered.push(message);
    });
    // Another group of the topic handled every message the first time: a retry is not its business.
    let otherGroup = 0;
    await bus.subscribe('COMMAND_TOPIC_CHARACTER', 'Other Service', () => {
      otherGroup++;
    });
    const first = {
      key: integerKey(1),
      value: Buffer.from('{"type":"A"}'),
      headers: busTenantHeaders(TENANT),
    };
    await bus.publish('COMMAND_TOPIC_CHARACTER', [
      first,
      { key: integerKey(2), value: Buffer.from('{"type":"B"}'), headers: busTenantHeaders(TENANT) },
      { key: integerKey(3), value: Buffer.from('{"type":"C"}'), headers: busTenantHeaders(OTHER_TENANT) },
    ]);
    await bus.idle();
    const app = serverOn(bus);
    const list = async () =>
      (
        await app.inject({ method: 'GET', url: PATH, headers: tenantToHttpHeaders(TENANT) })
      ).json() as Letters;
    const before = await list();
    expect(before.data.map((letter) => [letter.id, letter.attributes.value])).toEqual([
      ['1', '{"type":"A"}'],
      ['2', '{"type":"B"}'],
    ]);
    expect(before.data[0]!.attributes).not.toHaveProperty('id');

    // Another tenant's letter is not found through this tenant's headers.
    const foreign = await app.inject({
      method: 'POST',
      url: `${PATH}/3/retry`,
      headers: tenantToHttpHeaders(TENANT),
    });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toMatchObject({ errors: [{ status: '404', detail: 'dead letter 3 not found' }] });

    healthy = true;
    const retried = await app.inject({
      method: 'POST',
      url: `${PATH}/1/retry`,
      headers: tenantToHttpHeaders(TENANT),
    });
    expect(retried.statusCode).toBe(204);
    expect(handled).toEqual(['{"type":"A"}']);
    // The same topic, key, bytes and headers as first published, to the failing group only.
    expect(redelivered[0]).toMatchObject({
      topic: 'COMMAND_TOPIC_CHARACTER',
      key: first.key,
      value: first.value,
      headers: first.headers,
    });
    expect(otherGroup).toBe(3);
    const discarded = await app.inject({
      method: 'DELETE',
      url: `${PATH}/2`,
      headers: tenantToHttpHeaders(TENANT),
    });
    expect(discarded.statusCode).toBe(204);
    expect(handled).toEqual(['{"type":"A"}']);
    expect((await list()).data).toEqual([]);
    expect(bus.deadLetters().map((letter) => letter.id)).toEqual(['3']);
    const again = await app.inject({
      method: 'DELETE',
      url: `${PATH}/2`,
      headers: tenantToHttpHeaders(TENANT),
    });
    expect(again.statusCode).toBe(404);
  });

  it('a retried letter that fails again becomes a new letter', async () => {
    const bus = new MemoryBus({ retryDelaysMs: [] });
    await bus.subscribe('COMMAND_TOPIC_CHARACTER', 'Character Service', () => {
      throw new Error('still broken');
    });
    await bus.publish('COMMAND_TOPIC_CHARACTER', [
      { key: integerKey(1), value: Buffer.from('{}'), headers: busTenantHeaders(TENANT) },
    ]);
    await bus.idle();
    expect(await bus.retryDeadLetter('1')).toBe(true);
    expect(bus.deadLetters().map((letter) => [letter.id, letter.error])).toEqual([['2', 'still broken']]);
    expect(await bus.retryDeadLetter('1')).toBe(false);
  });
});

describe('operator views of the process', () => {
  it('list the recent warn and error records, newest first, and the known tenants', async () => {
    const errors = new RecentErrors(2);
    const logger = createLogger('info', new PassThrough(), errors);
    const app = serverOn(new MemoryBus(), {
      logger,
      recentErrors: errors,
      tenants: () => [OTHER_TENANT, TENANT],
      now: () => 1_234,
    });
    logger.info('not kept');
    logger.warn({ topic: 'T' }, 'first');
    logger.error('second');
    logger.error('third');
    await new Promise((resolve) => setImmediate(resolve));
    const records = await app.inject({ method: 'GET', url: '/api/admin/errors' });
    expect(records.headers['x-server-time']).toBe('1234');
    const data = (records.json() as Letters).data;
    expect(data.map((record) => [record.type, record.attributes.level, record.attributes.msg])).toEqual([
      ['log-records', 'error', 'third'],
      ['log-records', 'error', 'second'],
    ]);
    const tenants = (await app.inject({ method: 'GET', url: '/api/admin/tenants' })).json() as Letters;
    expect(tenants.data.map((tenant) => tenant.id)).toEqual([TENANT.id, OTHER_TENANT.id]);
    expect(tenants.data[0]!.attributes).toEqual({ region: 'GMS', majorVersion: 83, minorVersion: 1 });
    const remote = await app.inject({ method: 'GET', url: '/api/admin/errors', remoteAddress: '10.0.0.1' });
    expect(remote.statusCode).toBe(403);
  });
});
