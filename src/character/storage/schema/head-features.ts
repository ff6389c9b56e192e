import { adoptTable } from '../../../platform/db/adopt.js';
import type { AdoptingMigration, Step } from '../../../platform/db/migrations.js';
import { PENDING_CHANGE_TABLE } from '../../pending-changes/schema.js';
import { TELEPORT_ROCK_TABLE } from '../../teleport-rocks/schema.js';

/**
 * The tables of Atlas HEAD's teleport rocks (#1012) and pending changes (#1370). A HEAD-era database already
 * has them, with rows: like the reference's tables they are adopted, created only when missing.
 */
export const HEAD_FEATURE_TABLES: AdoptingMigration = {
  id: 'character/head-features',
  async plan(q) {
    const steps: Step[] = [];
    for (const table of [TELEPORT_ROCK_TABLE, PENDING_CHANGE_TABLE])
      steps.push(...(await adoptTable(q, table)));
    return steps;
  },
};
