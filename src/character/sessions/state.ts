import type { Queryable } from '../../platform/db/database.js';
import type { Tenant } from '../../platform/tenant.js';

/**
 * LOGGED_IN: the character plays on a channel. TRANSITION: its channel session ended; unless a new one starts
 * before `logoutAt` (a channel change), the character logs out. Logged out is the absence of an open session.
 */
export type SessionState = 'LOGGED_IN' | 'TRANSITION';

export interface StoredSession {
  readonly worldId: number;
  readonly channelId: number;
  readonly state: SessionState;
  /** The tenant as last heard (undefined for a session only known from its open history row). */
  readonly tenant?: Tenant;
  readonly logoutAt?: number;
  /** The replica that last changed it; undefined for a session only known from its open history row. */
  readonly replica?: string;
}

export interface SessionWrite {
  readonly tenant: Tenant;
  readonly characterId: number;
  readonly worldId: number;
  readonly channelId: number;
  readonly state: SessionState;
  readonly since: number;
  readonly logoutAt?: number;
  readonly replica: string;
}

interface StateRow {
  region: string;
  major_version: number;
  minor_version: number;
  world_id: number;
  channel_id: number;
  state: SessionState;
  logout_at: Date | null;
  replica: string;
}

/**
 * Every transition of one character's session, on any replica, holds this lock until its transaction ends:
 * a LOGOUT timer, a CREATED and a channel shutdown never interleave, whichever replicas run them. The key is
 * 64 bits of a hash of tenant and character (character ids are 32-bit unsigned, too wide for the two-key form).
 */
const LOCK_KEY = "hashtextextended('atlas-ts session ' || $1 || ':' || $2, 0)";

export async function lockSession(q: Queryable, tenantId: string, characterId: number): Promise<void> {
  await q.query(`SELECT pg_advisory_xact_lock(${LOCK_KEY})`, [tenantId, String(characterId)]);
}

/** The lock, unless another transaction holds it (then that one is already dealing with the session). */
export async function tryLockSession(q: Queryable, tenantId: string, characterId: number): Promise<boolean> {
  const { rows } = await q.query<{ locked: boolean }>(
    `SELECT pg_try_advisory_xact_lock(${LOCK_KEY}) AS locked`,
    [tenantId, String(characterId)],
  );
  return rows[0]?.locked === true;
}

/**
 * The character's open session: its state row when this project has seen it, else its open history row
 * (logged in, origin unknown). No open history row means logged out, whatever a stale state row says.
 */
export async function readSession(
  q: Queryable,
  tenantId: string,
  characterId: number,
): Promise<StoredSession | undefined> {
  const { rows: open } = await q.query<{ world_id: number; channel_id: number }>(
    `SELECT world_id, channel_id FROM session_history
     WHERE tenant_id = $1 AND character_id = $2 AND logout_time IS NULL
     ORDER BY login_time DESC, id DESC LIMIT 1`,
    [tenantId, characterId],
  );
  const history = open[0];
  if (!history) return undefined;
  const { rows } = await q.query<StateRow>(
    `SELECT region, major_version, minor_version, world_id, channel_id, state, logout_at, replica
     FROM character_sessions WHERE tenant_id = $1 AND character_id = $2`,
    [tenantId, characterId],
  );
  const row = rows[0];
  if (!row) return { worldId: history.world_id, channelId: history.channel_id, state: 'LOGGED_IN' };
  return {
    worldId: row.world_id,
    channelId: row.channel_id,
    state: row.state,
    tenant: {
      id: tenantId,
      region: row.region,
      majorVersion: row.major_version,
      minorVersion: row.minor_version,
    },
    ...(row.logout_at ? { logoutAt: row.logout_at.getTime() } : {}),
    replica: row.replica,
  };
}

