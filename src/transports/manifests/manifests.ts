import type { Database, Migration, Queryable } from '../../platform/db/database.js';

/**
 * Who rode which trip (issue 14 item 3): one row per character and scheduled voyage or instance ride. Rows
 * are written in the transaction of the warps or ride changes that cause them (a voyage's first announcement,
 * a boarding, a cancel, a ride's ending), so they are exactly once across replicas, and kept 30 days.
 * `departed_at` of an instance ride is when its boarding ends (the ride leaves then).
 */
export const MANIFESTS_MIGRATION: Migration = {
  id: 'transports/006-manifests',
  sql: `CREATE TABLE transport_manifests (
    tenant_id uuid NOT NULL,
    trip_id uuid NOT NULL,
    character_id bigint NOT NULL,
    kind text NOT NULL,
    route_id uuid NOT NULL,
    route_name text NOT NULL,
    boarded_at bigint NOT NULL,
    departed_at bigint,
    ended_at bigint,
    outcome text NOT NULL,
    reason text,
    PRIMARY KEY (tenant_id, trip_id, character_id)
  );
  CREATE INDEX transport_manifests_recent ON transport_manifests (tenant_id, boarded_at DESC);
  CREATE INDEX transport_manifests_character ON transport_manifests (tenant_id, character_id, boarded_at DESC);
  CREATE INDEX transport_manifests_route ON transport_manifests (tenant_id, route_id, boarded_at DESC);
  CREATE INDEX transport_manifests_boarded ON transport_manifests (boarded_at)`,
};

export const MANIFEST_KEEP_MS = 30 * 86_400_000;

export type ManifestKind = 'scheduled' | 'instance';
export type Outcome = 'aboard' | 'delivered' | 'cancelled';

export interface ManifestEntry {
  readonly kind: ManifestKind;
  readonly tenantId: string;
  readonly routeId: string;
  readonly routeName: string;
  readonly tripId: string;
  readonly characterId: number;
  readonly boardedAt: number;
  readonly departedAt: number | null;
  readonly endedAt: number | null;
  readonly outcome: Outcome;
  readonly reason: string | null;
}

/** Characters aboard a trip from `boardedAt` (a boarding again after a cancel starts a new row's life). */
export async function recordBoarded(
  client: Queryable,
  trip: Pick<
    ManifestEntry,
    'kind' | 'tenantId' | 'routeId' | 'routeName' | 'tripId' | 'boardedAt' | 'departedAt'
  >,
  characterIds: readonly number[],
): Promise<void> {
  if (characterIds.length === 0) return;
  await client.query(
    `INSERT INTO transport_manifests (tenant_id, trip_id, character_id, kind, route_id, route_name, boarded_at,
       departed_at, outcome)
     SELECT $1, $2, c, $3, $4, $5, $6, $7, 'aboard' FROM unnest($8::bigint[]) AS c
     ON CONFLICT (tenant_id, trip_id, character_id) DO UPDATE SET boarded_at = EXCLUDED.boarded_at,
       departed_at = EXCLUDED.departed_at, ended_at = NULL, outcome = 'aboard', reason = NULL`,
    [
      trip.tenantId,
      trip.tripId,
      trip.kind,
      trip.routeId,
      trip.routeName,
      trip.boardedAt,
      trip.departedAt,
      characterIds,
    ],
  );
}

/**
 * Ends the rows of a trip still aboard: those of `characterIds` (every one when undefined) with `outcome`;
 * with `others`, the remaining aboard rows of the trip end too, with that outcome and reason.
 */
export async function recordEnded(
  client: Queryable,
  tenantId: string,
  tripId: string,
  at: number,
  ended: {
    readonly characterIds?: readonly number[];
    readonly outcome: Outcome;
    readonly reason: string | null;
  },
  others?: { readonly outcome: Outcome; readonly reason: string },
): Promise<void> {
  const { characterIds, outcome, reason } = ended;
  if (characterIds !== undefined && characterIds.length === 0 && !others) return;
  // One statement at an arrival: the riders delivered and the rest of the trip's aboard rows together.
  await client.query(
    `UPDATE transport_manifests SET ended_at = $3,
       outcome = CASE WHEN $6::bigint[] IS NULL OR character_id = ANY($6::bigint[]) THEN $4 ELSE $7::text END,
       reason = CASE WHEN $6::bigint[] IS NULL OR character_id = ANY($6::bigint[]) THEN $5 ELSE $8::text END
     WHERE tenant_id = $1 AND trip_id = $2 AND outcome = 'aboard'
       AND ($7::text IS NOT NULL OR $6::bigint[] IS NULL OR character_id = ANY($6::bigint[]))`,
    [
      tenantId,
      tripId,
      at,
      outcome,
      reason,
      characterIds ?? null,
      others?.outcome ?? null,
      others?.reason ?? null,
    ],
  );
}

