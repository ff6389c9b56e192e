import type { Logger } from '../logging.js';
import type { Database, Migration, Queryable } from './database.js';

/**
 * The inbox: what each consumer group consumed, written in the same transaction as the effect, so that a
 * message delivered again (a crash before the offset commit, a rebalance) changes nothing the second time
 * (decisions E2). Kafka never gives two messages one (topic, partition, offset), so that is the identity;
 * a row below the group's committed offset can never be needed again and is pruned.
 */
export const INBOX_MIGRATION: Migration = {
  id: 'platform/002-inbox',
  sql: `CREATE TABLE inbox (
    consumer_group text NOT NULL,
    topic text NOT NULL,
    partition integer NOT NULL,
    "offset" bigint NOT NULL,
    consumed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer_group, topic, partition, "offset")
  )`,
};

/**
 * One consumed message being handled. `claimed` turns true once a transaction that recorded it committed:
 * later transactions of the same handling do not record it again.
 */
export class Delivery {
  claimed = false;

  constructor(
    readonly group: string,
    readonly topic: string,
    readonly partition: number,
    readonly offset: number,
  ) {}

  /** The values of an inbox row, in column order. */
  row(): [string, string, number, number] {
    return [this.group, this.topic, this.partition, this.offset];
  }
}

/** Thrown when the message was already consumed: its transaction rolls back and the message is skipped. */
export class AlreadyConsumed extends Error {
  constructor(readonly delivery: Delivery) {
    super(`${delivery.topic}/${delivery.partition}@${delivery.offset} already consumed by ${delivery.group}`);
  }
}

/**
 * Records the delivery in the caller's transaction. A second recording of one message (even by another
 * replica at the same moment: the insert waits for the first transaction) fails on the primary key and
 * aborts the whole transaction, effect included.
 */
export async function recordDelivery(client: Queryable, delivery: Delivery | undefined): Promise<void> {
  if (!delivery || delivery.claimed) return;
  try {
    await client.query({
      name: 'inbox-record',
      text: 'INSERT INTO inbox (consumer_group, topic, partition, "offset") VALUES ($1, $2, $3, $4)',
      values: delivery.row(),
    });
  } catch (error) {
    throw isInboxConflict(error) ? new AlreadyConsumed(delivery) : error;
  }
}

/** True for the unique violation of the inbox's primary key (also when raised by a combined statement). */
export function isInboxConflict(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string };
  return e?.code === '23505' && e.constraint === 'inbox_pkey';
}

/**
 * Deletes inbox rows below each partition's committed offset, a few seconds after the commit: those
 * messages are never delivered again. One statement per partition that moved.
 */
export class InboxPruner {
  private readonly committed = new Map<string, [string, string, number, number]>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    private readonly everyMs = 5_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.prune(), this.everyMs);
    this.timer.unref();
  }

  committedOffset(group: string, topic: string, partition: number, offset: number): void {
    const key = `${group}\u0000${topic}\u0000${partition}`;
    const known = this.committed.get(key);
    if (!known || known[3] < offset) this.committed.set(key, [group, topic, partition, offset]);
  }

  async prune(): Promise<void> {
    const entries = [...this.committed.values()];
    this.committed.clear();
    for (const values of entries) {
      try {
        await this.db.query(
          'DELETE FROM inbox WHERE consumer_group = $1 AND topic = $2 AND partition = $3 AND "offset" < $4',
          values,
        );
      } catch (error) {
        this.logger.warn({ err: error }, 'inbox rows could not be pruned; trying again later');
        this.committedOffset(...values);
      }
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
