import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceBy, advanceTo, startTestApp, TENANT, type TestApp } from '../../../test/support/app.js';
import { call, createCharacter, sql } from '../testing/support.js';

const START = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
let t: TestApp;
let closed: number;
let open: number;

const session = (type: string, characterId: number) =>
  t.app.bus.publish(
    'EVENT_TOPIC_SESSION_STATUS',
    { sessionId: NIL, accountId: 1, characterId, worldId: 0, channelId: 1, issuer: 'CHANNEL', type },
    { key: characterId, tenant: TENANT },
  );
const NIL = '00000000-0000-0000-0000-000000000000';

beforeAll(async () => {
  t = await startTestApp({ services: ['character'], start: START });
  closed = await createCharacter(t, { name: 'TwoHours' });
  open = await createCharacter(t, { name: 'Marathon' });
  // `closed` plays 00:00 to 02:00; `open` from 00:00 and is still online 25 h 1 min 1 s later.
  await session('CREATED', closed);
  await session('CREATED', open);
  await advanceTo(t.app, t.clock, START + 2 * HOUR - 5_000);
  await session('DESTROYED', closed);
  await advanceBy(t.app, t.clock, 5_000);
  await advanceTo(t.app, t.clock, START + 25 * HOUR + 61_000);
});

afterAll(async () => {
  await t.app.close();
});

const playtime = async (id: number, query = '') =>
  ((await call(t, 'GET', `/characters/${id}/sessions/playtime${query}`)).body as { data: unknown }).data;

describe('GET /api/characters/{id}/sessions/playtime', () => {
  it('counts an open session up to now without wrapping at 24 h (B16)', async () => {
    expect(await playtime(open, `?since=${START / 1000}`)).toEqual({
      type: 'playtime',
      id: String(open),
      attributes: { characterId: open, totalSeconds: 90_061, formattedTime: '25:01:01' },
    });
  });

  it('clips a session that began before the window (RFC 3339 since)', async () => {
    expect(await playtime(closed, '?since=2026-01-01T01:00:00Z')).toMatchObject({
      attributes: { totalSeconds: 3_600, formattedTime: '01:00:00' },
    });
    expect(await playtime(closed, '?since=2026-01-01T01:30:00.5%2B00:00')).toMatchObject({
      attributes: { totalSeconds: 1_799 },
    });
  });

  it('covers the last 24 hours by default', async () => {
    expect(await playtime(open)).toMatchObject({
      attributes: { totalSeconds: 86_400, formattedTime: '24:00:00' },
    });
    // The window opened at 01:01:01; the closed stint ended at 02:00.
    expect(await playtime(closed)).toMatchObject({
      attributes: { totalSeconds: 3_539, formattedTime: '00:58:59' },
    });
  });

  it('answers 0 for an unknown character, as the reference', async () => {
    expect(await playtime(999_999)).toMatchObject({ attributes: { characterId: 999_999, totalSeconds: 0 } });
  });
});

describe('GET /api/characters/{id}/sessions', () => {
  it('lists stints touching the window, oldest first, with RFC 3339 times', async () => {
    const answer = await call(t, 'GET', `/characters/${closed}/sessions?since=${START / 1000}`);
    expect(answer.text).toMatch(
      new RegExp(
        `"data":\\[\\{"type":"sessions","id":"\\d+","attributes":\\{"characterId":${closed},"worldId":0,` +
          '"channelId":1,"loginTime":"2026-01-01T00:00:00Z","logoutTime":"2026-01-01T02:00:00Z"\\}\\}\\],"meta"',
      ),
    );
  });

  it('writes times as Go RFC3339Nano does (microseconds, trailing zeros trimmed) and omits an open logoutTime', async () => {
    const id = await createCharacter(t, { name: 'Precise' });
    await sql(
      t,
      `INSERT INTO session_history (tenant_id, character_id, world_id, channel_id, login_time, logout_time)
       VALUES ($1, $2, 0, 1, '2026-01-01 10:00:00.123456+00', '2026-01-01 11:00:00.5+00'),
              ($1, $2, 0, 2, '2026-01-01 11:00:01.000001+00', NULL)`,
      [TENANT.id, id],
    );
    const answer = await call(t, 'GET', `/characters/${id}/sessions?since=2026-01-01T00:00:00Z`);
    expect(answer.text).toMatch(
      new RegExp(
        `"data":\\[\\{"type":"sessions","id":"\\d+","attributes":\\{"characterId":${id},"worldId":0,"channelId":1,` +
          '"loginTime":"2026-01-01T10:00:00.123456Z","logoutTime":"2026-01-01T11:00:00.5Z"\\}\\},' +
          `\\{"type":"sessions","id":"\\d+","attributes":\\{"characterId":${id},"worldId":0,"channelId":2,` +
          '"loginTime":"2026-01-01T11:00:01.000001Z"\\}\\}\\],"meta"',
      ),
    );
  });

  it('leaves out stints that ended before the window', async () => {
    const since = (START + 3 * HOUR) / 1000;
    expect((await call(t, 'GET', `/characters/${closed}/sessions?since=${since}`)).body).toMatchObject({
      data: [],
      meta: { total: 0 },
    });
    expect(await playtime(closed, `?since=${since}`)).toMatchObject({ attributes: { totalSeconds: 0 } });
  });
});
