import * as z from 'zod';
import type { Subscription } from '../../platform/bus/bus.js';
import { consume, parseBody, SkipMessage } from '../../platform/bus/consumer.js';
import type { ServiceContext } from '../../platform/service.js';
import { u8, u32, uuid } from '../../platform/wire/numbers.js';
import { type InstanceTransports, StartError } from '../instances/processor.js';
import { envelope } from './schemas.js';

const startCommand = z.object({
  worldId: u8,
  characterId: u32,
  body: z.object({ routeId: uuid, channelId: u8 }),
});

/** START on COMMAND_TOPIC_INSTANCE_TRANSPORT: the bus twin of POST .../instance-routes/{id}/start. */
export function consumeInstanceCommands(
  context: ServiceContext,
  instances: InstanceTransports,
): Promise<Subscription> {
  return consume({
    bus: context.bus,
    topic: context.messages.topic('COMMAND_TOPIC_INSTANCE_TRANSPORT'),
    group: context.group,
    // Decisions C12: a first deployment must not replay old START commands and warp players.
    start: 'latest',
    schema: envelope,
    logger: context.logger,
    metrics: context.metrics,
    handle: async (value, { tenant, headers, delivery }) => {
      if (value.type !== 'START') return;
      const command = parseBody(startCommand, value, value.type);
      try {
        await instances.start(
          tenant,
          command.body.routeId,
          {
            characterId: command.characterId,
            worldId: command.worldId,
            channelId: command.body.channelId,
          },
          headers,
          delivery,
        );
      } catch (error) {
        if (error instanceof StartError) throw new SkipMessage(error.reason, error.message);
        throw error;
      }
    },
  });
}
