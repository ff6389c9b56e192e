import { describe, expect, it } from 'vitest';
import { type TransferApCharacter, transferAp } from './transfer-ap.js';

/** A level-30 fighter with room on every side. */
const fighter: TransferApCharacter = {
  jobId: 110,
  level: 30,
  strength: 100,
  dexterity: 30,
  intelligence: 4,
  luck: 5,
  hp: 900,
  maxHp: 1500,
  mp: 150,
  maxMp: 200,
  hpMpUsed: 3,
};

const move = (from: string, to: string, c: Partial<TransferApCharacter> = {}, int = 4) =>
  transferAp({ ...fighter, ...c }, from, to, int);

describe('transferAp: moves that succeed', () => {
  it.each([
    ['STRENGTH', 'DEXTERITY', { strength: 99, dexterity: 31 }, ['STRENGTH', 'DEXTERITY']],
    ['LUCK', 'INTELLIGENCE', { intelligence: 5, luck: 4 }, ['INTELLIGENCE', 'LUCK']],
    ['STRENGTH', 'HP', { strength: 99, maxHp: 1520, hpMpUsed: 4 }, ['STRENGTH', 'MAX_HP']],
    ['DEXTERITY', 'MP', { dexterity: 29, maxMp: 202, hpMpUsed: 4 }, ['DEXTERITY', 'MAX_MP']],
    ['HP', 'STRENGTH', { strength: 101, maxHp: 1446, hp: 846, hpMpUsed: 2 }, ['STRENGTH', 'MAX_HP', 'HP']],
    ['MP', 'LUCK', { luck: 6, maxMp: 196, mp: 146, hpMpUsed: 2 }, ['LUCK', 'MAX_MP', 'MP']],
    ['HP', 'MP', { maxHp: 1446, hp: 846, maxMp: 202 }, ['MAX_HP', 'MAX_MP', 'HP']],
  ])('%s to %s', (from, to, changes, updates) => {
    const result = move(from, to);
    expect(result).toMatchObject({ ok: true, changes, updates });
    if (result.ok) expect(Object.keys(result.changes).sort()).toEqual(Object.keys(changes).sort());
  });

  it('reports the values with the snake_case keys STAT_CHANGED uses', () => {
    expect(move('HP', 'STRENGTH')).toEqual({
      ok: true,
      changes: { strength: 101, maxHp: 1446, hp: 846, hpMpUsed: 2 },
      updates: ['STRENGTH', 'MAX_HP', 'HP'],
      values: { strength: 101, max_hp: 1446, hp: 846 },
    });
  });

  it('moving a point to where it came from changes nothing and succeeds', () => {
    expect(move('STRENGTH', 'STRENGTH')).toEqual({ ok: true, changes: {}, updates: [], values: {} });
  });

  it('leaves at least 1 HP and stops MP at 0', () => {
    expect(move('HP', 'STRENGTH', { hp: 30 })).toMatchObject({ ok: true, changes: { hp: 1 } });
    expect(move('MP', 'STRENGTH', { mp: 2 })).toMatchObject({ ok: true, changes: { mp: 0 } });
  });

  it('fills a pool up to 30000 and no further', () => {
    expect(move('STRENGTH', 'HP', { maxHp: 29_990 })).toMatchObject({ ok: true, changes: { maxHp: 30_000 } });
  });

  it('takes a magician’s MP by effective INT', () => {
    const mage = { jobId: 210, level: 30, maxMp: 2000, mp: 2000 };
    expect(move('MP', 'INTELLIGENCE', mage, 400)).toMatchObject({ ok: true, changes: { maxMp: 1940 } });
    expect(move('MP', 'INTELLIGENCE', { ...mage, jobId: 110 }, 400)).toMatchObject({
      changes: { maxMp: 1996 },
    });
  });

  it('stops a max MP the minimum lets go below 0 at 0', () => {
    // A level-1 pirate's minimum is -37, so 10 max MP may lose its 16.
    expect(move('MP', 'STRENGTH', { jobId: 500, level: 1, maxMp: 10, mp: 10 })).toMatchObject({
      ok: true,
      changes: { maxMp: 0, mp: 0 },
    });
  });
});

describe('transferAp: refusals, each naming the ability at fault', () => {
  it.each([
    ['a base stat at 4', 'INTELLIGENCE', 'STRENGTH', {}, 'STAT_AT_MINIMUM', 'INTELLIGENCE'],
    ['a base stat at 32767', 'LUCK', 'STRENGTH', { strength: 32_767 }, 'STAT_AT_MAXIMUM', 'STRENGTH'],
    ['a full HP pool', 'STRENGTH', 'HP', { maxHp: 30_000 }, 'STAT_AT_MAXIMUM', 'HP'],
    ['a full MP pool', 'STRENGTH', 'MP', { maxMp: 30_000 }, 'STAT_AT_MAXIMUM', 'MP'],
    ['HP without points in HP/MP', 'HP', 'STRENGTH', { hpMpUsed: 0 }, 'INSUFFICIENT_HPMP_AP_USED', 'HP'],
    ['MP without points in HP/MP', 'MP', 'STRENGTH', { hpMpUsed: 0 }, 'INSUFFICIENT_HPMP_AP_USED', 'MP'],
    // A level-30 fighter keeps 24 × 30 + 418 = 1138 max HP; 1150 - 54 is below.
    ['max HP near the job minimum', 'HP', 'STRENGTH', { maxHp: 1150 }, 'POOL_BELOW_JOB_MINIMUM', 'HP'],
    // ... and 4 × 30 + 55 = 175 max MP; 178 - 4 is below.
    ['max MP near the job minimum', 'MP', 'STRENGTH', { maxMp: 178 }, 'POOL_BELOW_JOB_MINIMUM', 'MP'],
    ['an unknown source', 'CHARISMA', 'STRENGTH', {}, 'INVALID_TARGET', 'CHARISMA'],
    ['an unknown target', 'STRENGTH', 'strength', {}, 'INVALID_TARGET', 'strength'],
    ['an empty target', 'STRENGTH', '', {}, 'INVALID_TARGET', ''],
    ['both unknown: the source first', 'X', 'Y', {}, 'INVALID_TARGET', 'X'],
    ['a bad source before a bad target', 'INTELLIGENCE', 'Y', {}, 'STAT_AT_MINIMUM', 'INTELLIGENCE'],
  ])('%s', (_, from, to, c, error, detail) => {
    expect(move(from, to, c)).toEqual({ ok: false, error, detail });
  });

  it('checks the target against what the source left: a pool at the cap takes its own point back', () => {
    expect(move('HP', 'HP', { maxHp: 30_000, hp: 30_000 })).toMatchObject({
      ok: true,
      changes: { maxHp: 29_966, hp: 29_946 },
    });
  });

  it('allows the last point down to 4 but not below', () => {
    expect(move('LUCK', 'STRENGTH')).toMatchObject({ ok: true, changes: { luck: 4 } });
    expect(move('LUCK', 'STRENGTH', { luck: 4 })).toMatchObject({ ok: false, error: 'STAT_AT_MINIMUM' });
  });
});
