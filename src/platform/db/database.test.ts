import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/database.js';
import { createLogger } from '../logging.js';
import { adoptTable } from './adopt.js';
import { Database, type Migration } from './database.js';

const logger = createLogger('silent');

const M1: Migration = {
  id: 'test/001-widgets',
  sql: 'CREATE TABLE widgets (id bigint PRIMARY KEY, name text NOT NULL)',
};
// Depends on M1: applying the two out of order would fail.
const M2: Migration = {
  id: 'test/002-gadgets',
  sql: 'CREATE TABLE gadgets (id bigint PRIMARY KEY, widget_id bigint REFERENCES widgets (id))',
};

async function tables(db: Database): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
  );
  return rows.map((r) => r.name);
}

describe('Database', () => {
  let url: string;
  const open: Database[] = [];
  const connect = () => {
    const db = new Database(url, logger);
    open.push(db);
    return db;
  };

  beforeAll(async () => {
    url = await createTestDatabase();
  });

  afterAll(async () => {
    await Promise.all(open.map((db) => db.close().catch(() => undefined)));
  });

  it('applies migrations once, in id order, even when two replicas migrate at the same moment', async () => {
    const fresh = await createTestDatabase();
    const a = new Database(fresh, logger);
    const b = new Database(fresh, logger);
    try {
      // b is handed them out of order: the ids decide.
      const results = await Promise.all([a.migrate([M1, M2]), b.migrate([M2, M1])]);
      expect(results.map((r) => r.length).sort()).toEqual([0, 2]);
      expect(results.find((r) => r.length === 2)).toEqual(['test/001-widgets', 'test/002-gadgets']);
      expect(await tables(a)).toEqual(['gadgets', 'schema_migrations', 'widgets']);
      const { rows } = await a.query<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id');
      expect(rows.map((r) => r.id)).toEqual(['test/001-widgets', 'test/002-gadgets']);

      expect(await a.migrate([M1, M2])).toEqual([]);
      const M3: Migration = { id: 'test/003-more', sql: 'ALTER TABLE widgets ADD COLUMN colour text' };
      expect(await b.migrate([M1, M2, M3])).toEqual(['test/003-more']);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('rolls back every migration of a run when one fails', async () => {
    const db = connect();
    const bad: Migration = { id: 'test/002-bad', sql: 'CREATE TABLE broken (' };
    await expect(db.migrate([M1, bad])).rejects.toThrow();
    expect(await tables(db)).not.toContain('widgets');
    expect(await db.migrate([M1])).toEqual(['test/001-widgets']);
  });

  it('commits a transaction that returns and rolls back one that throws', async () => {
    const db = connect();
    await db.query('CREATE TABLE IF NOT EXISTS notes (id int PRIMARY KEY)');
    expect(
      await db.transaction(async (client) => {
        await client.query('INSERT INTO notes VALUES (1)');
        return 'done';
      }),
    ).toBe('done');
    await expect(
      db.transaction(async (client) => {
        await client.query('INSERT INTO notes VALUES (2)');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const { rows } = await db.query<{ id: number }>('SELECT id FROM notes ORDER BY id');
    expect(rows).toEqual([{ id: 1 }]);
    // Both clients went back to the pool.
    expect(db.pool.totalCount).toBeGreaterThan(0);
    expect(db.pool.idleCount).toBe(db.pool.totalCount);
    expect(await db.ready()).toBe(true);
  });

  it('fails a transaction whose connection the server ends, without an uncaught error event', async () => {
    const db = connect();
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      await expect(
        db.transaction(async (client) => {
          const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
          // Between two statements (the relay publishing, say) the server goes away: a restart, a failover.
          await db.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
          await new Promise((resolve) => setTimeout(resolve, 100));
          await client.query('SELECT 1');
        }),
      ).rejects.toThrow();
      expect(uncaught).toEqual([]);
      // The broken connection left the pool; the next transaction gets a working one.
      expect(await db.transaction(async (client) => (await client.query('SELECT 1 AS one')).rows)).toEqual([
        { one: 1 },
      ]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });

  it('reads bigint columns as numbers', async () => {
    const db = connect();
    const { rows } = await db.query<{ n: number }>('SELECT 9007199254740991::bigint AS n');
    expect(rows[0]!.n).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('is not ready once closed', async () => {
    const db = new Database(url, logger);
    expect(await db.ready()).toBe(true);
    await db.close();
    expect(await db.ready()).toBe(false);
  });

  it('is not ready when the server cannot be reached', async () => {
    const unreachable = new URL(url);
    unreachable.port = '1';
    const db = new Database(unreachable.toString(), logger);
    try {
      expect(await db.ready()).toBe(false);
    } finally {
      await db.close();
    }
  });
});

describe('adopting migrations', () => {
  // Plans what the table lacks, as the character tables' migration does.
  const PARTS: Migration = {
    id: 'test/parts',
    plan: (q) =>
      adoptTable(q, {
        name: 'parts',
        columns: [
          { name: 'id', type: 'bigserial', primaryKey: true },
          { name: 'size', type: 'integer', notNull: true, default: '7' },
          { name: 'colour', type: 'text', notNull: true, default: "'grey'" },
        ],
        indexes: [{ name: 'idx_parts_size', sql: 'CREATE INDEX idx_parts_size ON parts (size)' }],
      }),
  };

  it('adds only what another program left out, once, even when two replicas start at the same moment', async () => {
    const url = await createTestDatabase();
    const a = new Database(url, logger);
    const b = new Database(url, logger);
    try {
      await a.query('CREATE TABLE parts (id bigserial PRIMARY KEY, size integer NOT NULL)');
      await a.query('INSERT INTO parts (size) VALUES (3), (4)');
      expect((await a.plan([PARTS])).flatMap((p) => p.steps.map((s) => s.summary))).toEqual([
        'set default of parts.size to 7',
        'add column parts.colour',
        'create index idx_parts_size',
      ]);
      const results = await Promise.all([a.migrate([PARTS]), b.migrate([PARTS])]);
      expect(results.flat()).toEqual(['test/parts']);
      const { rows } = await a.query('INSERT INTO parts DEFAULT VALUES RETURNING id, size, colour');
      expect(rows).toEqual([{ id: 3, size: 7, colour: 'grey' }]);
      const old = await a.query('SELECT id, size, colour FROM parts WHERE id < 3 ORDER BY id');
      expect(old.rows).toEqual([
        { id: 1, size: 3, colour: 'grey' },
        { id: 2, size: 4, colour: 'grey' },
      ]);
      expect(await a.plan([PARTS])).toEqual([]);
      expect(await a.migrate([PARTS])).toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('plans in a read-only transaction: a plan that writes fails and leaves nothing behind', async () => {
    const db = new Database(await createTestDatabase(), logger);
    try {
      const sneaky: Migration = {
        id: 'test/sneaky',
        plan: async (q) => {
          await q.query('CREATE TABLE sneaky (id int)');
          return [];
        },
      };
      await expect(db.plan([sneaky])).rejects.toThrow(/read-only transaction/);
      expect(await tables(db)).toEqual([]);
      expect(await db.plan([M1])).toEqual([
        { id: M1.id, steps: [{ summary: `apply ${M1.id}`, sql: M1.sql }] },
      ]);
      expect(await tables(db)).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
