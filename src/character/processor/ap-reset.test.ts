import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { record, startTestApp, type TestApp } from '../../../test/support/app.js';
import { type MockAtlas, type MockRoutes, mockAtlas } from '../testing/mock-atlas.js';
import { attributesOf, command, createCharacter, setColumns, skipped } from '../testing/support.js';

const TX = '7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const TOPIC = 'COMMAND_TOPIC_CHARACTER';
const routes: MockRoutes = {};
let atlas: MockAtlas;
let t: TestApp;

beforeAll(async () => {
  atlas = await mockAtlas(routes);
  t = await startTestApp({ services: ['character'], env: { EFFECTIVE_STATS_SERVICE_URL: atlas.url } });
});

afterAll(async () => {
  await t.app.close();
  await atlas.close();
});

/** The status events a command causes, as [type, worldId, body]. */
async function answers(run: () => Promise<void>) {
  const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
  await run();
  await t.app.idle();
  await events.stop();
  return events.values().map((e) => [e.type, e.worldId, e.body]);
}

const rebalance = (id: number, targets: unknown) =>
  command(t, 'REBALANCE_AP', id, { channelId: 3, targets }, { transactionId: TX, worldId: 1 });

const transfer = (id: number, from: unknown, to: unknown) =>
  command(t, 'TRANSFER_AP', id, { channelId: 2, from, to }, { transactionId: TX, worldId: 1 });

describe('REBALANCE_AP (K3)', () => {
  it('gives back every point above 4, raises the targets and answers STAT_CHANGED', async () => {
    const id = await createCharacter(t, { name: 'Novice', worldId: 1 });
    await setColumns(t, id, { strength: 35, dexterity: 4, intelligence: 4, luck: 14, ap: 2 });
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    await rebalance(id, [{ stat: 'intelligence', floor: 20 }]);
    await t.app.idle();
    expect(JSON.stringify(events.values())).toBe(
      JSON.stringify([
        {
          transactionId: TX,
          worldId: 1,
          characterId: id,
          type: 'STAT_CHANGED',
          body: {
            channelId: 3,
            exclRequestSent: true,
            updates: ['AVAILABLE_AP', 'STRENGTH', 'DEXTERITY', 'INTELLIGENCE', 'LUCK'],
            values: { dexterity: 4, intelligence: 20, luck: 4, strength: 4 },
          },
        },
      ]),
    );
    await events.stop();
    expect(await attributesOf(t, id)).toMatchObject({
      strength: 4,
      dexterity: 4,
      intelligence: 20,
      luck: 4,
      ap: 27,
    });
  });

  it('answers nothing and changes nothing when the targets cost more than the points there are', async () => {
    const id = await createCharacter(t, { name: 'Overreach' });
    expect(await answers(() => rebalance(id, [{ stat: 'luck', floor: 500 }]))).toEqual([]);
    expect(await attributesOf(t, id)).toMatchObject({ strength: 12, luck: 4, ap: 0 });
  });

  it.each([
    ['an unknown stat', 'BadStat', [{ stat: 'STRENGTH', floor: 10 }]],
    ['a floor below 4', 'BadFloor', [{ stat: 'luck', floor: 3 }]],
    [
      'a stat named twice',
      'BadTwice',
      [
        { stat: 'luck', floor: 5 },
        { stat: 'luck', floor: 6 },
      ],
    ],
    ['a floor that is not a uint16', 'BadUint', [{ stat: 'luck', floor: 70_000 }]],
    ['targets that are not a list', 'BadList', { stat: 'luck', floor: 5 }],
  ])('skips and counts %s as malformed', async (_, name, targets) => {
    const id = await createCharacter(t, { name });
    const before = await skipped(t, TOPIC, 'schema');
    expect(await answers(() => rebalance(id, targets))).toEqual([]);
    expect(await skipped(t, TOPIC, 'schema')).toBe(before + 1);
    expect(await attributesOf(t, id)).toMatchObject({ strength: 12 });
  });
});

