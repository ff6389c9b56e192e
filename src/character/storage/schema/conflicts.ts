import type { Queryable } from '../../../platform/db/database.js';
import type { IndexExceptions } from './tables.js';

/**
 * Rules this project enforces that the reference's bugs let data break (character.md §1, decisions B1, B12,
 * B15): such rows may be in an adopted Atlas database. They are reported, never changed.
 */
export type ConflictRule =
  | 'name-equal-but-for-case'
  | 'several-open-sessions'
  | 'saved-location-of-deleted-character';

export interface LegacyConflict {
  readonly rule: ConflictRule;
  readonly tenantId: string;
  /** The table whose rows break the rule, and their ids. */
  readonly table: 'characters' | 'session_history' | 'saved_locations';
  readonly ids: ReadonlyArray<number | string>;
  /** The character the rows belong to (sessions, saved locations). */
  readonly characterId?: number;
  /** The names of the characters, in id order (names). */
  readonly names?: readonly string[];
}

async function tableExists(q: Queryable, table: string): Promise<boolean> {
  const { rows } = await q.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [table]);
  return rows[0]?.found ?? false;
}

// bigint arrays come back as text (only scalar bigints are parsed to numbers): ids are mapped to numbers.
// tenant_id is compared and grouped as text: GORM made it text, another schema may have made it uuid.
const NAMES = `
SELECT tenant_id::text AS "tenantId", array_agg(id ORDER BY id) AS ids, array_agg(name ORDER BY id) AS names
FROM characters GROUP BY tenant_id::text, lower(name) HAVING count(*) > 1 ORDER BY 1, 2`;

const SESSIONS = `
SELECT tenant_id::text AS "tenantId", character_id AS "characterId", array_agg(id ORDER BY id) AS ids
FROM session_history WHERE logout_time IS NULL
GROUP BY tenant_id::text, character_id HAVING count(*) > 1 ORDER BY 1, 2`;

const LOCATIONS = `
SELECT s.tenant_id::text AS "tenantId", s.character_id AS "characterId", array_agg(s.id::text ORDER BY s.id) AS ids
FROM saved_locations s
WHERE NOT EXISTS (SELECT 1 FROM characters c WHERE c.tenant_id::text = s.tenant_id::text AND c.id = s.character_id)
GROUP BY s.tenant_id::text, s.character_id ORDER BY 1, 2`;

/** Every row that breaks one of the rules, grouped by tenant and rule; empty on a database this project made. */
export async function findLegacyConflicts(q: Queryable): Promise<LegacyConflict[]> {
  const conflicts: LegacyConflict[] = [];
  const characters = await tableExists(q, 'characters');
  if (characters) {
    const { rows } = await q.query<{ tenantId: string; ids: number[]; names: string[] }>(NAMES);
    for (const r of rows) {
      conflicts.push({
        rule: 'name-equal-but-for-case',
        tenantId: r.tenantId,
        table: 'characters',
        ids: r.ids.map(Number),
        names: r.names,
      });
    }
  }
  if (await tableExists(q, 'session_history')) {
    const { rows } = await q.query<{ tenantId: string; characterId: number; ids: number[] }>(SESSIONS);
    for (const r of rows) {
      conflicts.push({
        rule: 'several-open-sessions',
        table: 'session_history',
        ...r,
        ids: r.ids.map(Number),
      });
    }
  }
  if (characters && (await tableExists(q, 'saved_locations'))) {
    const { rows } = await q.query<{ tenantId: string; characterId: number; ids: string[] }>(LOCATIONS);
    for (const r of rows) {
      conflicts.push({ rule: 'saved-location-of-deleted-character', table: 'saved_locations', ...r });
    }
  }
  return conflicts;
}

/** The rows the partial unique indexes must leave out so that they can be built over legacy data. */
export function indexExceptions(conflicts: readonly LegacyConflict[]): IndexExceptions {
  const ids = (rule: ConflictRule) =>
    conflicts.filter((c) => c.rule === rule).flatMap((c) => c.ids.map(Number));
  return { characterIds: ids('name-equal-but-for-case'), sessionIds: ids('several-open-sessions') };
}

/** One line an operator reads: the rule, the tenant, the rows. */
export function describeConflict(c: LegacyConflict): string {
  const rows = `${c.table} ${c.ids.join(', ')}`;
  switch (c.rule) {
    case 'name-equal-but-for-case':
      return `tenant ${c.tenantId}: names equal but for case (${c.names?.join(', ')}): ${rows}`;
    case 'several-open-sessions':
      return `tenant ${c.tenantId}: character ${c.characterId} has several open sessions: ${rows}`;
    case 'saved-location-of-deleted-character':
      return `tenant ${c.tenantId}: saved locations of deleted character ${c.characterId}: ${rows}`;
  }
}
