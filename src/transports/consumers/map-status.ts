import * as z from 'zod';
import type { Subscription } from '../../platform/bus/bus.js';
import { consume, parseBody } from '../../platform/bus/consumer.js';
import type { ServiceContext } from '../../platform/service.js';
import { u8, u32 } from '../../platform/wire/numbers.js';
import type { InstanceTransports } from '../instances/processor.js';
import { envelope } from './schemas.js';

const enterEvent = z.object({
  worldId: u8,
  channelId: u8,
  mapId: u32,
  body: z.object({ characterId: u32 }),
});

/** CHARACTER_ENTER from atlas-maps (or the presence module): transit countdowns and map-exit cancels. */
export function consumeMapStatus(
  context: ServiceContext,
  instances: InstanceTransports,
): Promise<Subscription> {
  return consume({
    bus: context.bus,
    topic: context.messages.topic('EVENT_TOPIC_MAP_STATUS'),
    group: context.group,
    start: 'latest',
    schema: envelope,
    logger: context.logger,
    metrics: context.metrics,
    handle: async (value, { tenant, headers, delivery }) => {
      // CHARACTER_EXIT changes nothing: a ride is cancelled by entering a map that is not its own.
      if (value.type !== 'CHARACTER_ENTER') return;
      const event = parseBody(enterEvent, value, value.type);
      const at = {
        characterId: event.body.characterId,
        worldId: event.worldId,
        channelId: event.channelId,
        mapId: event.mapId,
      };
      await instances.mapEntered(tenant, at, headers, delivery);
    },
  });
}
