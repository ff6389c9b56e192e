import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MessageFactory, type OutgoingMessage } from '../../platform/bus/messages.js';
import { ManualClock } from '../../platform/clock.js';
import { createLogger } from '../../platform/logging.js';
import { Metrics } from '../../platform/metrics.js';
import type { Tenant } from '../../platform/tenant.js';
import { resolveTopics } from '../../platform/topics.js';
import { ChannelRegistry } from '../channels.js';
import { parseTenantConfiguration } from '../core/config.js';
import { NO_PORTAL_DATA } from '../lookups/portals.js';
import { transportMetrics } from '../metrics.js';
import { type RouteStatusType, TransportMessages } from '../producer.js';
import { type LoadedTenant, loadTenant } from '../tenants/loaded-tenant.js';
import { ScheduledRunner } from './runner.js';

const logger = createLogger('silent');

/** Messages that take a while to build, as a loaded machine makes them: each status event 0.2 ms. */
class SlowMessages extends TransportMessages {
  built: string[] = [];

  override routeStatus(
    tenant: Tenant,
    routeId: string,
    type: RouteStatusType,
    mapId: number,
  ): OutgoingMessage {
    const until = performance.now() + 0.2;
    while (performance.now() < until) {
      // busy: the event loop is held as by real work
    }
    this.built.push(`${tenant.id} ${routeId} ${type}`);
    return super.routeStatus(tenant, routeId, type, mapId);
  }
}

const sampleEntry = (
  JSON.parse(readFileSync(new URL('../../../config/tenants.json', import.meta.url), 'utf8')) as {
    tenants: Array<Record<string, unknown>>;
  }
).tenants[0]!;

/** The bundled tenant `count` times over, under as many ids. */
function tenants(count: number): LoadedTenant[] {
  return Array.from({ length: count }, (_, i) =>
    loadTenant(
      parseTenantConfiguration({
        ...sampleEntry,
        id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      }),
    ),
  );
}

describe('transition sender', () => {
  it('builds a large burst in slices, the event loop free between them, every message still sent once', async () => {
    const midnight = Date.UTC(2026, 1, 18);
    const clock = new ManualClock(midnight - 5_000);
    const factory = new MessageFactory(resolveTopics({}));
    const messages = new SlowMessages(factory);
    const published: OutgoingMessage[] = [];
    const pending = new Set<Promise<unknown>>();
    const metrics = new Metrics();
    const runner = new ScheduledRunner({
      clock,
      logger,
      metrics: transportMetrics(metrics),
      channels: new ChannelRegistry(),
      warps: {
        directory: { charactersIn: async () => [] },
        portals: NO_PORTAL_DATA,
        random: Math.random,
        logger,
        metrics: transportMetrics(metrics),
      },
      messages,
      voyages: {
        send: async (parts) => {
          for (const part of parts) published.push(...('messages' in part ? part.messages : part));
        },
        unarrived: async () => [],
      },
      publish: async (outgoing) => {
        published.push(...outgoing);
      },
      track: (work) => {
        pending.add(work);
        void work.finally(() => pending.delete(work));
      },
    });
    const loaded = tenants(40);
    for (const tenant of loaded) runner.apply(tenant);
    const settle = async () => {
      do {
        await new Promise((resolve) => setImmediate(resolve));
        await Promise.all([...pending]);
      } while (pending.size > 0 || runner.pending() > 0);
    };
    await settle();
    messages.built = [];
    published.length = 0;

    // Turns of the event loop taken while the midnight burst is built: a timer or a socket could run in each.
    let turns = 0;
    let builtAtFirstTurn: number | undefined;
    let counting = true;
    const probe = () => {
      if (!counting) return;
      turns++;
      builtAtFirstTurn ??= messages.built.length;
      setImmediate(probe);
    };
    clock.set(midnight);
    setImmediate(probe);
    await settle();
    counting = false;
    runner.stop();

    const events = messages.built.length;
    // 40 tenants' routes at midnight: hundreds of events at 0.2 ms each, far more than one slice's work.
    expect(events).toBeGreaterThan(100);
    expect(turns).toBeGreaterThan(3);
    expect(builtAtFirstTurn).toBeLessThan(events);
    // Slicing loses and repeats nothing: every event built is published once, in the order built.
    const statuses = published
      .filter((m) => m.topic === factory.topic('EVENT_TOPIC_TRANSPORT_STATUS'))
      .map((m) => JSON.parse(m.value.toString('utf8')) as { routeId: string; type: string })
      .filter((body) => body.type === 'ARRIVED' || body.type === 'DEPARTED');
    expect(statuses).toHaveLength(events);
    expect(new Set(messages.built).size).toBe(events);
  });
});
