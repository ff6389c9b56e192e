import type { Queryable } from '../../platform/db/database.js';
import type { Tenant } from '../../platform/tenant.js';
import { type PendingChange, PendingConflict, type Status } from './model.js';

interface Row {
  id: string;
  tenant_id: string;
  character_id: string | number;
  type: string;
  status: Status;
  requested_name: string | null;
  destination_world_id: number | null;
  source_world_id: number;
  asset_id: string | number | null;
  reason: string;
  transaction_id: string;
  created_at: Date;
  expires_at: Date;
  resolved_at: Date | null;
  notified_at: Date | null;
  region: string | null;
  major_version: number | null;
  minor_version: number | null;
}

const ms = (d: Date | null) => (d === null ? undefined : d.getTime());

function toModel(r: Row): PendingChange {
  return {
    id: r.id,
    characterId: Number(r.character_id),
    type: r.type,
    status: r.status,
    requestedName: r.requested_name ?? '',
    destinationWorldId: r.destination_world_id ?? 0,
    sourceWorldId: r.source_world_id,
    ...(r.asset_id === null ? {} : { assetId: Number(r.asset_id) }),
    reason: r.reason,
    transactionId: r.transaction_id,
    createdAt: r.created_at.getTime(),
    expiresAt: r.expires_at.getTime(),
    ...(r.resolved_at === null ? {} : { resolvedAt: ms(r.resolved_at) }),
    ...(r.notified_at === null ? {} : { notifiedAt: ms(r.notified_at) }),
  };
}

/** A record with the tenant it belongs to, for the sweep, which runs outside any request. */
export interface TenantChange {
  readonly tenant: Tenant;
  readonly change: PendingChange;
}

/** Rows HEAD wrote lack region and version: their messages go with the id alone, as rebuilt sessions do. */
const tenantOf = (r: Row): Tenant => ({
  id: r.tenant_id,
  region: r.region ?? '',
  majorVersion: r.major_version ?? 0,
  minorVersion: r.minor_version ?? 0,
});

/** The partial unique indexes refuse a second PENDING request of a type, and a second reservation of a name. */
export async function insertPendingChange(q: Queryable, tenant: Tenant, c: PendingChange): Promise<void> {
  try {
    await q.query(
      `INSERT INTO character_pending_changes (id, tenant_id, character_id, type, status, requested_name,
         requested_name_lower, destination_world_id, source_world_id, asset_id, reason, transaction_id,
         created_at, expires_at, region, major_version, minor_version)
       VALUES ($1, $2, $3, $4, $5, $6, lower($6), $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [
        c.id,
        tenant.id,
        c.characterId,
        c.type,
        c.status,
        c.requestedName === '' ? null : c.requestedName,
        c.type === 'WORLD_TRANSFER' ? c.destinationWorldId : null,
        c.sourceWorldId,
        c.assetId ?? null,
        c.reason,
        c.transactionId,
        new Date(c.createdAt),
        new Date(c.expiresAt),
        tenant.region,
        tenant.majorVersion,
        tenant.minorVersion,
      ],
    );
  } catch (error) {
    const { code, constraint } = error as { code?: string; constraint?: string };
    if (code === '23505' && constraint === 'idx_pc_one_pending_per_type')
      throw new PendingConflict('already_pending');
    if (code === '23505' && constraint === 'idx_pc_name_reservation')
      throw new PendingConflict('name_reserved');
    throw error;
  }
}

export async function findPendingChange(
  q: Queryable,
  tenantId: string,
  id: string,
): Promise<PendingChange | undefined> {
  const { rows } = await q.query<Row>(
    'SELECT * FROM character_pending_changes WHERE tenant_id = $1 AND id = $2',
    [tenantId, id],
  );
  return rows[0] && toModel(rows[0]);
}

/** Every record of the character, oldest first (HEAD's list is unordered; this one is stable). */
export async function listPendingChanges(
  q: Queryable,
  tenantId: string,
  characterId: number,
): Promise<PendingChange[]> {
  const { rows } = await q.query<Row>(
    `SELECT * FROM character_pending_changes WHERE tenant_id = $1 AND character_id = $2
     ORDER BY created_at, id`,
    [tenantId, characterId],
  );
  return rows.map(toModel);
}

export async function pendingOf(
  q: Queryable,
  tenantId: string,
  characterId: number,
): Promise<PendingChange[]> {
  const { rows } = await q.query<Row>(
    `SELECT * FROM character_pending_changes WHERE tenant_id = $1 AND character_id = $2 AND status = 'PENDING'
     ORDER BY created_at, id`,
    [tenantId, characterId],
  );
  return rows.map(toModel);
}

/**
 * PENDING → `status`, once: the conditional UPDATE is the idempotency key (a second resolution, by a replica,
 * a redelivery or a racing request, moves nothing). Undefined when there is no such record.
 */
export async function transition(
  q: Queryable,
  tenantId: string,
  id: string,
  status: Status,
  reason: string,
  at: number,
): Promise<{ change: PendingChange; moved: boolean } | undefined> {
  const { rows } = await q.query<Row>(
    `UPDATE character_pending_changes SET status = $3, reason = $4, resolved_at = $5
     WHERE tenant_id = $1 AND id = $2 AND status = 'PENDING' RETURNING *`,
    [tenantId, id, status, reason, new Date(at)],
  );
  if (rows[0]) return { change: toModel(rows[0]), moved: true };
  const current = await findPendingChange(q, tenantId, id);
  return current && { change: current, moved: false };
}

/** Resolutions the character was not told of at a login yet, marked told (at `at`) in the same statement. */
export async function takeUnnotified(
  q: Queryable,
  tenantId: string,
  characterId: number,
  at: number,
): Promise<PendingChange[]> {
  const { rows } = await q.query<Row>(
    `UPDATE character_pending_changes SET notified_at = $3
     WHERE tenant_id = $1 AND character_id = $2 AND resolved_at IS NOT NULL AND notified_at IS NULL
     RETURNING *`,
    [tenantId, characterId, new Date(at)],
  );
  return rows.map(toModel).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
}

/** PENDING records of every tenant whose expiry has passed, a batch at a time. */
export async function expiredChanges(q: Queryable, now: number, limit: number): Promise<TenantChange[]> {
  const { rows } = await q.query<Row>(
    `SELECT * FROM character_pending_changes WHERE status = 'PENDING' AND expires_at < $1
     ORDER BY expires_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [new Date(now), limit],
  );
  return rows.map((r) => ({ tenant: tenantOf(r), change: toModel(r) }));
}
