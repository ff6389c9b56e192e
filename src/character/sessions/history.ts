import type { Queryable } from '../../platform/db/database.js';

/** One channel stint of a character (table session_history). Times in microseconds, as stored. */
export interface SessionRecord {
  readonly id: number;
  readonly characterId: number;
  readonly worldId: number;
  readonly channelId: number;
  readonly loginUs: number;
  readonly logoutUs: number | null;
}

// Microseconds since the epoch fit a double exactly; read them so an adopted Atlas database keeps its precision.
const US = (column: string) => `(extract(epoch FROM ${column}) * 1000000)::bigint`;

/** Closes whatever is open, then opens a stint: at most one open row per character (also a unique index). */
export async function startSession(
  q: Queryable,
  tenantId: string,
  characterId: number,
  worldId: number,
  channelId: number,
  atMs: number,
): Promise<void> {
  await endSession(q, tenantId, characterId, atMs);
  await q.query(
    `INSERT INTO session_history (tenant_id, character_id, world_id, channel_id, login_time)
     VALUES ($1, $2, $3, $4, $5)`,
    [tenantId, characterId, worldId, channelId, new Date(atMs)],
  );
}

export async function endSession(q: Queryable, tenantId: string, characterId: number, atMs: number) {
  await q.query(
    `UPDATE session_history SET logout_time = $3
     WHERE tenant_id = $1 AND character_id = $2 AND logout_time IS NULL`,
    [tenantId, characterId, new Date(atMs)],
  );
}

/** Stints that touch [since, now]: started since, still open, or ended since; oldest first. */
export async function sessionsSince(
  q: Queryable,
  tenantId: string,
  characterId: number,
  sinceMs: number,
): Promise<SessionRecord[]> {
  const { rows } = await q.query<SessionRecord>(
    `SELECT id, character_id AS "characterId", world_id AS "worldId", channel_id AS "channelId",
       ${US('login_time')} AS "loginUs", ${US('logout_time')} AS "logoutUs"
     FROM session_history
     WHERE tenant_id = $1 AND character_id = $2
       AND (login_time >= $3 OR logout_time IS NULL OR logout_time >= $3)
     ORDER BY login_time, id`,
    [tenantId, characterId, new Date(sinceMs)],
  );
  return rows;
}
