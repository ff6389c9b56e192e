import { z } from 'zod';
import type { Subscription } from '../../platform/bus/bus.js';
import { NIL_UUID } from '../../platform/tenant.js';
import { u8, u32, uuid } from '../../platform/wire/numbers.js';
import { type ConsumerDeps, subscriptionOf } from '../commands/deps.js';
import { consumeByType, typed } from '../commands/dispatch.js';
import { changeTeleportRock, type TeleportRockContext } from './processor.js';

/** COMMAND_TOPIC_TELEPORT_ROCK (head-contract.md K10): `{transactionId, worldId, characterId, type, body}`. */
const Command = z.object({
  transactionId: uuid.optional().transform((id) => id ?? NIL_UUID),
  worldId: u8,
  characterId: u32,
  type: z.string(),
  body: z.object({ mapId: u32, vip: z.boolean() }),
});

/**
 * ADD_MAP and REMOVE_MAP from atlas-channel: the change and its LIST_UPDATED, or the ERROR that answers a
 * refusal, commit with the consumed message, so a redelivery changes nothing (decisions E2).
 */
export function consumeTeleportRockCommands(
  deps: ConsumerDeps,
  trc: TeleportRockContext,
): Promise<Subscription> {
  const handler = (kind: 'add' | 'remove') =>
    typed(Command, (m, c) =>
      changeTeleportRock(
        trc,
        { tenant: c.tenant, transactionId: m.transactionId, cause: c.headers, delivery: c.delivery },
        m.characterId,
        { kind, vip: m.body.vip, mapId: m.body.mapId },
        { announce: true, worldId: m.worldId },
      ),
    );
  return consumeByType({
    ...subscriptionOf(deps),
    topic: deps.messages.topic('COMMAND_TOPIC_TELEPORT_ROCK'),
    handlers: new Map([
      ['ADD_MAP', handler('add')],
      ['REMOVE_MAP', handler('remove')],
    ]),
  });
}
