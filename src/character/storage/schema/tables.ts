import type { ColumnSpec, IndexSpec, TableSpec } from '../../../platform/db/adopt.js';

/** Every character column is NOT NULL; most with the default the reference declared but GORM ignored. */
const nn = (name: string, type: string, def?: string): ColumnSpec => ({
  name,
  type,
  notNull: true,
  ...(def === undefined ? {} : { default: def }),
});

/**
 * Rows that broke a rule before this project enforced it (legacy data of an adopted Atlas database): the
 * partial unique indexes leave them out, since an index cannot be built over them. See conflicts.ts.
 */
export interface IndexExceptions {
  /** Characters whose names are equal but for case within their tenant. */
  readonly characterIds: readonly number[];
  /** Open sessions of characters that have several. */
  readonly sessionIds: readonly number[];
}

export const NO_EXCEPTIONS: IndexExceptions = { characterIds: [], sessionIds: [] };

/** `id <> ALL (...)`, or nothing: the ids are integers read from the database, safe to inline in DDL. */
function outside(ids: readonly number[]): string {
  return ids.length === 0
    ? ''
    : `id <> ALL ('{${ids.map((id) => Math.trunc(Number(id))).join(',')}}'::bigint[])`;
}

function where(...conditions: string[]): string {
  const kept = conditions.filter((c) => c !== '');
  return kept.length === 0 ? '' : ` WHERE ${kept.join(' AND ')}`;
}

/** The name index: a violation means the name is taken in the tenant (decisions B1). */
export const NAME_INDEX = 'idx_characters_name';

/** At most one open session per character (decisions B15). */
export const OPEN_SESSION_INDEX = 'idx_session_history_open';

/**
 * The reference's three tables (character.md §1) with its column names and the types GORM derived from the Go
 * types, and this time with real defaults (GORM ignored the reference's `default=N` tags). Beyond the
 * reference: the name is unique per tenant whatever its case (decisions B1), and a character has at most one
 * open session (B15); both indexes leave out the legacy rows that already broke the rule.
 */
export function characterTables(exceptions: IndexExceptions): TableSpec[] {
  const characters: TableSpec = {
    name: 'characters',
    columns: [
      nn('tenant_id', 'text'),
      { name: 'id', type: 'bigserial', primaryKey: true },
      nn('account_id', 'bigint'),
      nn('world', 'smallint'),
      nn('name', 'text'),
      nn('level', 'smallint', '1'),
      nn('experience', 'bigint', '0'),
      nn('gachapon_experience', 'bigint', '0'),
      nn('strength', 'integer', '12'),
      nn('dexterity', 'integer', '5'),
      nn('intelligence', 'integer', '4'),
      nn('luck', 'integer', '4'),
      nn('hp', 'integer', '50'),
      nn('mp', 'integer', '5'),
      nn('max_hp', 'integer', '50'),
      nn('max_mp', 'integer', '5'),
      nn('meso', 'bigint', '0'),
      nn('hpmp_used', 'bigint', '0'),
      nn('job_id', 'integer', '0'),
      nn('skin_color', 'smallint', '0'),
      nn('gender', 'smallint', '0'),
      nn('fame', 'smallint', '0'),
      nn('hair', 'bigint', '0'),
      nn('face', 'bigint', '0'),
      nn('ap', 'integer', '0'),
      nn('sp', 'text', "'0,0,0,0,0,0,0,0,0,0'"),
      // Dropped by Atlas HEAD (atlas-maps owns locations there): added back with these defaults.
      nn('map_id', 'bigint', '0'),
      nn('instance', 'uuid', "'00000000-0000-0000-0000-000000000000'"),
      nn('spawn_point', 'bigint', '0'),
      nn('gm', 'bigint', '0'),
      nn('x', 'smallint', '0'),
      nn('y', 'smallint', '0'),
      nn('stance', 'smallint', '0'),
    ],
    indexes: [
      index(
        NAME_INDEX,
        'UNIQUE',
        'characters (tenant_id, lower(name))',
        where(outside(exceptions.characterIds)),
      ),
      index('idx_characters_account', '', 'characters (tenant_id, account_id, world)'),
      index('idx_characters_map', '', 'characters (tenant_id, world, map_id)'),
    ],
  };
  const sessions: TableSpec = {
    name: 'session_history',
    columns: [
      { name: 'id', type: 'bigserial', primaryKey: true },
      nn('tenant_id', 'text'),
      nn('character_id', 'bigint'),
      nn('world_id', 'smallint'),
      nn('channel_id', 'smallint'),
      nn('login_time', 'timestamptz'),
      { name: 'logout_time', type: 'timestamptz NULL' },
    ],
    indexes: [
      index('idx_session_history_lookup', '', 'session_history (tenant_id, character_id, login_time)'),
      index(
        OPEN_SESSION_INDEX,
        'UNIQUE',
        'session_history (tenant_id, character_id)',
        where('logout_time IS NULL', outside(exceptions.sessionIds)),
      ),
    ],
  };
  const locations: TableSpec = {
    name: 'saved_locations',
    columns: [
      { name: 'id', type: 'uuid', primaryKey: true },
      nn('tenant_id', 'text'),
      nn('character_id', 'bigint'),
      nn('location_type', 'text'),
      nn('map_id', 'bigint'),
      nn('portal_id', 'bigint'),
    ],
    indexes: [
      index(
        'idx_saved_location_lookup',
        'UNIQUE',
        'saved_locations (tenant_id, character_id, location_type)',
      ),
    ],
  };
  return [characters, sessions, locations];
}

function index(name: string, unique: '' | 'UNIQUE', on: string, predicate = ''): IndexSpec {
  return { name, sql: `CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${name} ON ${on}${predicate}` };
}
