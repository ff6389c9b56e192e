import type { TableSpec } from '../../platform/db/adopt.js';

/**
 * Where a character's session stands between its channel events (decisions E5): the state the session
 * registry used to keep in each process's memory, and the due time of its logout, so that whichever replica
 * handles the next event sees the same state and a survivor fires a logout armed by a replica that died.
 * One row per character with an open session that this project has seen; an open `session_history` row
 * without one is a session from before (a legacy database, or an older version of this project).
 * This project's own table: an adopted Atlas database gains it and nothing of its own tables changes.
 */
export const SESSION_STATE_TABLE: TableSpec = {
  name: 'character_sessions',
  columns: [
    { name: 'tenant_id', type: 'text', notNull: true },
    { name: 'character_id', type: 'bigint', notNull: true },
    // The tenant's headers, for a LOGOUT that a timer sends without a message to take them from.
    { name: 'region', type: 'text', notNull: true },
    { name: 'major_version', type: 'integer', notNull: true },
    { name: 'minor_version', type: 'integer', notNull: true },
    { name: 'world_id', type: 'smallint', notNull: true },
    { name: 'channel_id', type: 'smallint', notNull: true },
    { name: 'state', type: 'text', notNull: true },
    { name: 'since', type: 'timestamptz', notNull: true },
    /** Set in TRANSITION: when the character counts as logged out. */
    { name: 'logout_at', type: 'timestamptz' },
    /** The replica that last changed the row: it fires the logout on time, the others after a grace. */
    { name: 'replica', type: 'uuid', notNull: true },
  ],
  indexes: [
    {
      name: 'idx_character_sessions_key',
      sql: 'CREATE UNIQUE INDEX idx_character_sessions_key ON character_sessions (tenant_id, character_id)',
    },
    {
      name: 'idx_character_sessions_due',
      sql: "CREATE INDEX idx_character_sessions_due ON character_sessions (logout_at) WHERE state = 'TRANSITION'",
    },
  ],
};
