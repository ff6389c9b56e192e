import type { Database, Migration } from '../../platform/db/database.js';
import type { RouteControls } from '../core/controls.js';

/**
 * The operators' trip controls (issue 14), one row per (tenant, route): shared by the replicas, kept across
 * restarts. `version` comes from the fleet's shared sequence, so every replica's lease tick sees a change made
 * by another (as it sees reloads) and the route's owner applies it within about a second. `changed_at` is the
 * instant of the last change on the domain clock: the owner re-walks the route from there.
 */
export const CONTROLS_MIGRATION: Migration = {
  id: 'transports/005-route-controls',
  sql: `CREATE TABLE transport_route_controls (
    tenant_id uuid NOT NULL,
    route_id uuid NOT NULL,
    held_since bigint,
    hold_reason text,
    released_since bigint,
    released_at bigint,
    forced_at bigint,
    outage_from bigint,
    outage_until bigint,
    outage_reason text,
    outage_set_at bigint,
    changed_at bigint NOT NULL,
    version bigint NOT NULL,
    PRIMARY KEY (tenant_id, route_id)
  );
  CREATE INDEX transport_route_controls_version ON transport_route_controls (version)`,
};

export interface StoredControls {
  readonly tenantId: string;
  readonly routeId: string;
  readonly controls: RouteControls;
  readonly changedAt: number;
}

interface Row {
  tenant_id: string;
  route_id: string;
  held_since: string | null;
  hold_reason: string | null;
  released_since: string | null;
  released_at: string | null;
  forced_at: string | null;
  outage_from: string | null;
  outage_until: string | null;
  outage_reason: string | null;
  outage_set_at: string | null;
  changed_at: string;
}

const num = (text: string | null) => (text === null ? undefined : Number(text));

function fromRow(row: Row): StoredControls {
  const heldSince = num(row.held_since);
  const releasedSince = num(row.released_since);
  const forcedAt = num(row.forced_at);
  const outageFrom = num(row.outage_from);
  const controls: RouteControls = {
    ...(heldSince !== undefined ? { hold: { since: heldSince, reason: row.hold_reason } } : {}),
    ...(releasedSince !== undefined
      ? { released: { since: releasedSince, at: Number(row.released_at) } }
      : {}),
    ...(forcedAt !== undefined ? { forcedAt } : {}),
    ...(outageFrom !== undefined
      ? {
          outage: {
            from: outageFrom,
            until: Number(row.outage_until),
            reason: row.outage_reason,
            setAt: Number(row.outage_set_at),
          },
        }
      : {}),
  };
  return { tenantId: row.tenant_id, routeId: row.route_id, controls, changedAt: Number(row.changed_at) };
}

/** The controls as the table's columns (held_since .. outage_set_at): the one order they are written and compared in. */
export function columnsOf(controls: RouteControls): Array<number | string | null> {
  const { hold, released, forcedAt, outage } = controls;
  return [
    hold?.since ?? null,
    hold?.reason ?? null,
    released?.since ?? null,
    released?.at ?? null,
    forcedAt ?? null,
    outage?.from ?? null,
    outage?.until ?? null,
    outage?.reason ?? null,
    outage?.setAt ?? null,
  ];
}

export class ControlStore {
  constructor(private readonly db: Database) {}

  /** Every route's controls, or one tenant's. */
  async read(tenantId?: string): Promise<StoredControls[]> {
    const { rows } = await this.db.query<Row>(
      tenantId === undefined
        ? 'SELECT * FROM transport_route_controls'
        : 'SELECT * FROM transport_route_controls WHERE tenant_id = $1',
      tenantId === undefined ? [] : [tenantId],
    );
    return rows.map(fromRow);
  }

  /**
   * Reads the route's controls under its row lock (concurrent changes from two replicas apply one after the
   * other), lets `change` decide the next ones (it may throw: nothing is written) and stores them.
   */
  async change(
    tenantId: string,
    routeId: string,
    at: number,
    change: (current: RouteControls) => RouteControls,
  ): Promise<StoredControls> {
    return this.db.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [
        `route-controls ${tenantId}`,
        routeId,
      ]);
      const { rows } = await client.query<Row>(
        'SELECT * FROM transport_route_controls WHERE tenant_id = $1 AND route_id = $2',
        [tenantId, routeId],
      );
      const next = change(rows[0] ? fromRow(rows[0]).controls : {});
      await client.query(
        `INSERT INTO transport_route_controls (tenant_id, route_id, held_since, hold_reason, released_since,
           released_at, forced_at, outage_from, outage_until, outage_reason, outage_set_at, changed_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, nextval('transport_shared_version'))
         ON CONFLICT (tenant_id, route_id) DO UPDATE SET held_since = EXCLUDED.held_since,
           hold_reason = EXCLUDED.hold_reason, released_since = EXCLUDED.released_since,
           released_at = EXCLUDED.released_at, forced_at = EXCLUDED.forced_at, outage_from = EXCLUDED.outage_from,
           outage_until = EXCLUDED.outage_until, outage_reason = EXCLUDED.outage_reason,
           outage_set_at = EXCLUDED.outage_set_at, changed_at = EXCLUDED.changed_at, version = EXCLUDED.version`,
        [tenantId, routeId, ...columnsOf(next), at],
      );
      return { tenantId, routeId, controls: next, changedAt: at };
    });
  }
}
