import { afterEach, describe, expect, it } from 'vitest';
import {
  advanceBy,
  startTestApp,
  TENANT,
  type TestApp,
  tenantHeaders,
} from '../../../../test/support/app.js';
import { dumpDatabase } from '../../../../test/support/catalog.js';
import { createTestDatabase } from '../../../../test/support/database.js';
import {
  buildAtlasDatabase,
  type Era,
  HEAD_OUTBOX_MAPS,
  LEGACY,
  sql,
} from '../../../../test/support/gorm.js';
import { attributesOf, BEGINNER, call } from '../../testing/support.js';

const START = Date.UTC(2026, 0, 1);
let apps: TestApp[] = [];

afterEach(async () => {
  for (const t of apps) await t.app.close();
  apps = [];
});

async function start(databaseUrl: string): Promise<TestApp> {
  const t = await startTestApp({ databaseUrl, start: START });
  apps.push(t);
  await t.app.idle();
  return t;
}

/**
 * Every row of the legacy tables in the columns they had before start-up, with its row version (xmin): a
 * row updated even to its own values is a new version. HEAD's outbox is drained (marked sent), and on HEAD
 * the characters rows that get their location back from atlas-maps are new versions: compared by value.
 */
async function legacyRows(url: string, columns: Record<string, string[]>, era: Era) {
  const out: Record<string, unknown[]> = {};
  for (const [table, names] of Object.entries(columns)) {
    if (table === 'outbox_entries') continue;
    const version = era === 'head' && table === 'characters' ? '' : 'xmin::text AS xmin, ';
    out[table] = await sql(url, `SELECT ${version}${names.join(', ')} FROM ${table} AS t ORDER BY t::text`);
  }
  return out;
}

