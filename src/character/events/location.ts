import { z } from 'zod';
import { NIL_UUID } from '../../platform/tenant.js';
import { i16, u8, u32, uuid } from '../../platform/wire/numbers.js';
import { type TypedHandler, typed } from '../commands/dispatch.js';
import type { OperationContext } from '../processor/context.js';
import { followChannelChanged, followMapChanged } from '../processor/location.js';
import type { Scope } from '../producer.js';

function statusEvent<B extends z.ZodType>(type: string, body: B) {
  return z.object({
    transactionId: uuid.nullish().transform((id) => id ?? NIL_UUID),
    worldId: u8,
    characterId: u32,
    type: z.literal(type),
    body,
  });
}

// HEAD atlas-maps' bodies (head-contract §3.2); a reference-era MAP_CHANGED lacks the target position.
const MAP_CHANGED = statusEvent(
  'MAP_CHANGED',
  z.object({
    channelId: u8,
    targetMapId: u32,
    targetInstance: uuid,
    targetPortalId: u32,
    useTargetPosition: z.boolean().optional().default(false),
    targetX: i16.optional().default(0),
    targetY: i16.optional().default(0),
  }),
);

const CHANNEL_CHANGED = statusEvent('CHANNEL_CHANGED', z.object({ mapId: u32, instance: uuid }));

/**
 * In `maps` mode (K1, K2, K11) the character service announces no location change; it follows the owner's
 * announcements on its own status topic, so that `characters.map_id`, `instance`, the spawn point and the
 * live position stay what GET /characters/{id} and the next LOGIN need.
 */
export function locationFollowers(ctx: OperationContext): [string, TypedHandler][] {
  if (ctx.locations.owner !== 'maps') return [];
  const scopeOf = (transactionId: string, c: Parameters<TypedHandler>[1]): Scope => ({
    tenant: c.tenant,
    transactionId,
    cause: c.headers,
    delivery: c.delivery,
  });
  return [
    [
      'MAP_CHANGED',
      typed(MAP_CHANGED, (m, c) => followMapChanged(ctx, scopeOf(m.transactionId, c), m.characterId, m.body)),
    ],
    [
      'CHANNEL_CHANGED',
      typed(CHANNEL_CHANGED, (m, c) =>
        followChannelChanged(ctx, scopeOf(m.transactionId, c), m.characterId, m.body),
      ),
    ],
  ];
}
