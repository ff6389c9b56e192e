/** Job ids of the v83-era job table (character.md §2.20). */
export const Job = {
  BEGINNER: 0,
  WARRIOR: 100,
  FIGHTER: 110,
  CRUSADER: 111,
  HERO: 112,
  PAGE: 120,
  WHITE_KNIGHT: 121,
  PALADIN: 122,
  SPEARMAN: 130,
  DRAGON_KNIGHT: 131,
  DARK_KNIGHT: 132,
  MAGICIAN: 200,
  FP_WIZARD: 210,
  FP_MAGE: 211,
  FP_ARCH_MAGE: 212,
  IL_WIZARD: 220,
  IL_MAGE: 221,
  IL_ARCH_MAGE: 222,
  CLERIC: 230,
  PRIEST: 231,
  BISHOP: 232,
  BOWMAN: 300,
  HUNTER: 310,
  RANGER: 311,
  BOWMASTER: 312,
  CROSSBOWMAN: 320,
  SNIPER: 321,
  MARKSMAN: 322,
  ROGUE: 400,
  ASSASSIN: 410,
  HERMIT: 411,
  NIGHT_LORD: 412,
  BANDIT: 420,
  CHIEF_BANDIT: 421,
  SHADOWER: 422,
  PIRATE: 500,
  BRAWLER: 510,
  MARAUDER: 511,
  BUCCANEER: 512,
  GUNSLINGER: 520,
  OUTLAW: 521,
  CORSAIR: 522,
  MAPLE_LEAF_BRIGADIER: 800,
  GM: 900,
  SUPER_GM: 910,
  NOBLESSE: 1000,
  DAWN_WARRIOR_1: 1100,
  DAWN_WARRIOR_2: 1110,
  DAWN_WARRIOR_3: 1111,
  DAWN_WARRIOR_4: 1112,
  BLAZE_WIZARD_1: 1200,
  BLAZE_WIZARD_2: 1210,
  BLAZE_WIZARD_3: 1211,
  BLAZE_WIZARD_4: 1212,
  WIND_ARCHER_1: 1300,
  WIND_ARCHER_2: 1310,
  WIND_ARCHER_3: 1311,
  WIND_ARCHER_4: 1312,
  NIGHT_WALKER_1: 1400,
  NIGHT_WALKER_2: 1410,
  NIGHT_WALKER_3: 1411,
  NIGHT_WALKER_4: 1412,
  THUNDER_BREAKER_1: 1500,
  THUNDER_BREAKER_2: 1510,
  THUNDER_BREAKER_3: 1511,
  THUNDER_BREAKER_4: 1512,
  LEGEND: 2000,
  EVAN_BEGINNER: 2001,
  ARAN_1: 2100,
  ARAN_2: 2110,
  ARAN_3: 2111,
  ARAN_4: 2112,
  EVAN_1: 2200,
  EVAN_2: 2210,
  EVAN_3: 2211,
  EVAN_4: 2212,
  EVAN_5: 2213,
  EVAN_6: 2214,
  EVAN_7: 2215,
  EVAN_8: 2216,
  EVAN_9: 2217,
  EVAN_10: 2218,
} as const;

export const KNOWN_JOB_IDS: readonly number[] = Object.values(Job);

const knownJobs: ReadonlySet<number> = new Set(KNOWN_JOB_IDS);

const FOURTH_JOBS: ReadonlySet<number> = new Set([
  112, 122, 132, 212, 222, 232, 312, 322, 412, 422, 512, 522, 1112, 1212, 1312, 1412, 1512, 2112, 2214, 2215,
  2216, 2217, 2218,
]);

const div = (a: number, b: number): number => Math.trunc(a / b);

/**
 * The reference's job.Is: a branch root (tens digit 0, e.g. 100, 2001) matches its whole hundred,
 * any other reference matches the jobs of its tens that are not below it (111 matches 111..119).
 */
export function is(job: number, ref: number): boolean {
  const sameTensAtOrAbove = div(job, 10) === div(ref, 10) && job >= ref;
  const sameBranch = div(ref, 10) % 10 === 0 && div(job, 100) === div(ref, 100);
  return sameTensAtOrAbove || sameBranch;
}

export function isA(job: number, ...refs: number[]): boolean {
  return refs.some((ref) => is(job, ref));
}

/** 0-99, 1000-1099 (Noblesse) and 2000-2099 (Legend, Evan beginner). */
export function isBeginner(job: number): boolean {
  return isA(job, Job.BEGINNER, Job.NOBLESSE, Job.LEGEND, Job.EVAN_BEGINNER);
}

/** 1000-1999, Noblesse included. */
export function isCygnus(job: number): boolean {
  return div(job, 1000) === 1;
}

/** 1xx, Dawn Warrior 11xx and Aran 21xx: the families that share the warrior's HP rules. */
export function isWarrior(job: number): boolean {
  return isA(job, Job.WARRIOR, Job.DAWN_WARRIOR_1, Job.ARAN_1);
}

/** 2xx and Blaze Wizard 12xx (Evan is its own family). */
export function isMagician(job: number): boolean {
  return isA(job, Job.MAGICIAN, Job.BLAZE_WIZARD_1);
}

/** 3xx and Wind Archer 13xx. */
export function isBowman(job: number): boolean {
  return isA(job, Job.BOWMAN, Job.WIND_ARCHER_1);
}

/** 4xx and Night Walker 14xx. */
export function isThief(job: number): boolean {
  return isA(job, Job.ROGUE, Job.NIGHT_WALKER_1);
}

/** 5xx and Thunder Breaker 15xx. */
export function isPirate(job: number): boolean {
  return isA(job, Job.PIRATE, Job.THUNDER_BREAKER_1);
}

/** 21xx. */
export function isAran(job: number): boolean {
  return is(job, Job.ARAN_1);
}

/**
 * Exactly the Evan beginner (2001) and Evan stages 1-10 (2200, 2210-2218). The reference matched
 * this set with job.IsA, which also caught Legend 2000; we do not.
 */
export function isEvan(job: number): boolean {
  return job === Job.EVAN_BEGINNER || job === Job.EVAN_1 || (job >= Job.EVAN_2 && job <= Job.EVAN_10);
}

/** GM 900 and Super GM 910. */
export function isGm(job: number): boolean {
  return is(job, Job.GM);
}

export function isFourthJob(job: number): boolean {
  return FOURTH_JOBS.has(job);
}

/** A branch's first advancement (100, 200, 1100, 2100, 2200 ...); the x00 rows of job advancement. */
export function isFirstJob(job: number): boolean {
  return !isBeginner(job) && job % 100 === 0;
}

export function isKnownJob(job: number): boolean {
  return knownJobs.has(job);
}

/** A skill id is its job id times 10000 plus a number; only jobs of the table count. */
export function jobFromSkillId(skillId: number): number | undefined {
  const job = Math.floor(skillId / 10_000);
  return isKnownJob(job) ? job : undefined;
}
