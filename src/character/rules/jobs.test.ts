import { describe, expect, it } from 'vitest';
import {
  is,
  isA,
  isAran,
  isBeginner,
  isBowman,
  isCygnus,
  isEvan,
  isFirstJob,
  isFourthJob,
  isGm,
  isMagician,
  isPirate,
  isThief,
  isWarrior,
  Job,
  jobFromSkillId,
  KNOWN_JOB_IDS,
} from './jobs.js';

describe('is', () => {
  it.each([
    [110, 100, true],
    [112, 100, true],
    [100, 110, false],
    [111, 110, true],
    [110, 111, false],
    [121, 111, false],
    [2001, 2000, true],
    [2000, 2001, true],
    [2100, 2000, false],
    [1100, 1000, false],
    [910, 900, true],
    [900, 910, false],
    [2200, 2001, false],
    [2210, 2200, true],
    [99, 0, true],
    [800, 0, false],
    [199, 100, true],
    [200, 100, false],
    [119, 111, true],
    [919, 910, true],
  ])('Is(%i, %i) = %s', (job, ref, expected) => {
    expect(is(job, ref)).toBe(expected);
  });
});

describe('isA', () => {
  it('matches when any reference matches', () => {
    expect(isA(1111, 100, 1100)).toBe(true);
    expect(isA(2112, 100, 1100)).toBe(false);
  });

  it('matches nothing without references', () => {
    expect(isA(100)).toBe(false);
  });
});

describe('family predicates', () => {
  const predicates = {
    beginner: isBeginner,
    cygnus: isCygnus,
    warrior: isWarrior,
    magician: isMagician,
    bowman: isBowman,
    thief: isThief,
    pirate: isPirate,
    aran: isAran,
    evan: isEvan,
    gm: isGm,
  } as const;
  type Family = keyof typeof predicates;

  it.each<[number, Family[]]>([
    [0, ['beginner']],
    [100, ['warrior']],
    [132, ['warrior']],
    [212, ['magician']],
    [322, ['bowman']],
    [412, ['thief']],
    [522, ['pirate']],
    [800, []],
    [900, ['gm']],
    [910, ['gm']],
    [1000, ['beginner', 'cygnus']],
    [1112, ['cygnus', 'warrior']],
    [1212, ['cygnus', 'magician']],
    [1312, ['cygnus', 'bowman']],
    [1412, ['cygnus', 'thief']],
    [1512, ['cygnus', 'pirate']],
    [2000, ['beginner']],
    [2001, ['beginner', 'evan']],
    [2100, ['warrior', 'aran']],
    [2112, ['warrior', 'aran']],
    [2200, ['evan']],
    [2218, ['evan']],
  ])('job %i belongs to %j', (job, families) => {
    const matched = (Object.keys(predicates) as Family[]).filter((family) => predicates[family](job));
    expect(matched.sort()).toEqual([...families].sort());
  });

  it('treats 2219 and 2299 as outside Evan', () => {
    expect(isEvan(2219)).toBe(false);
    expect(isEvan(2299)).toBe(false);
  });
});

describe('isFourthJob', () => {
  const fourth = [112, 122, 132, 212, 222, 232, 312, 322, 412, 422, 512, 522, 1112, 1212, 1312, 1412, 1512];
  const evanFourth = [2112, 2214, 2215, 2216, 2217, 2218];

  it.each([...fourth, ...evanFourth])('job %i is a fourth job', (job) => {
    expect(isFourthJob(job)).toBe(true);
  });

  it.each([0, 100, 110, 111, 900, 910, 1111, 2111, 2200, 2213])('job %i is not a fourth job', (job) => {
    expect(isFourthJob(job)).toBe(false);
  });
});

describe('isFirstJob', () => {
  it.each([
    [100, true],
    [1100, true],
    [2100, true],
    [2200, true],
    [0, false],
    [1000, false],
    [2000, false],
    [110, false],
    [2210, false],
  ])('job %i first job = %s', (job, expected) => {
    expect(isFirstJob(job)).toBe(expected);
  });
});

describe('jobFromSkillId', () => {
  it.each([
    [1000, Job.BEGINNER],
    [1000001, Job.WARRIOR],
    [1210000, Job.WHITE_KNIGHT],
    [2000001, Job.MAGICIAN],
    [11000005, Job.DAWN_WARRIOR_1],
    [15100007, Job.THUNDER_BREAKER_2],
    [21120001, Job.ARAN_4],
    [22181000, Job.EVAN_10],
    [9001000, Job.GM],
  ])('skill %i belongs to job %i', (skillId, job) => {
    expect(jobFromSkillId(skillId)).toBe(job);
  });

  it.each([1130000, 6000000, 22190000, 99990000])('skill %i has no known job', (skillId) => {
    expect(jobFromSkillId(skillId)).toBeUndefined();
  });
});

describe('KNOWN_JOB_IDS', () => {
  it('lists the 82 jobs of the table once each', () => {
    expect(KNOWN_JOB_IDS).toHaveLength(82);
    expect(new Set(KNOWN_JOB_IDS).size).toBe(82);
  });
});
