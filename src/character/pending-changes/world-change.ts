import type { Tenant } from '../../platform/tenant.js';
import type { Headers } from '../../platform/wire/headers.js';
import { commit, lockExisting, type OperationContext } from '../processor/context.js';

/**
 * POST /characters/{id}/world-change, the world-transfer saga's last step (head-contract.md C12, K14): moves the
 * character and emits WORLD_CHANGED {oldWorldId, newWorldId} on the new world. Already there: nothing happens.
 */
export async function changeWorld(
  ctx: OperationContext,
  tenant: Tenant,
  cause: Headers | undefined,
  characterId: number,
  newWorldId: number,
  transactionId: string,
): Promise<void> {
  await commit(ctx, undefined, async (tx) => {
    const c = await lockExisting(tx, tenant.id, characterId);
    if (c.worldId === newWorldId) return;
    await tx.client.query('UPDATE characters SET world = $3 WHERE tenant_id = $1 AND id = $2', [
      tenant.id,
      characterId,
      newWorldId,
    ]);
    const emit = ctx.producer.character({ tenant, transactionId, cause }, newWorldId, characterId);
    tx.emit(emit({ type: 'WORLD_CHANGED', body: { oldWorldId: c.worldId, newWorldId } }));
  });
}
