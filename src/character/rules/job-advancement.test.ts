import { describe, expect, it } from 'vitest';
import { jobAdvancementGains } from './job-advancement.js';
import type { Random } from './random.js';

const lowest: Random = () => 0;
const highest: Random = () => 0.999_999;

describe('jobAdvancementGains', () => {
  it.each([
    // [job, ap, sp, lowest hp, lowest mp, highest hp, highest mp]
    [100, 0, 1, 200, 0, 250, 0],
    [110, 0, 1, 300, 0, 350, 0],
    [111, 0, 1, 300, 0, 350, 0],
    [112, 0, 3, 300, 0, 350, 0],
    [1100, 7, 1, 200, 0, 250, 0],
    [1112, 7, 3, 300, 0, 350, 0],
    [2100, 0, 1, 200, 0, 250, 0],
    [2110, 0, 1, 300, 0, 350, 0],
    [2112, 0, 3, 300, 0, 350, 0],
    [200, 0, 1, 0, 100, 0, 150],
    [210, 0, 1, 0, 450, 0, 500],
    [232, 0, 3, 0, 450, 0, 500],
    [1200, 7, 1, 0, 100, 0, 150],
    [1211, 7, 1, 0, 450, 0, 500],
    [2200, 2, 1, 0, 100, 0, 150],
    [2210, 2, 1, 0, 450, 0, 500],
    [2218, 2, 1, 0, 450, 0, 500],
    [300, 0, 1, 100, 25, 150, 50],
    [312, 0, 3, 100, 25, 150, 50],
    [410, 0, 1, 100, 25, 150, 50],
    [522, 0, 3, 100, 25, 150, 50],
    [1300, 7, 1, 100, 25, 150, 50],
    [1412, 7, 3, 100, 25, 150, 50],
    [1510, 7, 1, 100, 25, 150, 50],
    [800, 0, 1, 300, 150, 350, 200],
    [900, 0, 1, 300, 150, 350, 200],
    [910, 0, 1, 300, 150, 350, 200],
    [0, 0, 1, 0, 0, 0, 0],
    [1000, 7, 1, 0, 0, 0, 0],
    [2000, 0, 1, 0, 0, 0, 0],
    [2001, 2, 1, 0, 0, 0, 0],
  ])('job %i: AP %i, SP %i, HP %i/MP %i .. HP %i/MP %i', (job, ap, sp, hpLo, mpLo, hpHi, mpHi) => {
    expect(jobAdvancementGains(job, lowest)).toEqual({ ap, sp, hpGain: hpLo, mpGain: mpLo });
    expect(jobAdvancementGains(job, highest)).toEqual({ ap, sp, hpGain: hpHi, mpGain: mpHi });
  });

  it('rolls HP before MP', () => {
    const rolls = [0, 0.999_999];
    let next = 0;
    const random: Random = () => rolls[next++] ?? 0;
    expect(jobAdvancementGains(310, random)).toMatchObject({ hpGain: 100, mpGain: 50 });
  });

  it('gives Legend (2000) no Evan AP', () => {
    expect(jobAdvancementGains(2000, lowest).ap).toBe(0);
  });
});
