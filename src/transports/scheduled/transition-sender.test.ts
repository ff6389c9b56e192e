import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MessageFactory, type OutgoingMessage } from '../../platform/bus/messages.js';
import { ManualClock } from '../../platform/clock.js';
import type { Tenant } from '../../platform/tenant.js';
import { resolveTopics } from '../../platform/topics.js';
import { parseTenantConfiguration } from '../core/config.js';
import { type RouteStatusType, TransportMessages } from '../producer.js';
import { type LoadedTenant, loadTenant } from '../tenants/loaded-tenant.js';
import { runnerRig } from '../testing/runner-rig.js';

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
    const { runner, published, settle } = runnerRig(clock, messages);
    const loaded = tenants(40);
    for (const tenant of loaded) runner.apply(tenant);
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
