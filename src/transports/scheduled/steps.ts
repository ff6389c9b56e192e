import type { Database } from '../../platform/db/database.js';
import { type RecordedStep, stateOfOrdinal, TIMETABLE_GROUP } from './runner.js';

/** Steps older than this are forgotten: no takeover or restart walks back that far (see CATCH_UP_HORIZON_MS). */
const KEEP_MS = 2 * 86_400_000;

/**
 * Each route's last recorded step (the latest instant; of two steps at one instant, the later state in
 * STATE_ORDER), read from the inbox rows the runner writes with every step's messages.
 */
export async function lastSteps(db: Database, topics: readonly string[]): Promise<Map<string, RecordedStep>> {
  const steps = new Map<string, RecordedStep>();
  if (topics.length === 0) return steps;
  const { rows } = await db.query<{ topic: string; partition: number; offset: string }>(
    `SELECT DISTINCT ON (topic) topic, partition, "offset" FROM inbox
     WHERE consumer_group = $1 AND topic = ANY($2::text[])
     ORDER BY topic, "offset" DESC, partition DESC`,
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
