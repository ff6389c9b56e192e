import { z } from 'zod';
import type { Subscription } from '../../platform/bus/bus.js';
import { consume } from '../../platform/bus/consumer.js';
import { NIL_UUID } from '../../platform/tenant.js';
import { u8, u32, uuid } from '../../platform/wire/numbers.js';
import { type ConsumerDeps, subscriptionOf } from '../commands/deps.js';
import { consumeByType, type TypedHandler, typed } from '../commands/dispatch.js';
import { StatusEventSchemas as S } from '../commands/schemas.js';
import { deleteAccount } from '../processor/lifecycle.js';
import { pickUpMeso } from '../processor/meso.js';
import { processJobChange, processLevelChange } from '../processor/progression.js';
import { locationFollowers } from './location.js';

/**
 * The service consumes its own LEVEL_CHANGED and JOB_CHANGED (and anyone else's) to apply the gains, as the
 * reference does; every other status event on the topic is someone else's business.
 */
export function consumeStatusEvents(deps: ConsumerDeps): Promise<Subscription> {
  const { ctx } = deps;
  const handlers = new Map<string, TypedHandler>([
    [
      'LEVEL_CHANGED',
      typed(S.LEVEL_CHANGED, (m, c) =>
        processLevelChange(
          ctx,
          { tenant: c.tenant, transactionId: m.transactionId, cause: c.headers, delivery: c.delivery },
          m.characterId,
          { worldId: m.worldId, channelId: m.body.channelId },
          m.body.amount,
          m.body.current,
        ),
      ),
    ],
    [
      'JOB_CHANGED',
      typed(S.JOB_CHANGED, (m, c) =>
        processJobChange(
          ctx,
          { tenant: c.tenant, transactionId: m.transactionId, cause: c.headers, delivery: c.delivery },
          m.characterId,
          { worldId: m.worldId, channelId: m.body.channelId },
          m.body.jobId,
        ),
      ),
    ],
    ...locationFollowers(ctx),
  ]);
  return consumeByType({
    ...subscriptionOf(deps),
    topic: deps.messages.topic('EVENT_TOPIC_CHARACTER_STATUS'),
    handlers,
  });
}

const RESERVED = z.object({
  worldId: u8,
  channelId: u8,
  mapId: u32,
  instance: uuid.optional().transform((id) => id ?? NIL_UUID),
  dropId: u32,
  type: z.literal('RESERVED'),
  body: z.looseObject({ characterId: u32, meso: u32 }),
});

/** A reserved meso drop is picked up here; item drops and other drop events are not ours. */
export function consumeDropEvents(deps: ConsumerDeps): Promise<Subscription> {
  const { ctx } = deps;
  const handlers = new Map<string, TypedHandler>([
    [
      'RESERVED',
      typed(RESERVED, async (m, c) => {
        if (m.body.meso <= 0) return;
        const field = { worldId: m.worldId, channelId: m.channelId, mapId: m.mapId, instance: m.instance };
        await pickUpMeso(
          ctx,
          { tenant: c.tenant, cause: c.headers, delivery: c.delivery },
          m.body.characterId,
          field,
          m.dropId,
          m.body.meso,
        );
      }),
    ],
  ]);
  return consumeByType({
    ...subscriptionOf(deps),
    topic: deps.messages.topic('EVENT_TOPIC_DROP_STATUS'),
    handlers,
  });
}

// snake_case `account_id`: atlas-account really sends it so.
const ACCOUNT_EVENT = z.looseObject({ status: z.string() });
const ACCOUNT_DELETED = z.looseObject({ account_id: u32, status: z.literal('DELETED') });

/** An account deleted in atlas-account takes its characters (character.md §2.5). */
export function consumeAccountEvents(deps: ConsumerDeps): Promise<Subscription> {
  const { ctx } = deps;
  const deleted = typed(ACCOUNT_DELETED, (m, c) =>
    deleteAccount(
      ctx,
      { tenant: c.tenant, transactionId: NIL_UUID, cause: c.headers, delivery: c.delivery },
      m.account_id,
    ),
  );
  return consume({
    ...subscriptionOf(deps),
    topic: deps.messages.topic('EVENT_TOPIC_ACCOUNT_STATUS'),
    start: 'earliest',
    schema: ACCOUNT_EVENT,
    handle: async (message, context) => {
      if (message.status === 'DELETED') await deleted(message, context);
    },
  });
}
