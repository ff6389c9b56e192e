import * as z from 'zod';
import type { Subscription } from '../../platform/bus/bus.js';
import { consume, parseBody, SkipMessage } from '../../platform/bus/consumer.js';
import type { ServiceContext } from '../../platform/service.js';
import { u8 } from '../../platform/wire/numbers.js';
import type { Channel, ChannelRegistry } from '../channels.js';
import { envelope } from './schemas.js';

const channelEvent = z.object({ type: z.enum(['STARTED', 'SHUTDOWN']), worldId: u8, channelId: u8 });

/** Channel STARTED / SHUTDOWN from atlas-world: the channels whose maps scheduled warps search. */
export function consumeChannelStatus(
  context: ServiceContext,
  channels: ChannelRegistry,
  /** Tells the other replicas (one of them consumed it): written before the offset moves on. */
  share: (tenantId: string, channel: Channel, started: boolean) => Promise<void>,
): Promise<Subscription> {
  return consume({
    bus: context.bus,
    topic: context.messages.topic('EVENT_TOPIC_CHANNEL_STATUS'),
    group: context.group,
    // A channel announced before this service's first start must still be known.
    start: 'earliest',
    schema: envelope,
    logger: context.logger,
    metrics: context.metrics,
    handle: async (value, { tenant }) => {
      if (value.type !== 'STARTED' && value.type !== 'SHUTDOWN') {
        throw new SkipMessage('type', `unhandled channel status [${value.type}]`);
      }
      const event = parseBody(channelEvent, value, value.type);
      const channel = { worldId: event.worldId, channelId: event.channelId };
      const changed =
        event.type === 'STARTED'
          ? channels.register(tenant.id, channel)
          : channels.unregister(tenant.id, channel);
      await share(tenant.id, channel, event.type === 'STARTED');
      if (changed)
        context.logger.info({ tenantId: tenant.id, ...channel, type: event.type }, 'channel status');
    },
  });
}
