import { z } from 'zod';
import type { Subscription } from '../../platform/bus/bus.js';
import { consume } from '../../platform/bus/consumer.js';
import { u8, u32 } from '../../platform/wire/numbers.js';
import { type ConsumerDeps, subscriptionOf } from '../commands/deps.js';
import { consumeByType, type TypedHandler, typed } from '../commands/dispatch.js';
import type { SessionTracker } from './tracker.js';

const SESSION_EVENT = z.looseObject({ issuer: z.string(), type: z.string() });
const CHANNEL_SESSION = z.looseObject({ characterId: u32, worldId: u8, channelId: u8 });

/**
 * Channel sessions from atlas-channel (issuer CHANNEL) drive the registry; atlas-login's sessions (issuer
 * LOGIN, character 0) are not character sessions and are ignored, as are types other than CREATED/DESTROYED.
 */
export function consumeSessionEvents(deps: ConsumerDeps, sessions: SessionTracker): Promise<Subscription> {
  const created = typed(CHANNEL_SESSION, (m, c) =>
    sessions.created(c.tenant, c.headers, c.delivery, m.characterId, m.worldId, m.channelId),
  );
  const destroyed = typed(CHANNEL_SESSION, (m, c) => sessions.destroyed(c.tenant, m.characterId, c.delivery));
  return consume({
    ...subscriptionOf(deps),
    topic: deps.messages.topic('EVENT_TOPIC_SESSION_STATUS'),
    start: 'earliest',
    schema: SESSION_EVENT,
    handle: async (message, context) => {
      if (message.issuer !== 'CHANNEL') return;
      if (message.type === 'CREATED') await created(message, context);
      else if (message.type === 'DESTROYED') await destroyed(message, context);
    },
  });
}

const SHUTDOWN = z.looseObject({ worldId: u8, channelId: u8 });

/** A channel announcing SHUTDOWN ends the sessions it hosted, at that moment (decisions B17). */
export function consumeChannelEvents(deps: ConsumerDeps, sessions: SessionTracker): Promise<Subscription> {
  const handlers = new Map<string, TypedHandler>([
    ['SHUTDOWN', typed(SHUTDOWN, (m, c) => sessions.channelShutdown(c.tenant, m.worldId, m.channelId))],
  ]);
  return consumeByType({
    ...subscriptionOf(deps),
    topic: deps.messages.topic('EVENT_TOPIC_CHANNEL_STATUS'),
    handlers,
  });
}
