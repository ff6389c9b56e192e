import type { Migration, Queryable } from '../platform/db/database.js';
import type { Field } from '../platform/fields.js';

/**
 * The durable copy of the registry: one row per character standing somewhere. atlas-maps keeps presence in
 * memory only; here a restart of the embedded default would then forget the passengers aboard a boat, and
 * its arrival would warp nobody. The field index serves the READ_ONLY reads, which have no registry.
 */
export const PRESENCE_MIGRATIONS: readonly Migration[] = [
  {
    id: 'presence/001-presence',
    sql: `
CREATE TABLE presence (
  tenant_id text NOT NULL,
  character_id bigint NOT NULL,
  world smallint NOT NULL,
  channel smallint NOT NULL,
  map_id bigint NOT NULL,
  instance uuid NOT NULL,
  PRIMARY KEY (tenant_id, character_id)
);
CREATE INDEX idx_presence_field ON presence (tenant_id, world, channel, map_id, instance);
`,
  },
];

export interface Placement {
  readonly tenantId: string;
  readonly characterId: number;
  readonly field: Field;
}

interface PlacementRow {
  tenant_id: string;
  character_id: number;
  world: number;
  channel: number;
  map_id: number;
  instance: string;
}

/** Puts the character in `field`; writing the same placement twice leaves one row (events are redelivered). */
export async function savePlacement(
  db: Queryable,
  tenantId: string,
  characterId: number,
  field: Field,
): Promise<void> {
  await db.query({
    name: 'presence-save',
    text: `INSERT INTO presence (tenant_id, character_id, world, channel, map_id, instance)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (tenant_id, character_id) DO UPDATE
           SET world = EXCLUDED.world, channel = EXCLUDED.channel,
               map_id = EXCLUDED.map_id, instance = EXCLUDED.instance`,
    values: [tenantId, characterId, field.worldId, field.channelId, field.mapId, field.instance],
  });
}

/** Takes the character out of the game; deleting a character that stands nowhere is not an error. */
export async function deletePlacement(db: Queryable, tenantId: string, characterId: number): Promise<void> {
  await db.query({
    name: 'presence-delete',
    text: 'DELETE FROM presence WHERE tenant_id = $1 AND character_id = $2',
    values: [tenantId, characterId],
  });
}

/** Every placement of every tenant: what the registry starts from. */
export async function loadPlacements(db: Queryable): Promise<Placement[]> {
  const { rows } = await db.query<PlacementRow>(
    'SELECT tenant_id, character_id, world, channel, map_id, instance FROM presence',
  );
  return rows.map((row) => ({
    tenantId: row.tenant_id,
    characterId: row.character_id,
    field: { worldId: row.world, channelId: row.channel, mapId: row.map_id, instance: row.instance },
  }));
}

/** Character ids in the field, ascending, read from the table. */
export async function charactersInField(db: Queryable, tenantId: string, field: Field): Promise<number[]> {
  const { rows } = await db.query<{ character_id: number }>({
    name: 'presence-field',
    text: `SELECT character_id FROM presence
           WHERE tenant_id = $1 AND world = $2 AND channel = $3 AND map_id = $4 AND instance = $5
           ORDER BY character_id`,
    values: [tenantId, field.worldId, field.channelId, field.mapId, field.instance],
  });
  return rows.map((row) => row.character_id);
}
