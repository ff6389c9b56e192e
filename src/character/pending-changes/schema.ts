import type { TableSpec } from '../../platform/db/adopt.js';

/**
 * Atlas HEAD's `character_pending_changes` (head-contract.md D3) with its two partial unique indexes, which are
 * the mechanism, not a guard: one PENDING request per character and type, and one PENDING reservation per
 * lowered name. Beyond HEAD: the tenant's region and version, so that the expiry sweep, which runs without a
 * request, can send its messages with the tenant headers (HEAD asks the tenants service instead). Rows HEAD
 * wrote have them NULL.
 */
export const PENDING_CHANGE_TABLE: TableSpec = {
  name: 'character_pending_changes',
  columns: [
    { name: 'id', type: 'uuid', primaryKey: true },
    { name: 'tenant_id', type: 'uuid', notNull: true },
    { name: 'character_id', type: 'bigint', notNull: true },
    { name: 'type', type: 'text', notNull: true },
    { name: 'status', type: 'text', notNull: true },
    { name: 'requested_name', type: 'text' },
    { name: 'requested_name_lower', type: 'text' },
    { name: 'destination_world_id', type: 'smallint' },
    { name: 'source_world_id', type: 'smallint', notNull: true },
    { name: 'asset_id', type: 'bigint' },
    { name: 'reason', type: 'text', notNull: true, default: "''" },
    { name: 'transaction_id', type: 'uuid', notNull: true },
    { name: 'created_at', type: 'timestamptz', notNull: true },
    { name: 'expires_at', type: 'timestamptz', notNull: true },
    { name: 'resolved_at', type: 'timestamptz' },
    { name: 'notified_at', type: 'timestamptz' },
    { name: 'region', type: 'text' },
    { name: 'major_version', type: 'integer' },
    { name: 'minor_version', type: 'integer' },
  ],
  indexes: [
    {
      name: 'idx_pc_tenant_char',
      sql: 'CREATE INDEX idx_pc_tenant_char ON character_pending_changes (tenant_id, character_id)',
    },
    { name: 'idx_pc_status', sql: 'CREATE INDEX idx_pc_status ON character_pending_changes (status)' },
    {
      name: 'idx_pc_one_pending_per_type',
      sql: `CREATE UNIQUE INDEX idx_pc_one_pending_per_type ON character_pending_changes (tenant_id, character_id, type) WHERE status = 'PENDING'`,
    },
    {
      name: 'idx_pc_name_reservation',
      sql: `CREATE UNIQUE INDEX idx_pc_name_reservation ON character_pending_changes (tenant_id, requested_name_lower) WHERE status = 'PENDING' AND type = 'NAME_CHANGE'`,
    },
  ],
};
