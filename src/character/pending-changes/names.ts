import type { Queryable } from '../../platform/db/database.js';

/**
 * Whether a PENDING name change reserves `name` in the tenant (any case). A reservation blocks creations and
 * renames of that name (HEAD's FR-3.3), or the rename would lose its name at logout. Callers hold the name's
 * lock (storage/characters.ts claimName), which a reservation takes too, so check and insert never race.
 */
export async function isNameReserved(q: Queryable, tenantId: string, name: string): Promise<boolean> {
  const { rows } = await q.query(
    `SELECT 1 FROM character_pending_changes
     WHERE tenant_id = $1 AND requested_name_lower = lower($2) AND status = 'PENDING' AND type = 'NAME_CHANGE'
     LIMIT 1`,
    [tenantId, name],
  );
  return rows.length > 0;
}
