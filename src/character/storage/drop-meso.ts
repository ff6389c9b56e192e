import type { Queryable } from '../../platform/db/database.js';

/**
 * Never credit one meso pick-up twice (decisions F4). The reference's atlas-drops announces a meso pick-up
 * with RESERVED (the whole amount, to the picker); Atlas HEAD's announces the same pick-up with RESERVED
 * *and* one MESO_AWARDED per party share, all with the pick-up's transaction id, keyed by the drop but
 * spread over partitions by Go's LeastBytes balancer, so they arrive in either order. The rule:
 *
 * 1. Once a tenant has seen any MESO_AWARDED, its drops service is HEAD's: RESERVED never credits meso there
 *    again (drop_meso_protocol, one row per tenant, kept for good).
 * 2. Before that, RESERVED credits as the reference did and records the pick-up (drop id and transaction id,
 *    kept a day); a MESO_AWARDED of a recorded pick-up credits nothing, since the picker has it all already.
 *    This covers the first pick-ups after a switch to HEAD's atlas-drops, whose RESERVED may come first.
 *
 * Both handlers first take a transaction-scoped advisory lock on (tenant, drop), so whatever replica handles
 * either message, one of them commits before the other reads: the check and the credit are one step.
 */
export async function lockDrop(q: Queryable, tenantId: string, dropId: number): Promise<void> {
  await q.query({
    name: 'drop-meso-lock',
    text: "SELECT pg_advisory_xact_lock(hashtext('atlas-ts drop meso'), hashtext($1 || '/' || $2::text))",
    values: [tenantId, dropId],
  });
}

/** Rule 1, read by RESERVED. */
export async function awardsMesoSeparately(q: Queryable, tenantId: string): Promise<boolean> {
  const { rowCount } = await q.query({
    name: 'drop-meso-protocol',
    text: 'SELECT 1 FROM drop_meso_protocol WHERE tenant_id = $1',
    values: [tenantId],
  });
  return (rowCount ?? 0) > 0;
}

/** Rule 1, written by MESO_AWARDED; a no-op once the row is there. */
export async function noteMesoAwarded(q: Queryable, tenantId: string, at: Date): Promise<void> {
  await q.query({
    name: 'drop-meso-protocol-note',
    text: `INSERT INTO drop_meso_protocol (tenant_id, meso_awarded_since) VALUES ($1, $2)
           ON CONFLICT (tenant_id) DO NOTHING`,
    values: [tenantId, at],
  });
}

/** How long a RESERVED credit is remembered: far beyond any lag between two messages of one pick-up. */
export const RESERVED_CREDIT_RETENTION_MS = 24 * 60 * 60 * 1000;

/** Rule 2, written by RESERVED; records older than the retention go at the same time. */
export async function recordReservedCredit(
  q: Queryable,
  tenantId: string,
  dropId: number,
  transactionId: string,
  at: Date,
): Promise<void> {
  await q.query({
    name: 'drop-meso-reserved-prune',
    text: 'DELETE FROM drop_meso_reserved_credits WHERE credited_at < $1',
    values: [new Date(at.getTime() - RESERVED_CREDIT_RETENTION_MS)],
  });
  await q.query({
    name: 'drop-meso-reserved-record',
    text: `INSERT INTO drop_meso_reserved_credits (tenant_id, drop_id, transaction_id, credited_at)
           VALUES ($1, $2, $3, $4)
           ON CONFLICT (tenant_id, drop_id, transaction_id) DO UPDATE SET credited_at = EXCLUDED.credited_at`,
    values: [tenantId, dropId, transactionId, at],
  });
}

/** Rule 2, read by MESO_AWARDED: did RESERVED already credit this pick-up? */
export async function creditedByReserved(
  q: Queryable,
  tenantId: string,
  dropId: number,
  transactionId: string,
  at: Date,
): Promise<boolean> {
  const { rowCount } = await q.query({
    name: 'drop-meso-reserved-find',
    text: `SELECT 1 FROM drop_meso_reserved_credits
           WHERE tenant_id = $1 AND drop_id = $2 AND transaction_id = $3 AND credited_at >= $4`,
    values: [tenantId, dropId, transactionId, new Date(at.getTime() - RESERVED_CREDIT_RETENTION_MS)],
  });
  return (rowCount ?? 0) > 0;
}
