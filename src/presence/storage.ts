import type { Migration, Queryable } from '../platform/db/database.js';
import type { CharacterLocation, Field, PresenceState } from '../platform/fields.js';
import { isUuid, normaliseUuid } from '../platform/tenant.js';

/**
 * The location of every character presence has heard of (HEAD atlas-maps' character_locations), and where
 * each stands in the game (the standing columns). atlas-maps keeps who-is-where in memory only; here it is
 * the table, so that a restart of the embedded default keeps the passengers aboard a boat, and every replica
 * (decisions E5) answers "who is in this field" alike, whichever of them followed the character's events.
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
  {
    // Where the character stands as presence announced it (its last CHARACTER_ENTER), which the location
    // runs ahead of while an owner's warp awaits its MAP_CHANGED. It used to live only in each process's
    // memory; here every replica reads it (decisions E5). The rows already IN_FIELD stand at their location,
    // which is what a restart loaded into memory.
    id: 'presence/003-standing',
    sql: `
ALTER TABLE presence ADD COLUMN standing_world smallint, ADD COLUMN standing_channel smallint,
  ADD COLUMN standing_map bigint, ADD COLUMN standing_instance uuid;
UPDATE presence SET standing_world = world, standing_channel = channel, standing_map = map_id,
  standing_instance = instance WHERE state = 'IN_FIELD';
CREATE INDEX idx_presence_standing ON presence
  (tenant_id, standing_world, standing_channel, standing_map, standing_instance)
  WHERE standing_map IS NOT NULL;
`,
  },
];

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

/** Where the character stands (its last ENTER), if anywhere; `lock` holds the row for the transaction. */
export async function standingOf(
  db: Queryable,
  tenantId: string,
  characterId: number,
  lock = false,
): Promise<Field | undefined> {
  const { rows } = await db.query<{ world: number; channel: number; map_id: number; instance: string }>({
    name: lock ? 'presence-standing-lock' : 'presence-standing',
    text: `SELECT standing_world AS world, standing_channel AS channel, standing_map AS map_id,
             standing_instance AS instance
           FROM presence WHERE tenant_id = $1 AND character_id = $2 AND standing_map IS NOT NULL
           ${lock ? 'FOR UPDATE' : ''}`,
    values: [tenantId, characterId],
  });
  const row = rows[0];
  return row
    ? { worldId: row.world, channelId: row.channel, mapId: row.map_id, instance: row.instance }
    : undefined;
}

/** Stands the character in `field` (an ENTER), or nowhere (it left the game); its row must exist. */
export async function setStanding(
  db: Queryable,
  tenantId: string,
  characterId: number,
  field: Field | undefined,
): Promise<void> {
  await db.query({
    name: 'presence-stand',
    text: `UPDATE presence SET standing_world = $3, standing_channel = $4, standing_map = $5,
             standing_instance = $6
           WHERE tenant_id = $1 AND character_id = $2`,
    values: [
      tenantId,
      characterId,
      field?.worldId ?? null,
      field?.channelId ?? null,
      field?.mapId ?? null,
      field?.instance ?? null,
    ],
  });
}

/** Character ids standing in the field (every instance of the map when `instance` is undefined), ascending. */
export async function charactersInField(
  db: Queryable,
  tenantId: string,
  field: Omit<Field, 'instance'> & { readonly instance?: string },
): Promise<number[]> {
  // No row holds an instance that is not a UUID (the column's type): nobody stands there.
  if (field.instance !== undefined && !isUuid(field.instance)) return [];
  const values = [tenantId, field.worldId, field.channelId, field.mapId];
  const { rows } = await db.query<{ character_id: number }>({
    name: field.instance === undefined ? 'presence-map' : 'presence-field',
    text: `SELECT character_id FROM presence
           WHERE tenant_id = $1 AND standing_world = $2 AND standing_channel = $3 AND standing_map = $4
           ${field.instance === undefined ? '' : 'AND standing_instance = $5'}
           ORDER BY character_id`,
    values: field.instance === undefined ? values : [...values, normaliseUuid(field.instance)],
  });
  return rows.map((row) => Number(row.character_id));
}

/**
 * Who stands in each of many fields (tenants mixed), one statement for all: ids ascending per field, in
 * query order. A field whose instance is not a UUID holds nobody (as charactersInField).
 */
export async function charactersInFields(
  db: Queryable,
  queries: ReadonlyArray<{ readonly tenantId: string; readonly field: Field }>,
): Promise<number[][]> {
  const answers: number[][] = queries.map(() => []);
  const tenants: string[] = [];
  const worlds: number[] = [];
  const channels: number[] = [];
  const maps: number[] = [];
  const instances: string[] = [];
  const indexes: number[] = [];
  for (let i = 0; i < queries.length; i++) {
    const { tenantId, field } = queries[i]!;
    if (!isUuid(field.instance)) continue;
    tenants.push(tenantId);
    worlds.push(field.worldId);
    channels.push(field.channelId);
    maps.push(field.mapId);
    instances.push(normaliseUuid(field.instance));
    indexes.push(i);
  }
  if (indexes.length === 0) return answers;
  const { rows } = await db.query<{ i: number; character_id: string | number }>({
    name: 'presence-fields',
    text: `SELECT q.i::int AS i, p.character_id
           FROM unnest($1::text[], $2::smallint[], $3::smallint[], $4::bigint[], $5::uuid[], $6::int[])
             AS q(tenant_id, world, channel, map_id, instance, i)
           JOIN presence p ON p.tenant_id = q.tenant_id AND p.standing_world = q.world
             AND p.standing_channel = q.channel AND p.standing_map = q.map_id
             AND p.standing_instance = q.instance
           ORDER BY q.i, p.character_id`,
    values: [tenants, worlds, channels, maps, instances, indexes],
  });
  for (const row of rows) answers[row.i]!.push(Number(row.character_id));
  return answers;
}
