import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, TENANT, type TestApp } from '../../../../test/support/app.js';
import { createTestDatabase } from '../../../../test/support/database.js';
import { sql } from '../../../../test/support/gorm.js';
import { call } from '../../testing/support.js';

let apps: TestApp[] = [];
afterEach(async () => {
  for (const t of apps) await t.app.close();
  apps = [];
});

/** The two tables as Atlas HEAD's GORM AutoMigrate and raw DDL made them, with a row each. */
async function buildHeadTables(url: string) {
  await sql(
    url,
    `CREATE TABLE teleport_rock_maps (id uuid NOT NULL, tenant_id uuid NOT NULL, character_id bigint NOT NULL,
       list_type text NOT NULL, slot bigint NOT NULL, map_id bigint NOT NULL, PRIMARY KEY (id));
     CREATE UNIQUE INDEX idx_trock_lookup ON teleport_rock_maps (tenant_id, character_id, list_type, slot);
     CREATE TABLE character_pending_changes (id uuid NOT NULL, tenant_id uuid NOT NULL, character_id bigint NOT NULL,
       type text NOT NULL, status text NOT NULL, requested_name text, requested_name_lower text,
       destination_world_id smallint, source_world_id smallint NOT NULL, asset_id bigint,
       reason text NOT NULL DEFAULT '', transaction_id uuid NOT NULL, created_at timestamptz NOT NULL,
       expires_at timestamptz NOT NULL, resolved_at timestamptz, notified_at timestamptz, PRIMARY KEY (id));
     CREATE INDEX idx_pc_tenant_char ON character_pending_changes (tenant_id, character_id);
     CREATE INDEX idx_pc_status ON character_pending_changes (status);
     CREATE UNIQUE INDEX idx_pc_one_pending_per_type ON character_pending_changes (tenant_id, character_id, type)
       WHERE status = 'PENDING';
     CREATE UNIQUE INDEX idx_pc_name_reservation ON character_pending_changes (tenant_id, requested_name_lower)
       WHERE status = 'PENDING' AND type = 'NAME_CHANGE'`,
  );
  await sql(
    url,
    `INSERT INTO teleport_rock_maps VALUES ('c0c0c0c0-0000-4000-8000-000000000001', $1, 7, 'vip', 0, 240000000)`,
    [TENANT.id],
  );
  await sql(
    url,
    `INSERT INTO character_pending_changes (id, tenant_id, character_id, type, status, requested_name,
       requested_name_lower, source_world_id, transaction_id, created_at, expires_at)
     VALUES ('c0c0c0c0-0000-4000-8000-000000000002', $1, 7, 'NAME_CHANGE', 'PENDING', 'Legacy', 'legacy', 0,
       'c0c0c0c0-0000-4000-8000-000000000003', '2026-01-01', '2026-12-01')`,
    [TENANT.id],
  );
}

describe("adopting Atlas HEAD's teleport-rock and pending-change tables", () => {
  it('keeps their rows and indexes, adds only the tenant columns, and honours a HEAD reservation', async () => {
    const url = await createTestDatabase();
    await buildHeadTables(url);
    const rows = () => sql(url, 'SELECT * FROM teleport_rock_maps ORDER BY id');
    const before = await rows();
    const t = await startTestApp({ databaseUrl: url, services: ['character'], start: Date.UTC(2026, 0, 2) });
    apps.push(t);

    expect(await rows()).toEqual(before);
    const columns = await sql<{ column_name: string }>(
      url,
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'character_pending_changes'
       AND column_name IN ('region', 'major_version', 'minor_version') ORDER BY 1`,
    );
    expect(columns.map((c) => c.column_name)).toEqual(['major_version', 'minor_version', 'region']);
    const validity = await call(t, 'GET', '/characters/name-validity?name=LEGACY&worldId=0');
    expect(validity.body).toMatchObject({ valid: false, reason: 'reserved', reserved: true });
  });
});
