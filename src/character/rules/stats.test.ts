import { describe, expect, it } from 'vitest';
import { changeFame, changeHp, changeMp, clampHp, clampMp, resetStats, setHp } from './stats.js';

describe('resetStats', () => {
  it.each([
    // [str, dex, int, luk, ap, ap after]
    [4, 4, 4, 4, 0, 0],
    [50, 25, 4, 4, 3, 3 + 46 + 21],
    [12, 5, 4, 4, 0, 9],
    [1, 2, 10, 4, 0, 6],
    [32_767, 32_767, 4, 4, 0, 65_526],
    [32_767, 32_767, 32_767, 4, 0, 65_535],
    [4, 4, 4, 4, 65_535, 65_535],
  ])('STR %i DEX %i INT %i LUK %i AP %i → AP %i', (strength, dexterity, intelligence, luck, ap, after) => {
    expect(resetStats({ strength, dexterity, intelligence, luck, ap })).toEqual({
      strength: 4,
      dexterity: 4,
      intelligence: 4,
      luck: 4,
      ap: after,
    });
  });
});

describe('changeHp', () => {
  it.each([
    // [hp, amount, max, hp after, died]
    [50, 10, 100, 60, false],
    [95, 10, 100, 100, false],
    [30_000, 5_000, 30_000, 30_000, false],
    [30_000, 32_767, 40_000, 40_000, false],
    [10, -5, 100, 5, false],
    [10, -10, 100, 0, true],
    [10, -500, 100, 0, true],
    [0, -10, 100, 0, false],
    [0, 0, 100, 0, false],
    [0, 20, 100, 20, false],
    [150, 0, 100, 100, false],
  ])('hp %i %+i (max %i) → %i, died %s', (hp, amount, max, after, died) => {
    expect(changeHp(hp, amount, max)).toEqual({ hp: after, died });
  });
});

describe('setHp', () => {
  it.each([
    [50, 80, 100, 80, false],
    [50, 500, 100, 100, false],
    [50, 0, 100, 0, true],
    [0, 0, 100, 0, false],
    [0, 40, 100, 40, false],
  ])('hp %i set to %i (max %i) → %i, died %s', (hp, value, max, after, died) => {
    expect(setHp(hp, value, max)).toEqual({ hp: after, died });
  });
});

describe('changeMp', () => {
  it.each([
    [10, 5, 100, 15],
    [10, -20, 100, 0],
    [90, 20, 100, 100],
    [20_000, 20_000, 30_000, 30_000],
  ])('mp %i %+i (max %i) → %i', (mp, amount, max, after) => {
    expect(changeMp(mp, amount, max)).toBe(after);
  });
});

describe('clampHp / clampMp', () => {
  it.each([
    [150, 100, 100],
    [100, 100, undefined],
    [50, 100, undefined],
    [1, 0, 0],
  ])('current %i, max %i → %s', (current, max, after) => {
    expect(clampHp(current, max)).toBe(after);
    expect(clampMp(current, max)).toBe(after);
  });
});

describe('changeFame', () => {
  it.each([
    [0, 1, 1],
    [0, -1, -1],
    [32_767, 1, 32_767],
    [32_700, 127, 32_767],
    [-32_768, -1, -32_768],
    [-32_700, -128, -32_768],
  ])('fame %i %+i → %i', (fame, amount, after) => {
    expect(changeFame(fame, amount)).toBe(after);
  });
});
