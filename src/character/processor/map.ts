import type { Field } from '../../platform/fields.js';
import { Events, type Scope } from '../producer.js';
import { updateCharacter } from '../storage/characters.js';
import { commit, lockExisting, type OperationContext } from './context.js';

/**
 * CHANGE_MAP (decisions B13): the map, instance and spawn point (the target portal) are stored and
 * MAP_CHANGED always goes out; the live position becomes the portal's when the data service knows it, else
 * 0,0. The look-up happens first, so a slow or failing data service neither holds the row lock nor leaves
 * a map change half announced.
 */
export async function changeMap(
  ctx: OperationContext,
  scope: Scope,
  characterId: number,
  field: Field,
  portalId: number,
): Promise<void> {
  const portal = await ctx.portals.position(scope.tenant, field.mapId, portalId);
  await commit(ctx, scope.delivery, async (tx) => {
    const c = await lockExisting(tx, scope.tenant.id, characterId);
    await updateCharacter(tx.client, scope.tenant.id, characterId, {
      mapId: field.mapId,
      instance: field.instance,
      spawnPoint: portalId,
    });
    const target = { mapId: field.mapId, instance: field.instance, portalId };
    tx.emit(
      ctx.producer.character(
        scope,
        field.worldId,
        characterId,
      )(Events.mapChanged(field.channelId, c, target)),
    );
  });
  ctx.positions.place(scope.tenant.id, characterId, portal?.x ?? 0, portal?.y ?? 0);
}
