import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/database.js';
import { buildAtlasDatabase, LEGACY } from '../../../test/support/gorm.js';
import { TENANT } from '../../../test/support/tenant.js';
import { Database } from '../../platform/db/database.js';
import { createLogger } from '../../platform/logging.js';
import { claimName } from './characters.js';
import { CHARACTER_MIGRATIONS } from './schema/migration.js';

const open: Array<{ end(): Promise<void> }> = [];

afterEach(async () => {
  for (const o of open.splice(0)) await o.end();
});

async function client(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  open.push(c);
  return c;
}

/** Polls the server (no sleep) until a session waits for an advisory lock. */
async function someoneWaits(observer: pg.Client): Promise<void> {
  for (;;) {
    const { rows } = await observer.query(
      "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
    );
    if (rows.length > 0) return;
  }
}

describe('claimName on an adopted database', () => {
  it('makes a second writer of a name wait for the first and then see it, where the index cannot', async () => {
    const url = await createTestDatabase();
    await buildAtlasDatabase(url, 'reference');
    const db = new Database(url, createLogger('silent'));
    await db.migrate(CHARACTER_MIGRATIONS);
    await db.close();
    const [first, second, observer] = [await client(url), await client(url), await client(url)];

    // The legacy "Bob" stands outside the unique index; it takes a new name.
    await first.query('BEGIN');
    expect(await claimName(first, TENANT.id, 'Zed', LEGACY.bobUpper)).toBe(true);
    await first.query('UPDATE characters SET name = $1 WHERE id = $2', ['Zed', LEGACY.bobUpper]);

    await second.query('BEGIN');
    const claimed = claimName(second, TENANT.id, 'ZED');
    await someoneWaits(observer);
    await first.query('COMMIT');
    expect(await claimed).toBe(false);
    // What the claim prevents: the index alone lets the duplicate in.
    await second.query(
      `INSERT INTO characters (tenant_id, account_id, world, name) SELECT tenant_id, account_id, world, 'ZED'
       FROM characters WHERE id = $1`,
      [LEGACY.alpha],
    );
    await second.query('ROLLBACK');
  });
});
