import type { TableSpec } from '../../../platform/db/adopt.js';

/**
 * The bookkeeping that keeps one meso pick-up from being credited twice when Atlas HEAD's atlas-drops
 * announces it both ways (RESERVED with the whole amount, and MESO_AWARDED per party share); see
 * storage/drop-meso.ts for the rule. atlas-ts's own tables: Atlas never had them, and Go ignores them.
 */
export const DROP_MESO_TABLES: readonly TableSpec[] = [
  {
    // One row per tenant once it has seen MESO_AWARDED: from then on RESERVED never credits meso there.
    name: 'drop_meso_protocol',
    columns: [
      { name: 'tenant_id', type: 'text', primaryKey: true },
      { name: 'meso_awarded_since', type: 'timestamptz', notNull: true, default: 'now()' },
    ],
    indexes: [],
  },
  {
    // The meso pick-ups RESERVED credited before that, for a day: a MESO_AWARDED of one of them is skipped.
    name: 'drop_meso_reserved_credits',
    columns: [
      { name: 'tenant_id', type: 'text', notNull: true },
      { name: 'drop_id', type: 'bigint', notNull: true },
      { name: 'transaction_id', type: 'uuid', notNull: true },
      { name: 'credited_at', type: 'timestamptz', notNull: true, default: 'now()' },
    ],
    indexes: [
      {
        name: 'idx_drop_meso_reserved_credits',
        sql: 'CREATE UNIQUE INDEX idx_drop_meso_reserved_credits ON drop_meso_reserved_credits (tenant_id, drop_id, transaction_id)',
      },
      {
        name: 'idx_drop_meso_reserved_credits_age',
        sql: 'CREATE INDEX idx_drop_meso_reserved_credits_age ON drop_meso_reserved_credits (credited_at)',
      },
    ],
  },
];
