import type { TableSpec } from '../../platform/db/adopt.js';

/**
 * Atlas HEAD's `teleport_rock_maps` (head-contract.md D2), column for column as its GORM entity made it: one row
 * per saved map, `slot` the 0-based position in its list. A HEAD database already has it; adoption then adds
 * nothing.
 */
export const TELEPORT_ROCK_TABLE: TableSpec = {
  name: 'teleport_rock_maps',
  columns: [
    { name: 'id', type: 'uuid', primaryKey: true },
    { name: 'tenant_id', type: 'uuid', notNull: true },
    { name: 'character_id', type: 'bigint', notNull: true },
    { name: 'list_type', type: 'text', notNull: true },
    { name: 'slot', type: 'bigint', notNull: true },
    { name: 'map_id', type: 'bigint', notNull: true },
  ],
  indexes: [
    {
      name: 'idx_trock_lookup',
      sql: 'CREATE UNIQUE INDEX idx_trock_lookup ON teleport_rock_maps (tenant_id, character_id, list_type, slot)',
    },
  ],
};
