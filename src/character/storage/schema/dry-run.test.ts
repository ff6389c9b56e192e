import { describe, expect, it } from 'vitest';
import { dumpDatabase } from '../../../../test/support/catalog.js';
import { createTestDatabase } from '../../../../test/support/database.js';
import { buildAtlasDatabase, type Era } from '../../../../test/support/gorm.js';
import { TENANT } from '../../../../test/support/tenant.js';
import { checkDatabase } from '../../../check-database.js';
import { loadConfig } from '../../../platform/config.js';

const check = (url: string) => checkDatabase(loadConfig({}, { databaseUrl: url }));

describe('npm run db:check', () => {
  it.each(['reference', 'head'] as const)(
    'prints what start-up would change on a %s-era Atlas database and the legacy conflicts, changing nothing',
    async (era: Era) => {
      const url = await createTestDatabase();
      await buildAtlasDatabase(url, era);
      const before = await dumpDatabase(url);

      const report = await check(url);

      expect(await dumpDatabase(url)).toEqual(before);
      expect(report).toContain('Start-up would, in one transaction:');
      expect(report).toContain('set default of characters.level to 1');
      expect(report).toContain("set default of characters.sp to '0,0,0,0,0,0,0,0,0,0'");
      // Legacy duplicates stand outside the unique indexes, or they could not be built.
      expect(report).toContain(
        "CREATE UNIQUE INDEX idx_characters_name ON characters (tenant_id, lower(name)) WHERE id <> ALL ('{2,3}'::bigint[])",
      );
      expect(report).toContain("WHERE logout_time IS NULL AND id <> ALL ('{2,3,5,6}'::bigint[])");
      expect(report).toContain('apply platform/001-outbox');
      expect(report).toContain('apply presence/001-presence');
      expect(report).not.toContain('create index idx_saved_location_lookup');
      expect(report).toContain(
        `name-equal-but-for-case: tenant ${TENANT.id}: names equal but for case (bob, Bob): characters 2, 3`,
      );
      expect(report).toContain(`character 5 has several open sessions: session_history 2, 3`);
      expect(report).toContain(`character 6 has several open sessions: session_history 5, 6`);
      expect(report).toContain(
        `saved locations of deleted character 50: saved_locations b0b0b0b0-0000-4000-8000-000000000050`,
      );
      if (era === 'head') {
        expect(report).toContain('add column characters.map_id');
        expect(report).toContain('add column characters.instance');
        expect(report).toContain('fill characters.map_id and instance from character_locations');
        expect(report).toContain('outbox_entries (Atlas HEAD) holds 2 unsent rows');
      } else {
        expect(report).not.toContain('add column');
        expect(report).not.toContain('outbox_entries');
      }
    },
  );

  it('finds nothing to change on a database this project made, and says so', async () => {
    const url = await createTestDatabase();
    const { startTestApp } = await import('../../../../test/support/app.js');
    const t = await startTestApp({ databaseUrl: url });
    await t.app.close();
    const before = await dumpDatabase(url);
    const report = await check(url);
    expect(await dumpDatabase(url)).toEqual(before);
    expect(report).toContain('Start-up would change nothing.');
    expect(report).toContain('No legacy rows break a rule.');
  });

  it('on an empty database, would create every table', async () => {
    const url = await createTestDatabase();
    const report = await check(url);
    expect(report).toContain('create table characters');
    expect(report).toContain('create table session_history');
    expect(report).toContain('create table saved_locations');
    expect(report).toContain(
      'CREATE UNIQUE INDEX idx_session_history_open ON session_history (tenant_id, character_id) WHERE logout_time IS NULL\n',
    );
    expect(await dumpDatabase(url)).toEqual({
      columns: [],
      indexes: [],
      constraints: [],
      sequences: [],
      relations: [],
      rows: {},
    });
  });
});
