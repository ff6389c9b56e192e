import type { OutgoingMessage } from '../../platform/bus/messages.js';
import type { Database, Migration, Queryable } from '../../platform/db/database.js';
import { type Delivery, recordDelivery } from '../../platform/db/inbox.js';
import type { OutboxWriter } from '../../platform/service.js';
import type { Voyage } from '../core/schedule.js';
import { recordBoarded, recordEnded } from '../manifests/manifests.js';

/**
 * Which voyages were announced departed and which arrived. Timers and rides live in memory, but "was this
 * voyage's arrival announced?" must survive a restart: a voyage that departed before a crash and landed
 * while the service was down is announced arrived at start-up, once, and one whose arrival already went
 * out is not announced again. The row is written in the transaction that writes the voyage's messages to
 * the outbox, so the record and the announcement commit or roll back together (a crash can lose neither
 * one without the other), and the guarded insert/update decides whether the messages go at all: exactly
 * once per voyage, where HEAD sends duplicates and lets atlas-events absorb them. Times are the timetable's
 * epoch milliseconds, not the database clock's.
 */
export const VOYAGES_MIGRATION: Migration = {
  id: 'transports/001-voyages',
  sql: `CREATE TABLE transport_voyages (
    voyage_id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL,
    route_id uuid NOT NULL,
    departed_at bigint NOT NULL,
    arrived_at bigint
  );
  CREATE INDEX transport_voyages_route ON transport_voyages (tenant_id, route_id, departed_at)`,
};

/** Arrived voyages older than this are forgotten: no restart or catch-up reaches that far back. */
const KEEP_MS = 2 * 86_400_000;

/** The messages of one voyage's departure or arrival, sent only when this is its first announcement. */
export interface VoyageStep {
  readonly kind: 'departed' | 'arrived';
  readonly tenantId: string;
  readonly routeId: string;
  readonly routeName: string;
  readonly voyage: Voyage;
  /** Who the departure warp put aboard, or whom the arrival warp delivered (the manifest). */
  readonly riders: readonly number[];
  /** The boundary's instant (arrival time for `arrived`). */
  readonly at: number;
  readonly messages: readonly OutgoingMessage[];
}

/** A transition's messages in order: plain ones always go, a voyage step's only on its first announcement. */
export type VoyagePart = readonly OutgoingMessage[] | VoyageStep;

/** What the runner needs of the log (the benchmark, with no database, stands in for it). */
export interface Voyages {
  /** `step` is the transition's record (see the runner): refused with AlreadyConsumed when written already. */
  send(parts: readonly VoyagePart[], step?: Delivery): Promise<void>;
  unarrived(tenantId: string, routeId: string): Promise<Voyage[]>;
}

export class VoyageLog implements Voyages {
  constructor(
    private readonly db: Database,
    private readonly outbox: OutboxWriter,
  ) {}

  /** One transaction: the step's record, the voyage rows and every message that goes, in order. */
  async send(parts: readonly VoyagePart[], step?: Delivery): Promise<void> {
    await this.db.transaction(async (client) => {
      await recordDelivery(client, step);
      const outgoing: OutgoingMessage[] = [];
      for (const part of parts) {
        if (isStep(part)) {
          if (await this.record(client, part)) outgoing.push(...part.messages);
        } else outgoing.push(...part);
      }
      await this.outbox.write(client, outgoing);
    });
    this.outbox.committed();
  }

  /** Voyages of a route announced departed and never arrived, oldest first. */
  async unarrived(tenantId: string, routeId: string): Promise<Voyage[]> {
    const { rows } = await this.db.query<{ id: string; departedAt: number }>(
      `SELECT voyage_id AS id, departed_at AS "departedAt" FROM transport_voyages
       WHERE tenant_id = $1 AND route_id = $2 AND arrived_at IS NULL ORDER BY departed_at`,
      [tenantId, routeId],
    );
    return rows;
  }

  private async record(client: Queryable, step: VoyageStep): Promise<boolean> {
    const { tenantId, routeId, voyage, at } = step;
    if (step.kind === 'departed') {
      const { rowCount } = await client.query(
        `INSERT INTO transport_voyages (voyage_id, tenant_id, route_id, departed_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING`,
        [voyage.id, tenantId, routeId, voyage.departedAt],
      );
      if (rowCount === 1)
        await recordBoarded(
          client,
          {
            kind: 'scheduled',
            tenantId,
            routeId,
            routeName: step.routeName,
            tripId: voyage.id,
            boardedAt: voyage.departedAt,
            departedAt: voyage.departedAt,
          },
          step.riders,
        );
      return rowCount === 1;
    }
    const { rowCount } = await client.query(
      'UPDATE transport_voyages SET arrived_at = $2 WHERE voyage_id = $1 AND arrived_at IS NULL',
      [voyage.id, at],
    );
    await client.query(
      `DELETE FROM transport_voyages
       WHERE tenant_id = $1 AND route_id = $2 AND arrived_at IS NOT NULL AND departed_at < $3`,
      [tenantId, routeId, at - KEEP_MS],
    );
    if (rowCount === 1) {
      // Whoever boarded and was not in an en-route map at the arrival left the ship some other way.
      await recordEnded(
        client,
        tenantId,
        voyage.id,
        at,
        { characterIds: step.riders, outcome: 'delivered', reason: null },
        { outcome: 'cancelled', reason: 'not-aboard-at-arrival' },
      );
    }
    return rowCount === 1;
  }
}

function isStep(part: VoyagePart): part is VoyageStep {
  return !Array.isArray(part);
}