describe('TRANSFER_AP (K3, K15)', () => {
  it('moves one point and answers STAT_CHANGED with what changed', async () => {
    const id = await createCharacter(t, { name: 'Resetter', jobId: 110, level: 30 });
    await setColumns(t, id, { strength: 100, max_hp: 1500, hp: 900, hpmp_used: 3, ap: 7 });
    expect(await answers(() => transfer(id, 'HP', 'STRENGTH'))).toEqual([
      [
        'STAT_CHANGED',
        1,
        {
          channelId: 2,
          exclRequestSent: true,
          updates: ['STRENGTH', 'MAX_HP', 'HP'],
          values: { hp: 846, max_hp: 1446, strength: 101 },
        },
      ],
    ]);
    expect(await attributesOf(t, id)).toMatchObject({
      strength: 101,
      maxHp: 1446,
      hp: 846,
      hpMpUsed: 2,
      ap: 7,
    });
  });

  it('answers a point moved to where it came from with an empty STAT_CHANGED', async () => {
    const id = await createCharacter(t, { name: 'Circular' });
    expect(await answers(() => transfer(id, 'STRENGTH', 'STRENGTH'))).toEqual([
      ['STAT_CHANGED', 1, { channelId: 2, exclRequestSent: true, updates: [] }],
    ]);
  });

  it.each([
    ['STAT_AT_MINIMUM', 'LUCK', 'STRENGTH', { luck: 4 }, 'LUCK'],
    ['STAT_AT_MAXIMUM', 'STRENGTH', 'DEXTERITY', { dexterity: 32_767 }, 'DEXTERITY'],
    ['INSUFFICIENT_HPMP_AP_USED', 'HP', 'STRENGTH', { hpmp_used: 0 }, 'HP'],
    ['POOL_BELOW_JOB_MINIMUM', 'HP', 'STRENGTH', { hpmp_used: 2, max_hp: 55 }, 'HP'],
    ['INVALID_TARGET', 'STRENGTH', 'CHARISMA', { strength: 20 }, 'CHARISMA'],
  ])('refuses with ERROR %s and changes nothing', async (error, from, to, columns, detail) => {
    const id = await createCharacter(t, { name: error.replaceAll('_', '').slice(0, 12) });
    await setColumns(t, id, columns);
    const before = await attributesOf(t, id);
    const events = record(t.app, 'EVENT_TOPIC_CHARACTER_STATUS');
    await transfer(id, from, to);
    await t.app.idle();
    expect(events.messages.map((m) => JSON.stringify(m.value))).toEqual([
      `{"transactionId":"${TX}","worldId":1,"characterId":${id},"type":"ERROR",` +
        `"body":{"error":"${error}","detail":"${detail}"}}`,
    ]);
    await events.stop();
    expect(await attributesOf(t, id)).toEqual(before);
  });

  it('takes a magician’s MP by effective INT from the effective-stats service', async () => {
    const id = await createCharacter(t, { name: 'Sorcerer', jobId: 210, level: 30, worldId: 1 });
    await setColumns(t, id, { max_mp: 2_000, mp: 2_000, hpmp_used: 5 });
    routes[`worlds/1/channels/2/characters/${id}/stats`] = {
      data: {
        type: 'effective-stats',
        id: String(id),
        attributes: { intelligence: 400, maxHP: 500, maxMP: 2000 },
      },
    };
    await answers(() => transfer(id, 'MP', 'INTELLIGENCE'));
    // 3 × 400 / 40 + 30 = 60, where base INT 4 would take 30.
    expect(await attributesOf(t, id)).toMatchObject({
      maxMp: 1_940,
      mp: 1_940,
      intelligence: 5,
      hpMpUsed: 4,
    });
  });

  it('skips and counts a from or to that is not a string', async () => {
    const id = await createCharacter(t, { name: 'Numeric' });
    const before = await skipped(t, TOPIC, 'schema');
    expect(await answers(() => transfer(id, 1, 'STRENGTH'))).toEqual([]);
    expect(await skipped(t, TOPIC, 'schema')).toBe(before + 1);
  });

  it('skips and counts an unknown character', async () => {
    const before = await skipped(t, TOPIC, 'unknown character');
    expect(await answers(() => transfer(987_654, 'STRENGTH', 'DEXTERITY'))).toEqual([]);
    expect(await skipped(t, TOPIC, 'unknown character')).toBe(before + 1);
  });
});
