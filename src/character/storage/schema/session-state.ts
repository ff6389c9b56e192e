import { adoptTable } from '../../../platform/db/adopt.js';
import type { AdoptingMigration } from '../../../platform/db/migrations.js';
import { SESSION_STATE_TABLE } from '../../sessions/schema.js';

/** The shared session state of the replicas (decisions E5): this project's own table, created when missing. */
export const SESSION_STATE_TABLES: AdoptingMigration = {
  id: 'character/session-state',
  plan: (q) => adoptTable(q, SESSION_STATE_TABLE),
};
