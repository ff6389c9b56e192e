import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TENANT } from '../../../test/support/tenant.js';
import { MemoryBus } from '../bus/memory-bus.js';
import { ManualClock } from '../clock.js';
import { createHttpServer } from '../http/server.js';
import { createLogger } from '../logging.js';
import { Metrics } from '../metrics.js';
import { tenantToHttpHeaders } from '../tenant.js';
import { resolveTopics } from '../topics.js';
import { EventHub } from './hub.js';
import { eventRoutes } from './routes.js';

const closing: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

describe('GET /api/events', () => {
  it('ends a stream whose client went away while its consumer was still joining (a Kafka group takes seconds)', async () => {
    const bus = new MemoryBus();
    // The bus's subscription waits for the test's word, as a Kafka group's join would for its broker.
    let join!: () => void;
    const joined = new Promise<void>((resolve) => {
      join = resolve;
    });
    let joining = false;
    const subscribe = bus.subscribe.bind(bus);
    bus.subscribe = async (...args) => {
      joining = true;
      await joined;
      return subscribe(...args);
    };
    const metrics = new Metrics();
    const logger = createLogger('silent');
    const hub = new EventHub(bus, resolveTopics({}), new ManualClock(0), logger, metrics);
    const app = createHttpServer({ logger, metrics, bus, readiness: async () => ({}) });
    await app.register(async (scope) => eventRoutes(scope, hub), { prefix: '/api' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    closing.push(
      () => app.close(),
      () => bus.close(),
    );
    const open = async () => {
      const text = await metrics.registry.metrics();
      return Number(/^events_streams_open (\d+)$/m.exec(text)?.[1]);
    };

    const socket = connect((app.server.address() as AddressInfo).port, '127.0.0.1');
    const headers = Object.entries(tenantToHttpHeaders(TENANT)).map(
      ([name, value]) => `${name}: ${value}\r\n`,
    );
    socket.write(`GET /api/events HTTP/1.1\r\nHost: localhost\r\n${headers.join('')}\r\n`);
    await expect.poll(() => joining).toBe(true);
    expect(await open()).toBe(1);
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    join();
    await expect.poll(open).toBe(0);
  });
});