async function legacyColumns(url: string): Promise<Record<string, string[]>> {
  const rows = await sql<{ table: string; column: string }>(
    url,
    `SELECT table_name AS table, column_name AS column FROM information_schema.columns
     WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
  );
  const out: Record<string, string[]> = {};
  for (const r of rows) out[r.table] = [...(out[r.table] ?? []), r.column];
  return out;
}

const create = (t: TestApp, name: string) =>
  call(t, 'POST', '/characters', { data: { type: 'characters', attributes: { ...BEGINNER, name } } });
const rename = (t: TestApp, id: number, name: string) =>
  call(t, 'PATCH', `/characters/${id}`, {
    data: { type: 'characters', id: String(id), attributes: { name } },
  });
const openSessions = async (url: string, characterId: number) =>
  (
    await sql<{ id: number }>(
      url,
      'SELECT id FROM session_history WHERE character_id = $1 AND logout_time IS NULL ORDER BY id',
      [characterId],
    )
  ).map((r) => Number(r.id));

/**
 * The database as a start-up could change it. The outbox's sequence is left out: every start sends messages
 * (transports ask the channels for their status), which draw ids; the rows themselves are gone once sent.
 */
async function dumpAfterStart(url: string) {
  const dump = await dumpDatabase(url);
  const sequences = dump.sequences as Array<{ sequencename: string }>;
  return { ...dump, sequences: sequences.filter((s) => s.sequencename !== 'outbox_id_seq') };
}

async function conflicts(t: TestApp) {
  const response = await fetch(`${t.url}/api/admin/legacy-conflicts`);
  expect(response.status).toBe(200);
  const body = (await response.json()) as {
    data: Array<{ type: string; attributes: Record<string, unknown> }>;
  };
  return body.data.map((r) => r.attributes);
}

function session(t: TestApp, type: 'CREATED' | 'DESTROYED', characterId: number) {
  const body = {
    sessionId: '6f1c1d2e-0000-4000-8000-000000000001',
    accountId: 1000,
    characterId,
    worldId: 0,
  };
  return t.app.bus.publish(
    'EVENT_TOPIC_SESSION_STATUS',
    { ...body, channelId: 1, issuer: 'CHANNEL', type },
    { key: characterId, tenant: TENANT },
  );
}

describe.each([
  ['reference', 'text'],
  ['head', 'text'],
  ['reference', 'uuid'],
] as const)('adopting a %s-era Atlas database (tenant_id %s)', (era: Era, tenantId) => {
  it('starts, keeps every legacy row as it was, and reports the rows that break a rule', async () => {
    const url = await createTestDatabase();
    await buildAtlasDatabase(url, era, tenantId);
    const columns = await legacyColumns(url);
    const before = await legacyRows(url, columns, era);

    const t = await start(url);

    expect(await legacyRows(url, columns, era)).toEqual(before);
    expect(await conflicts(t)).toEqual([
      {
        rule: 'name-equal-but-for-case',
        tenantId: TENANT.id,
        table: 'characters',
        ids: [2, 3],
        names: ['bob', 'Bob'],
      },
      {
        rule: 'several-open-sessions',
        tenantId: TENANT.id,
        table: 'session_history',
        characterId: 5,
        ids: [2, 3],
      },
      {
        rule: 'several-open-sessions',
        tenantId: TENANT.id,
        table: 'session_history',
        characterId: 6,
        ids: [5, 6],
      },
      {
        rule: 'saved-location-of-deleted-character',
        tenantId: TENANT.id,
        table: 'saved_locations',
        characterId: LEGACY.deleted,
        ids: [LEGACY.orphanLocation],
      },
    ]);
    // HEAD dropped the location columns; they come back from atlas-maps' table where it shares the database.
    const alpha = await attributesOf(t, LEGACY.alpha);
    expect(alpha).toMatchObject({
      name: 'Alpha',
      level: 10,
      meso: 12345,
      mapId: era === 'head' ? LEGACY.alphaMap : 100000000,
    });
    expect((await attributesOf(t, LEGACY.carol)).mapId).toBe(era === 'head' ? 0 : 100000000);
  });

  it('keeps legacy namesakes working and refuses every new name equal to theirs but for case', async () => {
    const url = await createTestDatabase();
    await buildAtlasDatabase(url, era, tenantId);
    const t = await start(url);

    expect((await attributesOf(t, LEGACY.bob)).name).toBe('bob');
    expect((await attributesOf(t, LEGACY.bobUpper)).name).toBe('Bob');
    expect(
      (
        await call(t, 'PATCH', `/characters/${LEGACY.bobUpper}`, {
          data: { type: 'characters', attributes: { hair: 30040 } },
        })
      ).status,
    ).toBe(204);
    expect((await attributesOf(t, LEGACY.bobUpper)).hair).toBe(30040);

    expect((await create(t, 'BOB')).body).toMatchObject({
      errors: [{ status: '400', detail: 'blocked name' }],
    });
    expect((await rename(t, LEGACY.alpha, 'bOB')).status).toBe(400);
    // Only the legacy "Bob" is left, outside the unique index: the name is still taken.
    expect((await call(t, 'DELETE', `/characters/${LEGACY.bob}`)).status).toBe(204);
    expect((await create(t, 'bob')).status).toBe(400);
    expect((await rename(t, LEGACY.bobUpper, 'Robert')).status).toBe(204);

    // New ids continue GORM's sequence.
    const created = await create(t, 'BoB');
    expect(created.status).toBe(201);
    expect((created.body as { data: { id: string } }).data.id).toBe(String(LEGACY.lastCharacterId + 1));
    expect((await conflicts(t)).map((c) => c.rule)).not.toContain('name-equal-but-for-case');
  });

  it('leaves a character with legacy open sessions one open session on login, none on logout', async () => {
    const url = await createTestDatabase();
    await buildAtlasDatabase(url, era, tenantId);
    const t = await start(url);
    expect(await openSessions(url, LEGACY.carol)).toEqual([2, 3]);

    await session(t, 'CREATED', LEGACY.carol);
    await t.app.idle();
    const [open, ...more] = await openSessions(url, LEGACY.carol);
    expect(more).toEqual([]);
    expect(open).toBeGreaterThan(LEGACY.lastSessionId);

    await session(t, 'DESTROYED', LEGACY.dan);
    await advanceBy(t.app, t.clock, 5_000);
    expect(await openSessions(url, LEGACY.dan)).toEqual([]);
    expect((await conflicts(t)).map((c) => c.rule)).not.toContain('several-open-sessions');
  });

  it('serves saved locations of deleted characters until they are deleted', async () => {
    const url = await createTestDatabase();
    await buildAtlasDatabase(url, era, tenantId);
    const t = await start(url);
    const path = `/characters/${LEGACY.deleted}/locations/WORLDTOUR`;
    expect((await call(t, 'GET', path)).body).toMatchObject({
      data: { id: LEGACY.orphanLocation, attributes: { mapId: 800000000 } },
    });
    const put = await call(t, 'PUT', path, {
      data: { type: 'saved-locations', attributes: { mapId: 800000100, portalId: 1 } },
    });
    expect(put.body).toMatchObject({ data: { id: LEGACY.orphanLocation, attributes: { mapId: 800000100 } } });
    expect((await call(t, 'DELETE', path)).status).toBe(200);
    expect(await conflicts(t)).toHaveLength(3);
  });

  it('started twice, changes nothing the second time', async () => {
    const url = await createTestDatabase();
    await buildAtlasDatabase(url, era, tenantId);
    await (await start(url)).app.close();
    const first = await dumpAfterStart(url);
    await (await start(url)).app.close();
    expect(await dumpAfterStart(url)).toEqual(first);
  });
});

describe("adopting HEAD's outbox", () => {
  it('publishes each unsent outbox_entries row once, then marks it sent; a sent row stays as it was', async () => {
    const url = await createTestDatabase();
    await buildAtlasDatabase(url, 'head');
    const t = await start(url);

    const rows = await sql<{ id: number; sent_at: Date | null }>(
      url,
      'SELECT id, sent_at FROM outbox_entries ORDER BY id',
    );
    expect(rows.map((r) => r.sent_at !== null)).toEqual([true, true, true]);
    expect(rows[1]!.sent_at).toEqual(new Date(Date.UTC(2025, 11, 31, 22)));
    // Presence consumed the two LOGIN events: they reached the bus.
    const inMap = async (mapId: number) => {
      const response = await fetch(`${t.url}/api/worlds/0/channels/1/maps/${mapId}/characters`, {
        headers: tenantHeaders(),
      });
      return ((await response.json()) as { data: Array<{ id: string }> }).data.map((c) => Number(c.id));
    };
    expect(await inMap(HEAD_OUTBOX_MAPS.unsent[0])).toEqual([LEGACY.alpha]);
    expect(await inMap(HEAD_OUTBOX_MAPS.unsent[1])).toEqual([LEGACY.dan]);
    expect(await inMap(HEAD_OUTBOX_MAPS.sent)).toEqual([]);
  });
});

describe("the project's own schema", () => {
  it('started twice, changes nothing the second time', async () => {
    const url = await createTestDatabase();
    await (await start(url)).app.close();
    const first = await dumpAfterStart(url);
    await (await start(url)).app.close();
    expect(await dumpAfterStart(url)).toEqual(first);
  });
});
