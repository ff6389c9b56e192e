import { adoptTable, existingColumns, existingIndexes } from '../../../platform/db/adopt.js';
import type { Queryable } from '../../../platform/db/database.js';
import type { AdoptingMigration, Step } from '../../../platform/db/migrations.js';
import { findLegacyConflicts, indexExceptions } from './conflicts.js';
import { DROP_MESO_TABLES } from './drop-meso.js';
import { HEAD_FEATURE_TABLES } from './head-features.js';
import { SESSION_STATE_TABLES } from './session-state.js';
import { characterTables, NAME_INDEX, NO_EXCEPTIONS, OPEN_SESSION_INDEX } from './tables.js';

/**
 * Atlas HEAD dropped `map_id` and `instance` after copying them into atlas-maps' `character_locations`
 * (head-contract.md D1). When that table shares this database, the columns added back take its values;
 * otherwise they start at their defaults (map 0, the nil instance) until the character next moves.
 */
async function locationBackfill(q: Queryable, before: Map<string, unknown> | undefined): Promise<Step[]> {
  if (!before || before.has('map_id')) return [];
  const locations = await existingColumns(q, 'character_locations');
  if (!locations || !['tenant_id', 'character_id', 'map_id', 'instance'].every((c) => locations.has(c)))
    return [];
  return [
    {
      summary: 'fill characters.map_id and instance from character_locations (atlas-maps)',
      sql: `UPDATE characters AS c SET map_id = l.map_id, instance = l.instance
            FROM character_locations AS l
            WHERE l.tenant_id::text = c.tenant_id::text AND l.character_id = c.id`,
    },
  ];
}

/**
 * The character service's tables, on an empty database, on one this project made, or on one atlas-character
 * made with GORM (either era): whatever is missing is added, nothing is dropped, no existing value changes.
 */
export const CHARACTER_TABLES: AdoptingMigration = {
  id: 'character/tables',
  async plan(q) {
    // Legacy rows matter only to a unique index still to be built, and finding them reads every row.
    const indexes = await existingIndexes(q);
    const built = indexes.has(NAME_INDEX) && indexes.has(OPEN_SESSION_INDEX);
    const exceptions = built ? NO_EXCEPTIONS : indexExceptions(await findLegacyConflicts(q));
    const before = await existingColumns(q, 'characters');
    const steps: Step[] = [];
    for (const table of [...characterTables(exceptions), ...DROP_MESO_TABLES]) {
      steps.push(...(await adoptTable(q, table)));
    }
    steps.push(...(await locationBackfill(q, before)));
    return steps;
  },
};

export const CHARACTER_MIGRATIONS = [CHARACTER_TABLES, HEAD_FEATURE_TABLES, SESSION_STATE_TABLES] as const;
