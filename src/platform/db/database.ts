import pg from 'pg';
import type { Logger } from '../logging.js';
import { applyMigrations, type Migration, type PlannedMigration, planMigrations } from './migrations.js';

// bigint columns (ids, meso, experience) hold values that fit in a double: read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export type Queryable = Pick<pg.PoolClient, 'query'>;

// SQLSTATEs of a database that is momentarily unreachable or busy: connection exceptions (class 08), an
// administrator or crash shutdown, too many connections, a serialization failure or deadlock to retry.
const TRANSIENT_STATES = new Set(['57P01', '57P02', '57P03', '53300', '40001', '40P01']);
const TRANSIENT_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);

/**
 * True when retrying shortly may succeed: REST answers those 503 with `Retry-After: 1`, as Atlas HEAD does,
 * instead of 500.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (code.startsWith('08') || TRANSIENT_STATES.has(code) || TRANSIENT_ERRNOS.has(code)) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  // node-postgres's own words for a pool that could not connect in time and a connection that dropped.
  return /timeout exceeded when trying to connect|Connection terminated/.test(message);
}

export type { Migration } from './migrations.js';

/** One lock for every start-up of every replica: migrations and their dry run never interleave. */
const MIGRATION_LOCK = "SELECT pg_advisory_xact_lock(hashtext('atlas-ts migrations'))";

/**
 * The pg pool plus the two things every domain needs from it: explicit transactions and migrations.
 */
export class Database {
  readonly pool: pg.Pool;

  constructor(
    url: string,
    private readonly logger: Logger,
    poolSize = 16,
  ) {
    // A silent network must not hang requests (or /readyz) forever.
    this.pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5_000 });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    this.pool.on('error', (error) => this.logger.warn({ err: error }, 'idle database connection failed'));
  }

  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string | pg.QueryConfig,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(text as string, values);
  }

  /** Runs `work` inside BEGIN ... COMMIT on one client; any throw rolls everything back. */
  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // A checked-out client has no 'error' listener of the pool's: a connection lost between two statements
    // (a restart, a failover) would be an uncaught error event and end the process. The next query fails.
    let lost: Error | undefined;
    const onError = (error: Error) => {
      lost = error;
      this.logger.warn({ err: error }, 'database connection lost during a transaction');
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.off('error', onError);
      // A broken client goes, not back to the pool.
      client.release(lost);
    }
  }

  async ready(): Promise<boolean> {
    try {
      await this.pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Applies what each migration plans (scripts not yet recorded, what adopted tables lack), all in one
   * transaction under an advisory lock, so that two replicas starting at once apply each change exactly once
   * and a failure leaves the database as it was. Returns the ids of the migrations that changed something.
   */
  async migrate(migrations: readonly Migration[]): Promise<string[]> {
    const done = await this.transaction(async (client) => {
      await client.query(MIGRATION_LOCK);
      return applyMigrations(client, migrations);
    });
    if (done.length > 0) {
      this.logger.info(
        { migrations: done.map((m) => ({ id: m.id, steps: m.steps.map((s) => s.summary) })) },
        'database migrated',
      );
    }
    return done.map((m) => m.id);
  }

  /**
   * The dry run of `migrate`: what it would change now. A read-only transaction, so that nothing a plan
   * does can write, whatever it is.
   */
  async plan(migrations: readonly Migration[]): Promise<PlannedMigration[]> {
    return this.transaction(async (client) => {
      await client.query('SET TRANSACTION READ ONLY');
      await client.query(MIGRATION_LOCK);
      return planMigrations(client, migrations);
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
