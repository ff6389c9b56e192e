import type { TimerHandle } from '../../platform/clock.js';
import type { TaskTracker } from '../../platform/tasks.js';
import { commit } from '../processor/context.js';
import { type PendingChangeContext, resolveIn } from './processor.js';
import { expiredChanges } from './storage.js';

/** HEAD's sweep period (`AC/main.go@HEAD` line 158). */
export const SWEEP_INTERVAL_MS = 15 * 60_000;

const BATCH = 500;

/** One sweeper at a time across replicas: a transaction-scoped advisory lock, released at COMMIT. */
const LOCK = "SELECT pg_try_advisory_xact_lock(hashtext('atlas-ts pending-change expiry')) AS locked";

/**
 * The expiry sweep: PENDING records past `expires_at` become EXPIRED (coupon refunded, RESOLVED sent). HEAD
 * runs it in every replica and relies on the status guard; here one replica sweeps at a time (the others skip
 * that tick), and the guarded UPDATE still makes a resolution that races a request or another sweep count once.
 */
export class ExpirySweep {
  private timer: TimerHandle | undefined;
  private stopped = false;

  constructor(
    private readonly pcc: PendingChangeContext,
    private readonly tasks: TaskTracker,
    private readonly intervalMs = SWEEP_INTERVAL_MS,
  ) {}

  start(): void {
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  /** Expires what is due now; the number of records this call moved. */
  async sweep(): Promise<number> {
    const { ctx } = this.pcc;
    const now = ctx.clock.now();
    // Most ticks find nothing: ask before opening a transaction.
    const { rows } = await ctx.db.pool.query(
      "SELECT 1 FROM character_pending_changes WHERE status = 'PENDING' AND expires_at < $1 LIMIT 1",
      [new Date(now)],
    );
    if (rows.length === 0) return 0;
    let total = 0;
    for (;;) {
      const { moved, batch } = await commit(ctx, undefined, async (tx) => {
        const lock = await tx.client.query<{ locked: boolean }>(LOCK);
        if (!lock.rows[0]?.locked) return { moved: 0, batch: 0 };
        const due = await expiredChanges(tx.client, now, BATCH);
        let count = 0;
        for (const { tenant, change } of due) {
          if ((await resolveIn(this.pcc, tx, { tenant }, change.id, 'EXPIRED', 'expired')).moved) count++;
        }
        return { moved: count, batch: due.length };
      });
      total += moved;
      if (batch < BATCH) return total;
    }
  }

  private arm(): void {
    if (this.stopped) return;
    const { clock } = this.pcc.ctx;
    this.timer = clock.at(clock.now() + this.intervalMs, () => {
      void this.tasks.track(this.tick());
    });
  }

  private async tick(): Promise<void> {
    try {
      const expired = await this.sweep();
      if (expired > 0) this.pcc.ctx.logger.info({ expired }, 'pending changes expired');
    } catch (error) {
      this.pcc.ctx.logger.error({ err: error }, 'pending-change expiry sweep failed');
    }
    this.arm();
  }
}
