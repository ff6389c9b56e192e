import type { Database } from '../../platform/db/database.js';
import { type RecordedStep, stateOfOrdinal, TIMETABLE_GROUP } from './runner.js';

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
