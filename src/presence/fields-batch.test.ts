import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/database.js';
import { Database } from '../platform/db/database.js';
import type { Field } from '../platform/fields.js';
import { createLogger } from '../platform/logging.js';
import { NIL_UUID } from '../platform/tenant.js';
import { charactersInField, charactersInFields, PRESENCE_MIGRATIONS } from './storage.js';

const A = '083839c6-c47c-42a6-9585-76492795d123';
const B = '5b7c2f0e-1d3a-4c8b-9e6f-0a1b2c3d4e5f';
const INSTANCE = '6f1c2a4e-9b3d-4c1e-8a7f-2d5e6b7c8d9e';

let db: Database;

beforeAll(async () => {
  db = new Database(await createTestDatabase(), createLogger('silent'));
  await db.migrate(PRESENCE_MIGRATIONS);
  // [tenant, character, world, channel, map, instance]; character 9 is offline (stands nowhere).
  const rows: Array<[string, number, number, number, number, string]> = [
    [A, 3, 0, 1, 100, NIL_UUID],
    [A, 1, 0, 1, 100, NIL_UUID],
    [A, 2, 0, 2, 100, NIL_UUID],
    [A, 4, 0, 1, 100, INSTANCE],
    [A, 5, 0, 1, 200, NIL_UUID],
    [B, 1, 0, 1, 100, NIL_UUID],
    [B, 7, 1, 1, 100, NIL_UUID],
  ];
  for (const [tenant, id, world, channel, map, instance] of rows)
    await db.query(
      `INSERT INTO presence (tenant_id, character_id, world, channel, map_id, instance, state,
         standing_world, standing_channel, standing_map, standing_instance)
       VALUES ($1, $2, $3, $4, $5, $6, 'IN_FIELD', $3, $4, $5, $6)`,
      [tenant, id, world, channel, map, instance],
    );
  await db.query(
    `INSERT INTO presence (tenant_id, character_id, world, channel, map_id, instance, state)
     VALUES ($1, 9, 0, 1, 100, $2, 'OFFLINE')`,
    [A, NIL_UUID],
  );
});

afterAll(() => db.close());

describe('who stands in many fields at once (one statement for a route burst)', () => {
  const field = (worldId: number, channelId: number, mapId: number, instance = NIL_UUID): Field => ({
    worldId,
    channelId,
    mapId,
    instance,
  });

  it('answers each query as the one-field look-up does, in query order, tenants apart', async () => {
    const queries = [
      { tenantId: A, field: field(0, 1, 100) },
      { tenantId: B, field: field(0, 1, 100) },
      { tenantId: A, field: field(0, 2, 100) },
      { tenantId: A, field: field(0, 1, 100, INSTANCE) },
      { tenantId: A, field: field(0, 1, 300) },
      { tenantId: B, field: field(1, 1, 100) },
      { tenantId: A, field: field(0, 1, 100) },
      { tenantId: A, field: field(0, 1, 100, 'not-a-uuid') },
      { tenantId: A, field: field(0, 1, 100, INSTANCE.toUpperCase()) },
    ];
    const batch = await charactersInFields(db.pool, queries);
    expect(batch).toEqual([[1, 3], [1], [2], [4], [], [7], [1, 3], [], [4]]);
    for (const [i, { tenantId, field: f }] of queries.entries())
      expect(batch[i]).toEqual(await charactersInField(db.pool, tenantId, f));
  });

  it('sends nothing for no query', async () => {
    expect(await charactersInFields(db.pool, [])).toEqual([]);
  });
});
