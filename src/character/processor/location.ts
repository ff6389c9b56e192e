import type { Scope } from '../producer.js';
import { updateCharacter } from '../storage/characters.js';
import { commit, lockExisting, type OperationContext } from './context.js';

export interface MapChange {
  readonly targetMapId: number;
  readonly targetInstance: string;
  readonly targetPortalId: number;
  readonly useTargetPosition: boolean;
  readonly targetX: number;
  readonly targetY: number;
}

/**
 * The owner's MAP_CHANGED, followed (`maps` mode): what CHANGE_MAP does in `character` mode (B13), without
 * announcing anything. The live position is the exact landing when the owner gave one (Mystic Door), else
 * the target portal's as the data service knows it, else 0,0. The look-up happens before the row lock.
 */
export async function followMapChanged(
  ctx: OperationContext,
  scope: Scope,
  characterId: number,
  change: MapChange,
): Promise<void> {
  const portal = change.useTargetPosition
    ? { x: change.targetX, y: change.targetY }
    : await ctx.portals.position(scope.tenant, change.targetMapId, change.targetPortalId);
  await commit(ctx, scope.delivery, async (tx) => {
    await lockExisting(tx, scope.tenant.id, characterId);
    await updateCharacter(tx.client, scope.tenant.id, characterId, {
      mapId: change.targetMapId,
      instance: change.targetInstance,
      spawnPoint: change.targetPortalId,
    });
  });
  ctx.positions.place(scope.tenant.id, characterId, portal?.x ?? 0, portal?.y ?? 0);
}

/** The owner's CHANNEL_CHANGED, followed: its forced return may have moved the character to another map. */
export async function followChannelChanged(
  ctx: OperationContext,
  scope: Scope,
  characterId: number,
  at: { readonly mapId: number; readonly instance: string },
): Promise<void> {
  await commit(ctx, scope.delivery, async (tx) => {
    const c = await lockExisting(tx, scope.tenant.id, characterId);
    if (c.mapId === at.mapId && c.instance === at.instance) return;
    await updateCharacter(tx.client, scope.tenant.id, characterId, {
      mapId: at.mapId,
      instance: at.instance,
    });
  });
}
