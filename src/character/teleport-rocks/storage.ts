import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../platform/db/database.js';
import { type ListType, listType, type TeleportRockLists } from './model.js';

export async function findLists(
  q: Queryable,
  tenantId: string,
  characterId: number,
): Promise<TeleportRockLists> {
  const { rows } = await q.query<{ list_type: string; map_id: string | number }>(
    `SELECT list_type, map_id FROM teleport_rock_maps
     WHERE tenant_id = $1 AND character_id = $2 ORDER BY list_type, slot`,
    [tenantId, characterId],
  );
  const regular: number[] = [];
  const vip: number[] = [];
  // As HEAD reads them: a row of any list type but "vip" belongs to the regular list.
  for (const r of rows) (r.list_type === 'vip' ? vip : regular).push(Number(r.map_id));
  return { characterId, regular, vip };
}

/**
 * Rewrites one list as HEAD does: delete it, insert the new one with slots 0..n-1. A list holds at most ten
 * rows, so the rewrite keeps the slots contiguous and the unique slot index conflict-free.
 */
export async function replaceList(
  q: Queryable,
  tenantId: string,
  characterId: number,
  vip: boolean,
  maps: readonly number[],
): Promise<void> {
  const list: ListType = listType(vip);
  await q.query(
    'DELETE FROM teleport_rock_maps WHERE tenant_id = $1 AND character_id = $2 AND list_type = $3',
    [tenantId, characterId, list],
  );
  for (const [slot, mapId] of maps.entries()) {
    await q.query(
      `INSERT INTO teleport_rock_maps (id, tenant_id, character_id, list_type, slot, map_id)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [randomUUID(), tenantId, characterId, list, slot, mapId],
    );
  }
}

/** Both lists of the given characters go with them (head-contract.md C9). */
export async function deleteTeleportRocksOf(
  q: Queryable,
  tenantId: string,
  characterIds: readonly number[],
): Promise<void> {
  if (characterIds.length === 0) return;
  await q.query('DELETE FROM teleport_rock_maps WHERE tenant_id = $1 AND character_id = ANY($2::bigint[])', [
    tenantId,
    characterIds,
  ]);
}
