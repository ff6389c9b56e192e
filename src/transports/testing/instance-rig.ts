// Test-only: InstanceTransports on a manual clock with a fake durable send, for unit tests of rides.
import { MessageFactory, type OutgoingMessage } from '../../platform/bus/messages.js';
import { ManualClock } from '../../platform/clock.js';
import { createLogger } from '../../platform/logging.js';
import { Metrics } from '../../platform/metrics.js';
import { resolveTopics } from '../../platform/topics.js';
import type { InstanceRoute, TenantConfiguration } from '../core/model.js';
import { InstanceTransports } from '../instances/processor.js';
import { InstanceRegistry } from '../instances/registry.js';
import { transportMetrics } from '../metrics.js';
import { TransportMessages } from '../producer.js';
import { loadTenant, TenantRegistry } from '../tenants/loaded-tenant.js';

export const RIG_TENANT = {
  id: '083839c6-c47c-42a6-9585-76492795d123',
  region: 'GMS',
  majorVersion: 83,
  minorVersion: 1,
};

/** An instance route of the rig's tenant; ids are the slugs, durations are given in milliseconds. */
export function rigRoute(slug: string, overrides: Partial<InstanceRoute> = {}): InstanceRoute {
  return {
    id: slug,
    slug,
    name: slug,
    startMapId: 104000000,
    transitMapIds: [200090060],
    destinationMapId: 140020300,
    capacity: 1,
    boardingWindowMs: 1_000,
    travelMs: 60_000,
    transitMessage: '',
    effectItemIds: [],
    forcedReturnMapId: 0,
    ...overrides,
  };
}

export function instanceRig(
  routes: readonly InstanceRoute[],
  publish: (messages: readonly OutgoingMessage[]) => Promise<void>,
) {
  const configuration: TenantConfiguration = {
    tenant: { ...RIG_TENANT, name: 't', worlds: [], travelRate: 1 },
    routes: [],
    vessels: [],
    instanceRoutes: routes,
    problems: [],
  };
  const clock = new ManualClock(0);
  const tenants = new TenantRegistry();
  tenants.swap(loadTenant(configuration));
  const pending: Promise<unknown>[] = [];
  const transports = new InstanceTransports({
    clock,
    logger: createLogger('silent'),
    metrics: transportMetrics(new Metrics()),
    messages: new TransportMessages(new MessageFactory(resolveTopics({}))),
    publish,
    track: (work) => pending.push(work),
    tenants,
    registry: new InstanceRegistry(),
    newId: () => 'ride-1',
  });
  return { clock, transports, settle: () => Promise.all(pending) };
}

export const decode = (m: OutgoingMessage) =>
  JSON.parse(m.value.toString()) as { type: string; characterId: number; body: Record<string, unknown> };
