import * as z from 'zod';
import type { Subscription } from '../../platform/bus/bus.js';
import { consume, SkipMessage } from '../../platform/bus/consumer.js';
import type { ServiceContext } from '../../platform/service.js';
import { type InstanceTransports, StartError } from '../instances/processor.js';
import { byte, envelope, parseOrSkip, uint32, uuid } from './schemas.js';

const startCommand = z.object({
  worldId: byte,
  characterId: uint32,
  body: z.object({ routeId: uuid, channelId: byte }),
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
    handle: async (value, { tenant, headers }) => {
      if (value.type !== 'START') return;
      const command = parseOrSkip(startCommand, value, value.type);
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
        );
      } catch (error) {
        if (error instanceof StartError) throw new SkipMessage(error.reason, error.message);
        throw error;
      }
    },
  });
}
