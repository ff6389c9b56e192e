import type pg from 'pg';
import type { Bus } from '../bus/bus.js';
import { type OutgoingMessage, publishAll } from '../bus/messages.js';
import type { Logger } from '../logging.js';
import type { Database, Migration, Queryable } from './database.js';

export const OUTBOX_MIGRATION: Migration = {
  id: 'platform/001-outbox',
  sql: `CREATE TABLE outbox (
    id bigserial PRIMARY KEY,
    topic text NOT NULL,
    key bytea NOT NULL,
    value bytea NOT NULL,
    headers jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
};

function encodeHeaders(headers: Record<string, Buffer>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = value.toString('base64');
  return out;
}

function decodeHeaders(headers: Record<string, string>): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = Buffer.from(value, 'base64');
  return out;
}

/**
 * The outbox columns of a batch as four parallel arrays, for `unnest($1::text[], $2::bytea[], $3::bytea[],
 * $4::jsonb[]) WITH ORDINALITY`: one statement, one round trip, whatever the batch size. Exported so that a
 * domain's hot path can insert its rows inside its own statement (the character meso update does).
 */
export function outboxArrays(messages: readonly OutgoingMessage[]): [string[], Buffer[], Buffer[], string[]] {
  return [
    messages.map((m) => m.topic),
    messages.map((m) => m.key),
    messages.map((m) => m.value),
    messages.map((m) => JSON.stringify(encodeHeaders(m.headers))),
  ];
}

/** Writes messages in the caller's transaction: they leave only if it commits, and survive a crash after. */
export async function writeOutbox(client: Queryable, messages: readonly OutgoingMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await client.query({
    name: 'outbox-write',
    text: `INSERT INTO outbox (topic, key, value, headers)
           SELECT m.topic, m.key, m.value, m.headers
           FROM unnest($1::text[], $2::bytea[], $3::bytea[], $4::jsonb[]) WITH ORDINALITY AS m(topic, key, value, headers, n)
           ORDER BY m.n`,
    values: outboxArrays(messages),
  });
}

interface OutboxRow {
  id: number;
  topic: string;
  key: Buffer;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** A table the relay drains: the rows to publish next (in order, under the table's lock), and how to retire them. */
export interface OutboxSource {
  readonly table: string;
  /** The next rows in id order, or BUSY when another relay holds this table's lock. */
  take(client: Queryable, limit: number): Promise<OutboxRow[] | typeof BUSY>;
  /** Retires published rows, in the transaction that took them. */
  done(client: Queryable, ids: readonly number[]): Promise<void>;
}

/** Another relay holds the table's lock (another replica is publishing). */
export const BUSY = Symbol('busy');

/**
 * Runs `select` (its rows in id order) under the advisory lock `lock`: BUSY when another relay holds it. Two
 * statements, not one: a statement reads the snapshot taken when it began, so a lock taken inside it could be
 * won from a relay that committed (deleted its published rows) and let go after that snapshot, and those rows
 * would be published again. Read after the lock is held, the rows are those the last holder left; this rests
 * on READ COMMITTED (database.transaction's plain BEGIN), where each statement takes a snapshot of its own:
 * under REPEATABLE READ the first statement's snapshot would serve the second too.
 */
async function takeLocked(
  client: Queryable,
  lock: string,
  select: string,
  limit: number,
): Promise<OutboxRow[] | typeof BUSY> {
  const { rows: taken } = await client.query<{ locked: boolean }>(`SELECT ${lock} AS locked`);
  if (!taken[0]?.locked) return BUSY;
  const { rows } = await client.query<OutboxRow>(select, [limit]);
  return rows;
}

/** This project's own outbox: published rows are deleted. */
export const PROJECT_OUTBOX: OutboxSource = {
  table: 'outbox',
  take(client, limit) {
    return takeLocked(
      client,
      "pg_try_advisory_xact_lock(hashtext('atlas-ts outbox relay'))",
      'SELECT id, topic, key, value, headers FROM outbox ORDER BY id LIMIT $1',
      limit,
    );
  },
  async done(client, ids) {
    await client.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [ids]);
  },
};

/**
 * Atlas HEAD's outbox (`outbox_entries`, head-contract.md §4.5) on an adopted database: rows a Go service
 * enqueued and had not sent when it stopped would otherwise be stranded. They leave once, in id order, and
 * are stamped `sent_at` as HEAD's drainer does (its sweeper deletes them later, should it run again). The
 * lock is HEAD's own drainer key: a Go drainer still running and this relay never both publish a row.
 */
// HEAD's drainer lock key, 'Outbox' in ASCII (libs/atlas-outbox lock.go).
const HEAD_DRAINER_LOCK = 0x4f7574626f78;

export const HEAD_OUTBOX: OutboxSource = {
  table: 'outbox_entries',
  take(client, limit) {
    return takeLocked(
      client,
      `pg_try_advisory_xact_lock(${HEAD_DRAINER_LOCK})`,
      `SELECT id, topic, message_key AS key, message_value AS value, headers
       FROM outbox_entries WHERE sent_at IS NULL ORDER BY id LIMIT $1`,
      limit,
    );
  },
  async done(client, ids) {
    await client.query('UPDATE outbox_entries SET sent_at = now() WHERE id = ANY($1::bigint[])', [ids]);
  },
};

/** The tables to drain: HEAD's first when the database has it (its rows are older), then this project's. */
export async function outboxSources(db: Database): Promise<OutboxSource[]> {
  const { rows } = await db.query<{ found: boolean }>(
    "SELECT to_regclass('outbox_entries') IS NOT NULL AS found",
  );
  return rows[0]?.found ? [HEAD_OUTBOX, PROJECT_OUTBOX] : [PROJECT_OUTBOX];
}

// Up to half a second of looking again; a relay held longer than that is left to its holder and the sweep.
const BUSY_RETRY_MS = 10;
const BUSY_RETRIES = 50;

/**
 * Moves committed outbox rows to the bus in id order, from each source in turn. Woken after each commit; a slow sweep also catches rows
 * left by a process that died between commit and relay. One relay runs at a time across replicas (a
 * transaction-scoped advisory lock): two relays taking disjoint batches would publish a key's later rows
 * while the earlier ones were still in flight. A relay that finds the lock taken leaves the rows to its
 * holder, or to the next sweep.
 */
export class OutboxRelay {
  private running: Promise<void> | undefined;
  private again = false;
  private sweep: NodeJS.Timeout | undefined;
  private stopped = false;
  private sweepMs = 1_000;
  /** After a failed pass (the broker is away) wakes wait for the next sweep instead of failing one by one. */
  private pausedUntil = 0;
  private failing = false;
  private retry: NodeJS.Timeout | undefined;
  private busyRetries = 0;

  constructor(
    private readonly db: Database,
    private readonly bus: Bus,
    private readonly logger: Logger,
    private readonly batchSize = 500,
    private readonly sources: readonly OutboxSource[] = [PROJECT_OUTBOX],
  ) {}

  start(sweepMs = 1_000): void {
    this.sweepMs = sweepMs;
    this.wake();
    this.sweep = setInterval(() => this.wake(), sweepMs);
    this.sweep.unref();
  }

  /** Asks for a relay pass; passes never overlap, a wake during a pass schedules one more. */
  wake(): void {
    if (this.stopped || Date.now() < this.pausedUntil) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
  }

  /** True when no pass is running or scheduled. */
  idle(): boolean {
    return this.running === undefined && this.retry === undefined;
  }

  /** Resolves when no pass is running (a retry waiting for another replica's relay is not a pass). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    if (this.sweep) clearInterval(this.sweep);
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    // One last pass so that committed messages leave before the bus closes.
    this.wake();
    await this.settled();
    this.stopped = true;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        let taken = await this.pass();
        while (taken === this.batchSize) taken = await this.pass();
        // Another replica's relay holds the lock: its pass may have begun before our rows committed, so look
        // again shortly rather than leave them to the sweep (a second of delay on every replica's messages).
        this.busyRetries = taken === BUSY ? this.busyRetries + 1 : 0;
        if (taken === BUSY && !this.stopped && !this.retry && this.busyRetries <= BUSY_RETRIES) {
          this.retry = setTimeout(() => {
            this.retry = undefined;
            this.wake();
          }, BUSY_RETRY_MS);
          this.retry.unref();
        }
        if (this.failing) this.logger.info('outbox relay publishing again');
        this.failing = false;
      } catch (error) {
        // Logged once per outage, not once a second.
        if (!this.failing)
          this.logger.error({ err: error }, 'outbox relay failed; rows stay for the next pass');
        this.failing = true;
        this.pausedUntil = Date.now() + this.sweepMs - 50;
        return;
      }
    } while (this.again);
  }

  private async pass(): Promise<number | typeof BUSY> {
    return this.db.transaction(async (client: pg.PoolClient) => {
      let busy = false;
      for (const source of this.sources) {
        const rows = await source.take(client, this.batchSize);
        if (rows === BUSY) {
          busy = true;
          continue;
        }
        if (rows.length === 0) continue;
        await publishAll(
          this.bus,
          rows.map((row) => ({
            topic: row.topic,
            key: row.key,
            // HEAD's column is nullable; every message this service's topics carry has a body.
            value: row.value ?? Buffer.alloc(0),
            headers: decodeHeaders(row.headers),
          })),
        );
        await source.done(
          client,
          rows.map((r) => r.id),
        );
        return rows.length;
      }
      return busy ? BUSY : 0;
    });
  }
}

/** How many rows HEAD's outbox holds unsent (0 without the table): what the relay will publish first. */
export async function unsentHeadRows(db: Database): Promise<number> {
  const sources = await outboxSources(db);
  if (!sources.includes(HEAD_OUTBOX)) return 0;
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::bigint AS n FROM outbox_entries WHERE sent_at IS NULL',
  );
  return rows[0]?.n ?? 0;
}
