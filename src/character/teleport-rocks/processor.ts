import { commit, lockExisting, type OperationContext } from '../processor/context.js';
import type { Scope } from '../producer.js';
import { capacity, eligibleForRegistration, type TeleportRockLists, TeleportRockRefused } from './model.js';
import type { TeleportRockProducer } from './producer.js';
import { findLists, replaceList } from './storage.js';

export interface TeleportRockContext {
  readonly ctx: OperationContext;
  readonly producer: TeleportRockProducer;
}

export interface ListChange {
  readonly kind: 'add' | 'remove';
  readonly vip: boolean;
  readonly mapId: number;
}

/** The list after the change, in HEAD's order of checks: eligibility, room, duplicate; or absence. */
export function decide(lists: TeleportRockLists, change: ListChange): number[] {
  const list = change.vip ? lists.vip : lists.regular;
  if (change.kind === 'remove') {
    if (!list.includes(change.mapId)) throw new TeleportRockRefused('NOT_FOUND');
    return list.filter((m) => m !== change.mapId);
  }
  if (!eligibleForRegistration(change.mapId)) throw new TeleportRockRefused('MAP_NOT_ALLOWED');
  if (list.length >= capacity(change.vip)) throw new TeleportRockRefused('LIST_FULL');
  if (list.includes(change.mapId)) throw new TeleportRockRefused('DUPLICATE');
  return [...list, change.mapId];
}

/**
 * Adds or removes a saved map under the character's row lock, so concurrent changes of one character never
 * lose each other, and announces the list with LIST_UPDATED. A refusal changes nothing: over REST it is thrown
 * (400/404/409), over the bus (`announce`) it is answered with an ERROR event, as HEAD's game path does.
 * `worldId` is the command's, or else the character's.
 */
export function changeTeleportRock(
  trc: TeleportRockContext,
  scope: Scope,
  characterId: number,
  change: ListChange,
  options: { announce: boolean; worldId?: number },
): Promise<TeleportRockLists> {
  const tenantId = scope.tenant.id;
  return commit(trc.ctx, scope.delivery, async (tx) => {
    const c = await lockExisting(tx, tenantId, characterId);
    const worldId = options.worldId ?? c.worldId;
    const lists = await findLists(tx.client, tenantId, characterId);
    let updated: number[];
    try {
      updated = decide(lists, change);
    } catch (error) {
      if (!(error instanceof TeleportRockRefused) || !options.announce) throw error;
      trc.ctx.logger.info({ characterId, ...change, reason: error.reason }, 'teleport rock change refused');
      tx.emit(trc.producer.error(scope, worldId, characterId, change.vip, error.reason));
      return lists;
    }
    await replaceList(tx.client, tenantId, characterId, change.vip, updated);
    tx.emit(
      trc.producer.listUpdated(scope, worldId, characterId, change.vip, change.kind === 'add', updated),
    );
    return change.vip ? { ...lists, vip: updated } : { ...lists, regular: updated };
  });
}
