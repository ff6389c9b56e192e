import { z } from 'zod';
import type { Subscription } from '../../platform/bus/bus.js';
import { consume } from '../../platform/bus/consumer.js';
import { NIL_UUID } from '../../platform/tenant.js';
import { u8, u32, uuid } from '../../platform/wire/numbers.js';
import { type ConsumerDeps, subscriptionOf } from '../commands/deps.js';
import { consumeByType, type TypedHandler, typed } from '../commands/dispatch.js';
import { StatusEventSchemas as S } from '../commands/schemas.js';
import { awardPickedUpMeso, type DropPickUp, pickUpReservedMeso } from '../processor/drop-meso.js';
import { deleteAccount } from '../processor/lifecycle.js';
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

/** The envelope of atlas-drops' status events; producers that omit the transaction id mean the nil one. */
function dropEvent<T extends string, B extends z.ZodType>(type: T, body: B) {
  return z.object({
    transactionId: uuid.optional().transform((id) => id ?? NIL_UUID),
    worldId: u8,
    channelId: u8,
    mapId: u32,
    instance: uuid.optional().transform((id) => id ?? NIL_UUID),
    dropId: u32,
    type: z.literal(type),
    body,
  });
}

const RESERVED = dropEvent('RESERVED', z.looseObject({ characterId: u32, meso: u32 }));

const MESO_AWARDED = dropEvent(
  'MESO_AWARDED',
  z.looseObject({ characterId: u32, amount: u32, picker: z.boolean() }),
);

function pickUpOf(m: z.infer<typeof RESERVED> | z.infer<typeof MESO_AWARDED>): DropPickUp {
  return {
    field: { worldId: m.worldId, channelId: m.channelId, mapId: m.mapId, instance: m.instance },
    dropId: m.dropId,
    transactionId: m.transactionId,
  };
}

/**
 * Meso pick-ups, in both protocols: the reference's RESERVED (whole amount) and Atlas HEAD's MESO_AWARDED
 * (one share per party member), never both for one pick-up (processor/drop-meso.ts). Item drops and other
 * drop events are not ours.
 */
export function consumeDropEvents(deps: ConsumerDeps): Promise<Subscription> {
  const { ctx } = deps;
  const handlers = new Map<string, TypedHandler>([
    [
      'RESERVED',
      typed(RESERVED, async (m, c) => {
        if (m.body.meso <= 0) return;
        const scope = { tenant: c.tenant, cause: c.headers, delivery: c.delivery };
        await pickUpReservedMeso(ctx, scope, m.body.characterId, pickUpOf(m), m.body.meso);
      }),
    ],
    [
      'MESO_AWARDED',
      typed(MESO_AWARDED, (m, c) =>
        awardPickedUpMeso(
          ctx,
          { tenant: c.tenant, transactionId: m.transactionId, cause: c.headers, delivery: c.delivery },
          m.body.characterId,
          pickUpOf(m),
          m.body,
        ),
      ),
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
