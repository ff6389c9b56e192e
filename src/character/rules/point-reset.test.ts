import { describe, expect, it } from 'vitest';
import {
  inFamily,
  isPointResetMagician,
  magicianTakeMp,
  minimumMaxHp,
  minimumMaxMp,
  pointResetPolicy,
} from './point-reset.js';

describe('inFamily (HEAD job identity families)', () => {
  it.each([
    [100, 100, true],
    [132, 100, true],
    [200, 100, false],
    [110, 110, true],
    [112, 110, true],
    [120, 110, false],
    [100, 110, false],
    [1111, 1100, true],
    [1111, 1110, true],
    [1100, 1110, false],
    [2112, 2100, true],
    [2001, 2100, false],
    [434, 400, true],
    [0, 0, true],
    [900, 0, false],
  ])('job %i in the family of %i: %s', (job, root, expected) => {
    expect(inFamily(job, root)).toBe(expected);
  });
});

describe('pointResetPolicy', () => {
  it.each([
    ['beginner', 0, { takeHp: 12, takeMp: 8, gainHp: 8, gainMp: 6 }],
    ['noblesse', 1000, { takeHp: 12, takeMp: 8, gainHp: 8, gainMp: 6 }],
    ['legend', 2000, { takeHp: 12, takeMp: 8, gainHp: 8, gainMp: 6 }],
    ['evan', 2210, { takeHp: 12, takeMp: 8, gainHp: 8, gainMp: 6 }],
    ['GM', 900, { takeHp: 12, takeMp: 8, gainHp: 8, gainMp: 6 }],
    ['hero', 112, { takeHp: 54, takeMp: 4, gainHp: 20, gainMp: 2 }],
    ['dawn warrior', 1111, { takeHp: 54, takeMp: 4, gainHp: 20, gainMp: 2 }],
    ['aran', 2112, { takeHp: 54, takeMp: 4, gainHp: 20, gainMp: 2 }],
    ['bishop', 232, { takeHp: 10, takeMp: 31, gainHp: 6, gainMp: 18 }],
    ['blaze wizard', 1210, { takeHp: 10, takeMp: 31, gainHp: 6, gainMp: 18 }],
    ['marksman', 322, { takeHp: 20, takeMp: 12, gainHp: 16, gainMp: 10 }],
    ['shadower', 422, { takeHp: 20, takeMp: 12, gainHp: 16, gainMp: 10 }],
    ['night walker', 1400, { takeHp: 20, takeMp: 12, gainHp: 16, gainMp: 10 }],
    ['corsair', 522, { takeHp: 42, takeMp: 16, gainHp: 18, gainMp: 14 }],
    ['thunder breaker', 1512, { takeHp: 42, takeMp: 16, gainHp: 18, gainMp: 14 }],
  ])('%s (%i)', (_, job, policy) => {
    expect(pointResetPolicy(job)).toEqual(policy);
  });

  it('treats magicians and blaze wizards, not Evan, as magicians', () => {
    expect([200, 212, 1200, 1212, 2200, 100].map(isPointResetMagician)).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it.each([
    [0, 30],
    [14, 31],
    [40, 33],
    [100, 37],
    [999, 104],
  ])('a magician with effective INT %i loses %i max MP', (int, take) => {
    expect(magicianTakeMp(int)).toBe(take);
  });
});

describe('pool minimums', () => {
  it.each([
    ['beginner', 0, 10, 158, 95],
    ['warrior', 100, 10, 358, 95],
    ['fighter line', 111, 70, 2098, 335],
    ['page line', 121, 70, 1798, 435],
    ['spearman line', 132, 70, 1798, 435],
    ['dawn warrior 2', 1110, 70, 2098, 335],
    ['aran 1', 2100, 10, 358, 95],
    ['magician', 200, 10, 154, 219],
    ['cleric line', 231, 70, 754, 1989],
    ['blaze wizard 2', 1210, 70, 754, 1989],
    ['bowman', 300, 10, 258, 125],
    ['hunter line', 311, 70, 1758, 1115],
    ['rogue', 400, 10, 258, 125],
    ['dual blade (rogue base)', 430, 30, 658, 405],
    ['bandit line', 422, 70, 1758, 1115],
    ['pirate', 500, 10, 258, 125],
    ['gunslinger line', 521, 70, 1878, 1355],
    ['thunder breaker 1', 1500, 10, 258, 125],
    ['evan', 2200, 10, 158, 95],
  ])('%s (%i) at level %i keeps max HP %i and max MP %i', (_, job, level, hp, mp) => {
    expect(minimumMaxHp(job, level)).toBe(hp);
    expect(minimumMaxMp(job, level)).toBe(mp);
  });

  it('goes negative for max MP where HEAD’s table does', () => {
    expect(minimumMaxMp(500, 1)).toBe(-37);
    expect(minimumMaxMp(300, 1)).toBe(-1);
  });
});
