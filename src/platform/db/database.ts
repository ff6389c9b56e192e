import pg from 'pg';
import type { Logger } from '../logging.js';

// bigint columns (ids, meso, experience) hold values that fit in a double: read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export type Queryable = Pick<pg.PoolClient, 'query'>;

export interface Migration {
  /** Unique and ordered: `character/001-tables`. Applied once, in order of `id`. */
  readonly id: string;
  readonly sql: string;
}

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
   * Applies the migrations not yet recorded, all in one transaction under an advisory lock, so that two
   * replicas starting at once apply each migration exactly once.
   */
  async migrate(migrations: readonly Migration[]): Promise<string[]> {
    const ordered = [...migrations].sort((a, b) => a.id.localeCompare(b.id));
    return this.transaction(async (client) => {
      await client.query("SELECT pg_advisory_xact_lock(hashtext('atlas-ts migrations'))");
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      const { rows } = await client.query<{ id: string }>('SELECT id FROM schema_migrations');
      const applied = new Set(rows.map((r) => r.id));
      const done: string[] = [];
      for (const migration of ordered) {
        if (applied.has(migration.id)) continue;
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (id) VALUES ($1)', [migration.id]);
        done.push(migration.id);
      }
      if (done.length > 0) this.logger.info({ migrations: done }, 'database migrated');
      return done;
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
