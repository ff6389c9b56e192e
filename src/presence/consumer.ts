import { z } from 'zod';
import type { Subscription } from '../platform/bus/bus.js';
import { consume, SkipMessage } from '../platform/bus/consumer.js';
import type { ServiceContext } from '../platform/service.js';
import { characterStatusEnvelope, isPresenceEventType, parseCharacterStatus } from './character-events.js';
import { CHANGE_MAP, CHANNEL_CHANGE_REQUEST, parseWith } from './commands.js';
import type { LocationOwner } from './owner.js';
import type { PresenceProcessor } from './processor.js';

/**
 * Subscribes presence to EVENT_TOPIC_CHARACTER_STATUS as atlas-maps does (its group, "Map Service").
 * Presence starts from the earliest retained message: in the in-process bus, the character service may
 * publish a LOGIN before this subscription exists, and a missed LOGIN would leave the character invisible.
 */
export function consumeCharacterStatus(
  context: ServiceContext,
  processor: PresenceProcessor,
): Promise<Subscription> {
  const { logger } = context;
  return consume({
    bus: context.bus,
    topic: context.messages.topic('EVENT_TOPIC_CHARACTER_STATUS'),
    group: context.group,
    start: 'earliest',
    schema: characterStatusEnvelope,
    logger,
    metrics: context.metrics,
    handle: async (value, message) => {
      // Most types on this topic are for other services; atlas-maps filters the same way, silently.
      if (!isPresenceEventType(value.type)) return;
      const parsed = parseCharacterStatus(value.type, value);
      if (!parsed.ok) throw new SkipMessage('schema', parsed.detail);
      const { event } = parsed;
      logger.debug(
        { tenant: message.tenant.id, characterId: event.characterId, type: event.type },
        'presence',
      );
      await processor.reactAndEmit(
        event,
        { tenant: message.tenant, headers: message.headers },
        message.delivery,
      );
    },
  });
}

const commandEnvelope = z.looseObject({ type: z.string() });

/**
 * As location owner, presence takes CHANGE_MAP off COMMAND_TOPIC_CHARACTER (the other commands there are
 * the character service's) and every CHANNEL_CHANGE_REQUEST, in atlas-maps' group as HEAD atlas-maps does.
 */
export function consumeLocationCommands(
  context: ServiceContext,
  owner: LocationOwner,
): Promise<Subscription[]> {
  const common = {
    bus: context.bus,
    group: context.group,
    // Not 'earliest': a group that has read only the status topic so far (presence before it owned location)
    // has no offset here, and replaying the retained history of warps would send characters back in time.
    start: 'latest' as const,
    logger: context.logger,
    metrics: context.metrics,
  };
  return Promise.all([
    consume({
      ...common,
      topic: context.messages.topic('COMMAND_TOPIC_CHARACTER'),
      schema: commandEnvelope,
      handle: async (value, message) => {
        if (value.type !== 'CHANGE_MAP') return;
        const parsed = parseWith(CHANGE_MAP, value);
        if (!parsed.ok) throw new SkipMessage('schema', `CHANGE_MAP ${parsed.detail}`);
        await owner.changeMap(parsed.value, message, message.delivery);
      },
    }),
    consume({
      ...common,
      topic: context.messages.topic('COMMAND_TOPIC_CHARACTER_CHANNEL_CHANGE_REQUEST'),
      schema: CHANNEL_CHANGE_REQUEST,
      handle: (value, message) => owner.changeChannel(value, message, message.delivery),
    }),
  ]);
}