export async function saveSession(q: Queryable, s: SessionWrite): Promise<void> {
  await q.query(
    `INSERT INTO character_sessions (tenant_id, character_id, region, major_version, minor_version,
       world_id, channel_id, state, since, logout_at, replica)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (tenant_id, character_id) DO UPDATE SET region = EXCLUDED.region,
       major_version = EXCLUDED.major_version, minor_version = EXCLUDED.minor_version,
       world_id = EXCLUDED.world_id, channel_id = EXCLUDED.channel_id, state = EXCLUDED.state,
       since = EXCLUDED.since, logout_at = EXCLUDED.logout_at, replica = EXCLUDED.replica`,
    [
      s.tenant.id,
      s.characterId,
      s.tenant.region,
      s.tenant.majorVersion,
      s.tenant.minorVersion,
      s.worldId,
      s.channelId,
      s.state,
      new Date(s.since),
      s.logoutAt === undefined ? null : new Date(s.logoutAt),
      s.replica,
    ],
  );
}

export async function forgetSession(q: Queryable, tenantId: string, characterId: number): Promise<void> {
  await q.query('DELETE FROM character_sessions WHERE tenant_id = $1 AND character_id = $2', [
    tenantId,
    characterId,
  ]);
}

export interface DueLogout {
  readonly tenantId: string;
  readonly characterId: number;
}

/**
 * Sessions in transition whose logout is due for this replica: its own at `logoutAt`, another's only once
 * `graceMs` later (that replica fires them itself unless it died; the grace saves a lookup racing it).
 */
export async function dueLogouts(
  q: Queryable,
  replica: string,
  now: number,
  graceMs: number,
  limit: number,
): Promise<DueLogout[]> {
  const { rows } = await q.query<{ tenant_id: string; character_id: number }>(
    `SELECT tenant_id, character_id FROM character_sessions
     WHERE state = 'TRANSITION' AND (logout_at <= $2 OR (replica = $1 AND logout_at <= $3))
     ORDER BY logout_at LIMIT $4`,
    [replica, new Date(now - graceMs), new Date(now), limit],
  );
  return rows.map((r) => ({ tenantId: r.tenant_id, characterId: Number(r.character_id) }));
}

/** When this replica should next look for due logouts (after `now`), by the same rule; undefined for none. */
export async function nextLogout(
  q: Queryable,
  replica: string,
  now: number,
  graceMs: number,
): Promise<number | undefined> {
  const { rows } = await q.query<{ at: Date | null }>(
    `SELECT min(CASE WHEN replica = $1 THEN logout_at ELSE logout_at + make_interval(secs => $3 / 1000.0) END) AS at
     FROM character_sessions
     WHERE state = 'TRANSITION'
       AND CASE WHEN replica = $1 THEN logout_at ELSE logout_at + make_interval(secs => $3 / 1000.0) END > $2`,
    [replica, new Date(now), graceMs],
  );
  return rows[0]?.at ? rows[0].at.getTime() : undefined;
}

/** Sessions in transition that this replica armed: a clean shutdown logs them out now. */
export async function transitionsOf(q: Queryable, replica: string): Promise<DueLogout[]> {
  const { rows } = await q.query<{ tenant_id: string; character_id: number }>(
    `SELECT tenant_id, character_id FROM character_sessions WHERE state = 'TRANSITION' AND replica = $1`,
    [replica],
  );
  return rows.map((r) => ({ tenantId: r.tenant_id, characterId: Number(r.character_id) }));
}

/** Characters with an open session on a channel (a channel that shuts down ends them). */
export async function openOnChannel(
  q: Queryable,
  tenantId: string,
  worldId: number,
  channelId: number,
): Promise<number[]> {
  const { rows } = await q.query<{ character_id: number }>(
    `SELECT character_id FROM session_history
     WHERE tenant_id = $1 AND world_id = $2 AND channel_id = $3 AND logout_time IS NULL`,
    [tenantId, worldId, channelId],
  );
  return rows.map((r) => Number(r.character_id));
}
