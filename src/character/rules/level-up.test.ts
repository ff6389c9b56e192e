import { describe, expect, it } from 'vitest';
import { apForLevel, hpMpGainParams, type LevelUpInput, levelUpGains, spForLevel } from './level-up.js';
import type { Random } from './random.js';

const lowest: Random = () => 0;
const highest: Random = () => 0.999_999;
const noBonus = { hp: 0, mp: 0 };

function sequence(...values: number[]): Random {
  let next = 0;
  return () => values[next++ % values.length] ?? 0;
}

describe('apForLevel', () => {
  it.each([
    [0, 2, 5],
    [112, 120, 5],
    [2112, 50, 5],
    [1000, 10, 5],
    [1000, 11, 7],
    [1100, 17, 7],
    [1100, 18, 6],
    [1512, 76, 6],
    [1512, 77, 5],
    [1512, 120, 5],
  ])('job %i at level %i gets %i AP', (job, level, ap) => {
    expect(apForLevel(job, level)).toBe(ap);
  });
});

describe('spForLevel', () => {
  it.each([
    [0, 1, 0],
    [0, 2, 1],
    [0, 7, 1],
    [0, 8, 0],
    [1000, 5, 1],
    [2000, 7, 1],
    [2001, 9, 0],
    [100, 11, 3],
    [2200, 10, 3],
    [900, 50, 3],
  ])('job %i at level %i gets %i SP', (job, level, sp) => {
    expect(spForLevel(job, level)).toBe(sp);
  });
});

describe('hpMpGainParams', () => {
  it.each([
    // [job, hp range, mp range, hp skill, mp skill]
    [0, [12, 16], [10, 12], undefined, undefined],
    [1000, [12, 16], [10, 12], undefined, undefined],
    [2001, [12, 16], [10, 12], undefined, undefined],
    [100, [24, 28], [4, 6], 1_000_001, undefined],
    [110, [24, 28], [4, 6], 1_000_001, undefined],
    [111, [24, 28], [4, 6], 1_000_001, 1_210_000],
    [112, [24, 28], [4, 6], 1_000_001, 1_210_000],
    [121, [24, 28], [4, 6], 1_000_001, 1_210_000],
    [122, [24, 28], [4, 6], 1_000_001, 1_210_000],
    [132, [24, 28], [4, 6], 1_000_001, undefined],
    [1110, [24, 28], [4, 6], 11_000_005, undefined],
    [1111, [24, 28], [4, 6], 11_000_005, 11_110_000],
    [1112, [24, 28], [4, 6], 11_000_005, 11_110_000],
    [212, [10, 14], [22, 24], undefined, 2_000_001],
    [1210, [10, 14], [22, 24], undefined, 12_000_005],
    [300, [20, 24], [14, 16], undefined, undefined],
    [422, [20, 24], [14, 16], undefined, undefined],
    [1312, [20, 24], [14, 16], undefined, undefined],
    [1400, [20, 24], [14, 16], undefined, undefined],
    [900, [30_000, 30_000], [30_000, 30_000], undefined, undefined],
    [910, [30_000, 30_000], [30_000, 30_000], undefined, undefined],
    [510, [22, 28], [18, 23], 5_100_000, undefined],
    [1511, [22, 28], [18, 23], 15_100_007, undefined],
    [2100, [44, 48], [4, 8], undefined, undefined],
    [2112, [44, 48], [4, 8], undefined, undefined],
    [2200, [0, 0], [0, 0], undefined, undefined],
    [2218, [0, 0], [0, 0], undefined, undefined],
    [800, [0, 0], [0, 0], undefined, undefined],
  ])('job %i rolls HP %j, MP %j, HP skill %s, MP skill %s', (job, hp, mp, hpSkill, mpSkill) => {
    expect(hpMpGainParams(job)).toEqual({
      hp: { min: hp[0], max: hp[1] },
      mp: { min: mp[0], max: mp[1] },
      hpBonusSkillId: hpSkill,
      mpBonusSkillId: mpSkill,
    });
  });
});

const warrior: LevelUpInput = {
  jobId: 110,
  newLevel: 31,
  amount: 1,
  region: 'GMS',
  majorVersion: 83,
  strength: 50,
  dexterity: 10,
  maxHp: 1000,
  maxMp: 100,
};

