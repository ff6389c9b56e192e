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
    [400, 0, 1, 100, 25, 150, 50],
    [500, 0, 1, 100, 25, 150, 50],
    [1400, 7, 1, 100, 25, 150, 50],
    [1500, 7, 1, 100, 25, 150, 50],
    [312, 0, 3, 300, 150, 350, 200],
    [410, 0, 1, 300, 150, 350, 200],
    [522, 0, 3, 300, 150, 350, 200],
    [1300, 7, 1, 100, 25, 150, 50],
    [1412, 7, 3, 300, 150, 350, 200],
    [1510, 7, 1, 300, 150, 350, 200],
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
    expect(jobAdvancementGains(300, random)).toMatchObject({ hpGain: 100, mpGain: 50 });
  });

  it('gives 2nd-4th job bowmen, thieves and pirates the 2nd-4th job row, not the 1st-job one (B7)', () => {
    for (const job of [310, 311, 312, 320, 410, 420, 422, 510, 520, 522, 1310, 1411, 1512]) {
      expect(jobAdvancementGains(job, lowest)).toMatchObject({ hpGain: 300, mpGain: 150 });
      expect(jobAdvancementGains(job, highest)).toMatchObject({ hpGain: 350, mpGain: 200 });
    }
  });

  it('gives Legend (2000) no Evan AP', () => {
    expect(jobAdvancementGains(2000, lowest).ap).toBe(0);
  });
});