/** A character aboard a scheduled voyage logged out (and was warped off the ship): their voyage ends there. */
export async function recordScheduledLogout(
  client: Queryable,
  tenantId: string,
  characterId: number,
  at: number,
): Promise<void> {
  await client.query(
    `UPDATE transport_manifests SET outcome = 'cancelled', reason = 'logout', ended_at = $3
     WHERE tenant_id = $1 AND character_id = $2 AND kind = 'scheduled' AND outcome = 'aboard'`,
    [tenantId, characterId, at],
  );
}

export interface ManifestFilter {
  readonly routeId?: string;
  readonly characterId?: number;
  readonly tripId?: string;
}

interface Row {
  kind: ManifestKind;
  tenant_id: string;
  route_id: string;
  route_name: string;
  trip_id: string;
  character_id: string;
  boarded_at: string;
  departed_at: string | null;
  ended_at: string | null;
  outcome: Outcome;
  reason: string | null;
}

const orNull = (text: string | null) => (text === null ? null : Number(text));

export class ManifestStore {
  constructor(private readonly db: Database) {}

  /** A tenant's entries matching every given filter, newest boarding first, one page of them and the total. */
  async find(
    tenantId: string,
    filter: ManifestFilter,
    page: { readonly offset: number; readonly limit: number },
  ): Promise<{ entries: ManifestEntry[]; total: number }> {
    const values: unknown[] = [tenantId];
    const where = ['tenant_id = $1'];
    if (filter.routeId !== undefined) where.push(`route_id = $${values.push(filter.routeId)}`);
    if (filter.characterId !== undefined) where.push(`character_id = $${values.push(filter.characterId)}`);
    if (filter.tripId !== undefined) where.push(`trip_id = $${values.push(filter.tripId)}`);
    const { rows } = await this.db.query<Row & { total: string }>(
      `SELECT *, count(*) OVER () AS total FROM transport_manifests WHERE ${where.join(' AND ')}
       ORDER BY boarded_at DESC, trip_id, character_id OFFSET $${values.push(page.offset)} LIMIT $${values.push(page.limit)}`,
      values,
    );
    let total = rows[0] ? Number(rows[0].total) : 0;
    if (rows.length === 0 && page.offset > 0) {
      const counted = await this.db.query<{ n: string }>(
        `SELECT count(*) AS n FROM transport_manifests WHERE ${where.join(' AND ')}`,
        values.slice(0, values.length - 2),
      );
      total = Number(counted.rows[0]!.n);
    }
    return {
      total,
      entries: rows.map((row) => ({
        kind: row.kind,
        tenantId: row.tenant_id,
        routeId: row.route_id,
        routeName: row.route_name,
        tripId: row.trip_id,
        characterId: Number(row.character_id),
        boardedAt: Number(row.boarded_at),
        departedAt: orNull(row.departed_at),
        endedAt: orNull(row.ended_at),
        outcome: row.outcome,
        reason: row.reason,
      })),
    };
  }

  /** When each character aboard a trip boarded (for `.../passengers`). */
  async boardedAt(tenantId: string, tripId: string): Promise<Map<number, number>> {
    const { rows } = await this.db.query<{ character_id: string; boarded_at: string }>(
      `SELECT character_id, boarded_at FROM transport_manifests
       WHERE tenant_id = $1 AND trip_id = $2 AND outcome = 'aboard'`,
      [tenantId, tripId],
    );
    return new Map(rows.map((row) => [Number(row.character_id), Number(row.boarded_at)]));
  }

  /** Forgets rows boarded more than 30 days ago. Any replica, any time: a repeat deletes nothing. */
  async prune(now: number): Promise<number> {
    const { rowCount } = await this.db.query('DELETE FROM transport_manifests WHERE boarded_at < $1', [
      now - MANIFEST_KEEP_MS,
    ]);
    return rowCount ?? 0;
  }
}
