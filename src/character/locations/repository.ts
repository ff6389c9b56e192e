import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../platform/db/database.js';

/** A map and portal a script stored under a name (FREE_MARKET, WORLDTOUR, ...) to return the character to. */
export interface SavedLocation {
  readonly id: string;
  readonly characterId: number;
  readonly locationType: string;
  readonly mapId: number;
  readonly portalId: number;
}

const FIELDS = `id, character_id AS "characterId", location_type AS "locationType", map_id AS "mapId",
  portal_id AS "portalId"`;

/**
 * Insert or update; returns the stored row, so an update answers the id the row keeps (decisions B12), or
 * undefined when it would write a row the tenant did not have for a character the tenant does not have
 * (another tenant's id, or none): tenants cannot write under each other's characters. A row the tenant
 * already has is updated even when its character is gone: an adopted Atlas database keeps such rows, served
 * until deleted (decisions E4). One statement, so a character deleted meanwhile cannot gain a location after
 * its locations were deleted. Parameters go uncast into the insert: an adopted database's tenant_id may be
 * uuid rather than text.
 */
export async function putLocation(
  q: Queryable,
  tenantId: string,
  characterId: number,
  locationType: string,
  mapId: number,
  portalId: number,
): Promise<SavedLocation | undefined> {
  const { rows } = await q.query<SavedLocation>(
    `INSERT INTO saved_locations (tenant_id, character_id, id, location_type, map_id, portal_id)
     SELECT $1, $2, $3, $4, $5, $6
     WHERE EXISTS (SELECT 1 FROM characters WHERE tenant_id = $1 AND id = $2)
        OR EXISTS (SELECT 1 FROM saved_locations WHERE tenant_id = $1 AND character_id = $2 AND location_type = $4)
     ON CONFLICT (tenant_id, character_id, location_type)
     DO UPDATE SET map_id = excluded.map_id, portal_id = excluded.portal_id
     RETURNING ${FIELDS}`,
    [tenantId, characterId, randomUUID(), locationType, mapId, portalId],
  );
  return rows[0];
}

export async function getLocation(
  q: Queryable,
  tenantId: string,
  characterId: number,
  locationType: string,
): Promise<SavedLocation | undefined> {
  const { rows } = await q.query<SavedLocation>(
    `SELECT ${FIELDS} FROM saved_locations WHERE tenant_id = $1 AND character_id = $2 AND location_type = $3`,
    [tenantId, characterId, locationType],
  );
  return rows[0];
}

/** Every location the character has saved, by type (not in the reference: the operator console lists them). */
export async function listLocations(
  q: Queryable,
  tenantId: string,
  characterId: number,
): Promise<SavedLocation[]> {
  const { rows } = await q.query<SavedLocation>(
    `SELECT ${FIELDS} FROM saved_locations WHERE tenant_id = $1 AND character_id = $2 ORDER BY location_type`,
    [tenantId, characterId],
  );
  return rows;
}

/**
 * Deletes and returns the tenant's row in one statement (the reference answered with the deleted document);
 * only the tenant's own rows can go, an adopted database's rows of deleted characters included.
 */
export async function deleteLocation(
  q: Queryable,
  tenantId: string,
  characterId: number,
  locationType: string,
): Promise<SavedLocation | undefined> {
  const { rows } = await q.query<SavedLocation>(
    `DELETE FROM saved_locations WHERE tenant_id = $1 AND character_id = $2 AND location_type = $3
     RETURNING ${FIELDS}`,
    [tenantId, characterId, locationType],
  );
  return rows[0];
}

/** A deleted character takes its saved locations with it (decisions B12). */
export async function deleteLocationsOf(
  q: Queryable,
  tenantId: string,
  characterIds: readonly number[],
): Promise<void> {
  if (characterIds.length === 0) return;
  await q.query('DELETE FROM saved_locations WHERE tenant_id = $1 AND character_id = ANY($2::bigint[])', [
    tenantId,
    characterIds,
  ]);
}