describe('levelUpGains', () => {
  it('gives one level its AP, SP and rolls', () => {
    expect(levelUpGains(warrior, lowest, noBonus)).toEqual({
      ap: 5,
      sp: 3,
      hpGain: 24,
      mpGain: 4,
      strength: 50,
      dexterity: 10,
      maxHp: 1024,
      maxMp: 104,
    });
  });

  it('rolls the top of the range', () => {
    const gains = levelUpGains(warrior, highest, noBonus);
    expect([gains.hpGain, gains.mpGain]).toEqual([28, 6]);
  });

  it('rolls HP before MP on each level', () => {
    const gains = levelUpGains({ ...warrior, amount: 2 }, sequence(0, 0.999, 0.999, 0), noBonus);
    expect([gains.hpGain, gains.mpGain]).toEqual([24 + 28, 6 + 4]);
  });

  it('adds the skill bonus on every level', () => {
    const gains = levelUpGains({ ...warrior, amount: 3 }, lowest, { hp: 10, mp: 2 });
    expect([gains.hpGain, gains.mpGain, gains.maxHp, gains.maxMp]).toEqual([102, 18, 1102, 118]);
  });

  it('uses each of the levels newLevel-amount+1 .. newLevel once', () => {
    // Noblesse levels 9..13: AP 5, 5, 7, 7, 7 (Cygnus get 7 from level 11); SP 0 as a beginner.
    const noblesse = { ...warrior, jobId: 1000, newLevel: 13, amount: 5, region: 'EMS' };
    expect(levelUpGains(noblesse, lowest, noBonus)).toMatchObject({ ap: 31, sp: 0 });
  });

  it('counts the beginner SP levels 2..7 exactly once', () => {
    const beginner = { ...warrior, jobId: 0, newLevel: 10, amount: 9, region: 'KMS' };
    expect(levelUpGains(beginner, lowest, noBonus)).toMatchObject({ ap: 45, sp: 6 });
  });

  it.each([
    // [job, newLevel, amount, ap, strength, dexterity]
    [0, 2, 1, 0, 55, 10],
    [0, 5, 1, 0, 55, 10],
    [0, 6, 1, 0, 54, 11],
    [0, 10, 1, 0, 54, 11],
    [0, 11, 1, 5, 50, 10],
    [0, 10, 9, 0, 50 + 4 * 5 + 5 * 4, 10 + 5],
    [0, 12, 3, 10, 54, 11],
    [1000, 4, 1, 0, 55, 10],
    [2001, 8, 1, 0, 54, 11],
    [100, 10, 1, 5, 50, 10],
  ])('GMS v83 job %i reaching %i (+%i): AP %i, STR %i, DEX %i', (jobId, newLevel, amount, ap, str, dex) => {
    const gains = levelUpGains({ ...warrior, jobId, newLevel, amount }, lowest, noBonus);
    expect([gains.ap, gains.strength, gains.dexterity]).toEqual([ap, str, dex]);
  });

  it.each([
    ['GMS', 84],
    ['GMS', 62],
    ['JMS', 83],
  ])('gives a beginner AP instead of stats in %s v%i', (region, majorVersion) => {
    const beginner = { ...warrior, jobId: 0, newLevel: 5, region, majorVersion };
    expect(levelUpGains(beginner, lowest, noBonus)).toMatchObject({ ap: 5, strength: 50, dexterity: 10 });
  });

  it('caps max HP and max MP at 30000', () => {
    const gm = { ...warrior, jobId: 900, maxHp: 100, maxMp: 29_999 };
    expect(levelUpGains(gm, lowest, noBonus)).toMatchObject({
      hpGain: 30_000,
      mpGain: 30_000,
      maxHp: 30_000,
      maxMp: 30_000,
    });
  });

  it('gives nothing for zero levels and never rolls', () => {
    const neverCalled: Random = () => {
      throw new Error('rolled');
    };
    expect(levelUpGains({ ...warrior, newLevel: 200, amount: 0 }, neverCalled, { hp: 9, mp: 9 })).toEqual({
      ap: 0,
      sp: 0,
      hpGain: 0,
      mpGain: 0,
      strength: 50,
      dexterity: 10,
      maxHp: 1000,
      maxMp: 100,
    });
  });
});
