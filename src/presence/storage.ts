import type { Migration, Queryable } from '../platform/db/database.js';
import type { CharacterLocation, Field, PresenceState } from '../platform/fields.js';

/**
 * The location of every character presence has heard of (HEAD atlas-maps' character_locations), and the
 * durable copy of the registry: the rows in state IN_FIELD are the characters standing somewhere. atlas-maps
 * keeps who-is-where in memory only; here a restart of the embedded default would then forget the passengers
 * aboard a boat, and its arrival would warp nobody. The field index serves the READ_ONLY reads.
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
  {
    // HEAD atlas-maps' character_locations: a row for every character, offline ones too. The rows already
    // there are characters online (the table used to hold only those), hence IN_FIELD for them.
    id: 'presence/002-locations',
    sql: `
ALTER TABLE presence ADD COLUMN state text NOT NULL DEFAULT 'IN_FIELD';
ALTER TABLE presence ALTER COLUMN state SET DEFAULT 'OFFLINE';
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

/**
 * Stores where the character is and in which state; writing the same location twice leaves one row (events
 * are redelivered). With `keepState`, an existing row keeps its state (a warp of an offline character,
 * HEAD's location.Set) and only a new row takes `state`. Answers the state the row has now.
 */
export async function saveLocation(
  db: Queryable,
  tenantId: string,
  characterId: number,
  field: Field,
  state: PresenceState,
  keepState = false,
): Promise<PresenceState> {
  const { rows } = await db.query<{ state: PresenceState }>({
    name: keepState ? 'presence-move' : 'presence-save',
    text: `INSERT INTO presence (tenant_id, character_id, world, channel, map_id, instance, state)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (tenant_id, character_id) DO UPDATE
           SET world = EXCLUDED.world, channel = EXCLUDED.channel,
               map_id = EXCLUDED.map_id, instance = EXCLUDED.instance
               ${keepState ? '' : ', state = EXCLUDED.state'}
           RETURNING state`,
    values: [tenantId, characterId, field.worldId, field.channelId, field.mapId, field.instance, state],
  });
  return rows[0]!.state;
}

/** Puts the character in `field`, in the game. */
export async function savePlacement(db: Queryable, tenantId: string, characterId: number, field: Field) {
  await saveLocation(db, tenantId, characterId, field, 'IN_FIELD');
}

/**
 * The location a new character starts from (CREATED), offline. A row already there wins: a CREATED read
 * again after the character moved must not send it back to where it was created.
 */
export async function seedLocation(db: Queryable, tenantId: string, characterId: number, field: Field) {
  await db.query({
    name: 'presence-seed',
    text: `INSERT INTO presence (tenant_id, character_id, world, channel, map_id, instance, state)
           VALUES ($1, $2, $3, $4, $5, $6, 'OFFLINE')
           ON CONFLICT (tenant_id, character_id) DO NOTHING`,
    values: [tenantId, characterId, field.worldId, field.channelId, field.mapId, field.instance],
  });
}

interface LocationRow {
  world: number;
  channel: number;
  map_id: number;
  instance: string;
  state: PresenceState;
}

/** The character's location, online or not; `lock` holds the row for the rest of the transaction. */
export async function findLocation(
  db: Queryable,
  tenantId: string,
  characterId: number,
  lock = false,
): Promise<CharacterLocation | undefined> {
  const { rows } = await db.query<LocationRow>({
    name: lock ? 'presence-location-lock' : 'presence-location',
    text: `SELECT world, channel, map_id, instance, state FROM presence
           WHERE tenant_id = $1 AND character_id = $2${lock ? ' FOR UPDATE' : ''}`,
    values: [tenantId, characterId],
  });
  const row = rows[0];
  if (!row) return undefined;
  return {
    worldId: row.world,
    channelId: row.channel,
    mapId: row.map_id,
    instance: row.instance,
    state: row.state,
  };
}

/** Forgets the character (DELETED); deleting a character presence never saw is not an error. */
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
    `SELECT tenant_id, character_id, world, channel, map_id, instance FROM presence WHERE state = 'IN_FIELD'`,
  );
  return rows.map((row) => ({
    tenantId: row.tenant_id,
    characterId: row.character_id,
    field: { worldId: row.world, channelId: row.channel, mapId: row.map_id, instance: row.instance },
  }));
}

/** Character ids in the field (every instance of the map when `instance` is undefined), ascending. */
export async function charactersInField(
  db: Queryable,
  tenantId: string,
  field: Omit<Field, 'instance'> & { readonly instance?: string },
): Promise<number[]> {
  const values = [tenantId, field.worldId, field.channelId, field.mapId];
  const { rows } = await db.query<{ character_id: number }>({
    name: field.instance === undefined ? 'presence-map' : 'presence-field',
    text: `SELECT character_id FROM presence
           WHERE tenant_id = $1 AND world = $2 AND channel = $3 AND map_id = $4 AND state = 'IN_FIELD'
           ${field.instance === undefined ? '' : 'AND instance = $5'}
           ORDER BY character_id`,
    values: field.instance === undefined ? values : [...values, field.instance],
  });
  return rows.map((row) => row.character_id);
}
