import { describe, expect, it } from 'vitest';
import {
  awardExperience,
  awardLevel,
  deductExperience,
  EXPERIENCE_TABLE,
  experienceToNextLevel,
  MAX_LEVEL,
} from './experience.js';

describe('EXPERIENCE_TABLE', () => {
  it('has one entry per level 0..200', () => {
    expect(EXPERIENCE_TABLE).toHaveLength(201);
  });

  it.each([
    [0, 15],
    [1, 15],
    [10, 1242],
    [30, 63800],
    [31, 86784],
    [100, 8178534],
    [162, 223471711],
    [163, 223471711],
    [164, 248635353],
    [199, 1608855764],
    [200, 1697021059],
  ])('level %i needs %i', (level, need) => {
    expect(experienceToNextLevel(level)).toBe(need);
  });

  it('rises everywhere except the repeated value at index 163', () => {
    const flat = EXPERIENCE_TABLE.flatMap((need, level) =>
      level > 1 && need <= (EXPERIENCE_TABLE[level - 1] ?? 0) ? [level] : [],
    );
    expect(flat).toEqual([163]);
  });

  it('uses the reference fallback beyond the table', () => {
    expect(experienceToNextLevel(201)).toBe(2_000_000_000);
  });
});

describe('awardExperience', () => {
  it.each([
    // [level, experience, amount, experience after, levels gained]
    [1, 0, 14, 14, 0],
    [1, 0, 15, 0, 1],
    [1, 0, 16, 1, 1],
    [1, 0, 49, 0, 2],
    [1, 0, 50, 1, 2],
    [1, 10, 100, 4, 3],
    [10, 0, 1241, 1241, 0],
    [10, 0, 1242, 0, 1],
    [10, 0, 1243, 1, 1],
    [30, 0, 1_000_000, 47_327, 8],
    [50, 100, 0, 100, 0],
  ])('level %i with %i exp, +%i → %i exp, %i levels', (level, experience, amount, after, levels) => {
    expect(awardExperience({ level, experience }, amount)).toEqual({
      experience: after,
      levelsGained: levels,
    });
  });

  it('levels from 199 to 200 and keeps the rest', () => {
    expect(awardExperience({ level: 199, experience: 0 }, 1_608_855_764 + 5)).toEqual({
      experience: 5,
      levelsGained: 1,
    });
  });

  it('gains no level at 200 and keeps the experience', () => {
    expect(awardExperience({ level: MAX_LEVEL, experience: 0 }, 1_697_021_060)).toEqual({
      experience: 1_697_021_060,
      levelsGained: 0,
    });
  });

  it('stops at 200 instead of spending experience on refused levels', () => {
    const needFrom198 = 1_525_246_918 + 1_608_855_764;
    expect(awardExperience({ level: 198, experience: 0 }, needFrom198 + 1_000_000_000)).toEqual({
      experience: 1_000_000_000,
      levelsGained: 2,
    });
  });

  it('clamps kept experience to the uint32 maximum', () => {
    expect(awardExperience({ level: MAX_LEVEL, experience: 4_294_967_000 }, 1000)).toEqual({
      experience: 4_294_967_295,
      levelsGained: 0,
    });
  });

  it('walks from level 1 to 200 with the whole table', () => {
    const total = EXPERIENCE_TABLE.slice(1, MAX_LEVEL).reduce((sum, need) => sum + need, 0);
    expect(awardExperience({ level: 1, experience: 0 }, total)).toEqual({ experience: 0, levelsGained: 199 });
  });
});

describe('awardLevel', () => {
  it.each([
    [1, 1, 1],
    [10, 5, 5],
    [199, 1, 1],
    [199, 5, 1],
    [200, 1, 0],
    [150, 100, 50],
    [100, 200, 100],
    [1, 0, 0],
  ])('level %i + %i grants %i', (level, amount, actual) => {
    expect(awardLevel(level, amount)).toBe(actual);
  });
});

describe('deductExperience', () => {
  it.each([
    [100, 30, 70],
    [100, 100, 0],
    [100, 101, 0],
    [0, 5, 0],
  ])('%i - %i → %i', (experience, amount, after) => {
    expect(deductExperience(experience, amount)).toBe(after);
  });
});
