import { describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../../platform/bus/messages.js';
import { MessageFactory } from '../../platform/bus/messages.js';
import { ManualClock } from '../../platform/clock.js';
import { createLogger } from '../../platform/logging.js';
import { Metrics } from '../../platform/metrics.js';
import { resolveTopics } from '../../platform/topics.js';
import type { TenantConfiguration } from '../core/model.js';
import { transportMetrics } from '../metrics.js';
import { TransportMessages } from '../producer.js';
import { loadTenant, TenantRegistry } from '../tenants/loaded-tenant.js';
import { InstanceTransports } from './processor.js';
import { InstanceRegistry } from './registry.js';

const TENANT = {
  id: '083839c6-c47c-42a6-9585-76492795d123',
  region: 'GMS',
  majorVersion: 83,
  minorVersion: 1,
};
const configuration: TenantConfiguration = {
  tenant: { ...TENANT, name: 't', worlds: [], travelRate: 1 },
  routes: [],
  vessels: [],
  instanceRoutes: [
    {
      id: 'whale',
      slug: 'whale',
      name: 'whale',
      startMapId: 104000000,
      transitMapIds: [200090060],
      destinationMapId: 140020300,
      capacity: 1,
      boardingWindowMs: 1_000,
      travelMs: 60_000,
      transitMessage: '',
      effectItemIds: [],
      forcedReturnMapId: 0,
    },
  ],
  problems: [],
};

function setup(publish: (messages: readonly OutgoingMessage[]) => Promise<void>) {
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

const decode = (m: OutgoingMessage) =>
  JSON.parse(m.value.toString()) as { type: string; body: Record<string, unknown> };

describe('instance ride safety net', () => {
  it('sends a ride whose arrival could not be sent back home at 2 × (boarding + travel) with CANCELLED STUCK', async () => {
    const sent: OutgoingMessage[] = [];
    let failArrival = true;
    const { clock, transports, settle } = setup(async (messages) => {
      if (failArrival && messages.some((m) => decode(m).type === 'COMPLETED')) {
        failArrival = false;
        throw new Error('broker unavailable');
      }
      sent.push(...messages);
    });
    await transports.start(TENANT, 'whale', { characterId: 9, worldId: 0, channelId: 1 });
    sent.splice(0);
    clock.set(61_000);
    await settle();
    expect(sent).toEqual([]);
    expect(transports.active()).toBe(1);
    clock.set(121_999);
    await settle();
    expect(sent).toEqual([]);
    clock.set(122_000);
    await settle();
    expect(sent.map((m) => [decode(m).type, decode(m).body])).toEqual([
      [
        'CHANGE_MAP',
        { channelId: 1, mapId: 104000000, instance: '00000000-0000-0000-0000-000000000000', portalId: 0 },
      ],
      ['CANCELLED', { routeId: 'whale', instanceId: 'ride-1', reason: 'STUCK' }],
    ]);
    expect(transports.active()).toBe(0);
  });

  it('does not send home at shutdown a ride whose arrival is being sent', async () => {
    const sent: OutgoingMessage[] = [];
    let arrive = () => {};
    const { clock, transports, settle } = setup(async (messages) => {
      if (messages.some((m) => decode(m).type === 'COMPLETED')) {
        await new Promise<void>((resolve) => {
          arrive = resolve;
        });
      }
      sent.push(...messages);
    });
    await transports.start(TENANT, 'whale', { characterId: 9, worldId: 0, channelId: 1 });
    sent.splice(0);
    clock.set(61_000); // the arrival's messages are on their way
    await transports.shutdown();
    arrive();
    await settle();
    expect(sent.map((m) => [decode(m).type, decode(m).body.mapId])).toEqual([
      ['CHANGE_MAP', 140020300],
      ['COMPLETED', undefined],
    ]);
    expect(transports.active()).toBe(0);
  });
});
