import type { Database } from '../../platform/db/database.js';
import type { RouteState } from '../core/model.js';

/** A route's last recorded step: the state it was put in and the instant of that step. */
export interface RecordedStep {
  readonly at: number;
  readonly state: RouteState;
}

export interface RouteOwnership {
  owns(tenantId: string, routeId: string): boolean;
  /** The last recorded step of each route (keyed by `stepTopic`); absent when none was recorded. */
  lastSteps(topics: readonly string[]): Promise<Map<string, RecordedStep>>;
}

/**
 * Every step that does something (warps, events) is recorded in the inbox in the transaction that writes its
 * messages, under this group, the route as topic, the state as partition and the instant as offset: a boundary
 * of the timetable is delivered to the fleet once, like a message, whichever replica's timer fires for it.
 */
export const TIMETABLE_GROUP = 'transports:timetable';

export const stepTopic = (tenantId: string, routeId: string) => `${tenantId}/${routeId}`;

// Ordered so that the two steps of one instant (an arrival, then the next departure) compare in order.
const STATE_ORDER: readonly RouteState[] = [
  'out_of_service',
  'awaiting_return',
  'open_entry',
  'locked_entry',
  'in_transit',
];
export const stateOrdinal = (state: RouteState) => STATE_ORDER.indexOf(state);
export const stateOfOrdinal = (ordinal: number): RouteState | undefined => STATE_ORDER[ordinal];

/**
 * A route taken over whose first boundary not performed is older than this starts from its timetable (the
 * start-up sweep) instead of walking every boundary since: hours-old departures and arrivals are not announced.
 */
export const CATCH_UP_HORIZON_MS = 5 * 60_000;

/**
 * Steps older than this are forgotten: a takeover reads only each route's last step and walks back at most
 * CATCH_UP_HORIZON_MS; an hour keeps that step for every route of the bundled timetable (the longest gap
 * between two steps of one route is under an hour) while 12,000 routes keep a few hundred thousand rows.
 */
const KEEP_MS = 3_600_000;

/**
 * Each route's last recorded step (the latest instant; of two steps at one instant, the later state in
 * STATE_ORDER), read from the inbox rows the runner writes with every step's messages.
 */
export async function lastSteps(db: Database, topics: readonly string[]): Promise<Map<string, RecordedStep>> {
  const steps = new Map<string, RecordedStep>();
  if (topics.length === 0) return steps;
  // One index range per route (the inbox's primary key leads with group and topic).
  const { rows } = await db.query<{ topic: string; partition: number; offset: string }>(
    `SELECT t.topic, s.partition, s."offset" FROM unnest($2::text[]) AS t(topic)
     CROSS JOIN LATERAL (
       SELECT partition, "offset" FROM inbox WHERE consumer_group = $1 AND topic = t.topic
       ORDER BY "offset" DESC, partition DESC LIMIT 1
     ) s`,
    [TIMETABLE_GROUP, topics],
  );
  for (const row of rows) {
    const state = stateOfOrdinal(row.partition);
    if (state) steps.set(row.topic, { at: Number(row.offset), state });
  }
  return steps;
}

/** Deletes steps no catch-up will read again. Any replica may run it; a repeat deletes nothing. */
export async function pruneSteps(db: Database, now: number): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM inbox WHERE consumer_group = $1 AND "offset" < $2', [
    TIMETABLE_GROUP,
    now - KEEP_MS,
  ]);
  return rowCount ?? 0;
}
