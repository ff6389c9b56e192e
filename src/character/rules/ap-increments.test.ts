import { describe, expect, it } from 'vitest';
import {
  apHpBonusSkill,
  apMpBonusSkill,
  baseHpPerAp,
  baseMpPerAp,
  hpPerAp,
  mpPerAp,
} from './ap-increments.js';

describe('HP/MP per AP point', () => {
  it.each([
    // [job, hp, mp]
    [0, 8, 6],
    [1000, 8, 6],
    [2001, 8, 6],
    [100, 20, 2],
    [132, 20, 2],
    [1111, 20, 2],
    [2112, 20, 2],
    [200, 6, 18],
    [1212, 6, 18],
    [300, 16, 10],
    [412, 16, 10],
    [1300, 16, 10],
    [1411, 16, 10],
    [500, 18, 14],
    [1512, 18, 14],
    [800, 8, 6],
    [900, 8, 6],
    [2200, 8, 6],
    [2218, 8, 6],
  ])('job %i: HP +%i, MP +%i', (job, hp, mp) => {
    expect([baseHpPerAp(job), baseMpPerAp(job)]).toEqual([hp, mp]);
  });

  it('adds the HP skill bonus', () => {
    expect(hpPerAp(110, 10)).toBe(30);
  });

  it.each([
    [0, 6],
    [1, 7],
    [10, 7],
    [11, 8],
    [104, 17],
  ])('MP adds ceil(INT %i / 10) for a beginner → %i', (intelligence, mp) => {
    expect(mpPerAp(0, intelligence, 0)).toBe(mp);
  });

  it('adds the MP skill bonus', () => {
    expect(mpPerAp(210, 100, 5)).toBe(18 + 10 + 5);
  });
});

describe('AP bonus skills', () => {
  it.each([
    [100, 1_000_001],
    [112, 1_000_001],
    [2110, 1_000_001],
    [1100, 11_000_005],
    [510, 5_100_000],
    [1511, 15_100_007],
    [200, undefined],
    [0, undefined],
  ])('job %i: HP skill %s (effect Y)', (job, skillId) => {
    expect(apHpBonusSkill(job)).toEqual(skillId === undefined ? undefined : { skillId, effect: 'y' });
  });

  it.each([
    [111, 1_210_000],
    [112, 1_210_000],
    [121, 1_210_000],
    [122, 1_210_000],
    [110, undefined],
    [131, undefined],
    [1111, 11_110_000],
    [1112, 11_110_000],
    [1110, undefined],
    [200, 2_000_001],
    [232, 2_000_001],
    [1200, 12_000_005],
    [2200, undefined],
    [510, undefined],
  ])('job %i: MP skill %s (effect X)', (job, skillId) => {
    expect(apMpBonusSkill(job)).toEqual(skillId === undefined ? undefined : { skillId, effect: 'x' });
  });
});
