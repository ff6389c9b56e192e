import {
  is,
  isA,
  isAran,
  isBeginner,
  isBowman,
  isCygnus,
  isGm,
  isMagician,
  isPirate,
  isThief,
  Job,
} from './jobs.js';
import { capMax, MAX_BASE_STAT } from './limits.js';
import { type Random, randInt } from './random.js';

/** AP granted on reaching `level`: Cygnus knights get more early on, everyone else 5. */
export function apForLevel(jobId: number, level: number): number {
  if (!isCygnus(jobId) || level <= 10) return 5;
  if (level <= 17) return 7;
  if (level <= 76) return 6;
  return 5;
}

/** SP granted on reaching `level`: beginners only get one for levels 2-7 (their three beginner skills). */
export function spForLevel(jobId: number, level: number): number {
  if (isBeginner(jobId)) return level >= 2 && level <= 7 ? 1 : 0;
  return 3;
}

export interface GainRange {
  readonly min: number;
  readonly max: number;
}

/**
 * The per-level HP/MP roll of a job. The bonus skills are looked up by the caller: the bonus is the
 * skill effect's X at the character's level of that skill (0 when it lacks the skill).
 */
export interface HpMpGainParams {
  readonly hp: GainRange;
  readonly mp: GainRange;
  readonly hpBonusSkillId: number | undefined;
  readonly mpBonusSkillId: number | undefined;
}

const range = (min: number, max: number): GainRange => ({ min, max });

function params(hp: GainRange, mp: GainRange, hpSkill?: number, mpSkill?: number): HpMpGainParams {
  return { hp, mp, hpBonusSkillId: hpSkill, mpBonusSkillId: mpSkill };
}

function warriorHpSkill(jobId: number): number {
  return isCygnus(jobId) ? 11_000_005 : 1_000_001;
}

/** Only Crusader/Hero, White Knight/Paladin and Dawn Warrior 3rd/4th job have an MP bonus skill. */
function warriorMpSkill(jobId: number): number | undefined {
  if (isA(jobId, Job.CRUSADER, Job.WHITE_KNIGHT)) return 1_210_000;
  if (is(jobId, Job.DAWN_WARRIOR_3)) return 11_110_000;
  return undefined;
}

function magicianMpSkill(jobId: number): number {
  return isCygnus(jobId) ? 12_000_005 : 2_000_001;
}

function pirateHpSkill(jobId: number): number {
  return isCygnus(jobId) ? 15_100_007 : 5_100_000;
}

/** The reference's table, first matching row wins (character.md §2.17). Aran is its own row. */
export function hpMpGainParams(jobId: number): HpMpGainParams {
  if (isBeginner(jobId)) return params(range(12, 16), range(10, 12));
  if (isA(jobId, Job.WARRIOR, Job.DAWN_WARRIOR_1)) {
    return params(range(24, 28), range(4, 6), warriorHpSkill(jobId), warriorMpSkill(jobId));
  }
  if (isMagician(jobId)) {
    return params(range(10, 14), range(22, 24), undefined, magicianMpSkill(jobId));
  }
  if (isBowman(jobId) || isThief(jobId)) {
    return params(range(20, 24), range(14, 16));
  }
  if (isGm(jobId)) return params(range(30_000, 30_000), range(30_000, 30_000));
  if (isPirate(jobId)) {
    return params(range(22, 28), range(18, 23), pirateHpSkill(jobId));
  }
  if (isAran(jobId)) return params(range(44, 48), range(4, 8));
  return params(range(0, 0), range(0, 0));
}

export interface LevelUpInput {
  readonly jobId: number;
  /** The level already stored, i.e. after the levels were awarded. */
  readonly newLevel: number;
  /** How many levels were awarded; 0 at the cap. */
  readonly amount: number;
  readonly region: string;
  readonly majorVersion: number;
  readonly strength: number;
  readonly dexterity: number;
  readonly maxHp: number;
  readonly maxMp: number;
}

export interface SkillBonus {
  readonly hp: number;
  readonly mp: number;
}

export interface LevelUpGains {
  readonly ap: number;
  readonly sp: number;
  /** Rolled totals, before the 30000 cap; `maxHp`/`maxMp` are the capped results. */
  readonly hpGain: number;
  readonly mpGain: number;
  readonly strength: number;
  readonly dexterity: number;
  readonly maxHp: number;
  readonly maxMp: number;
}

/** GMS v83 clients hand a beginner's first levels straight to STR/DEX instead of giving AP. */
function autoAssignsBeginnerAp(input: LevelUpInput, level: number): boolean {
  return input.region === 'GMS' && input.majorVersion === 83 && isBeginner(input.jobId) && level < 11;
}

/**
 * The gains of `amount` levels ending at `newLevel`, each level counted with its own AP/SP rules.
 * The reference computes the level as `eff += i + 1` (levels L-1, L+1 for two levels); we use
 * newLevel-amount+1 .. newLevel once each. HP/MP are rolled once per level, HP before MP.
 */
export function levelUpGains(input: LevelUpInput, random: Random, bonus: SkillBonus): LevelUpGains {
  const roll = hpMpGainParams(input.jobId);
  let ap = 0;
  let sp = 0;
  let hpGain = 0;
  let mpGain = 0;
  let strength = 0;
  let dexterity = 0;
  for (let level = input.newLevel - input.amount + 1; level <= input.newLevel; level++) {
    if (!autoAssignsBeginnerAp(input, level)) {
      ap += apForLevel(input.jobId, level);
    } else if (level < 6) {
      strength += 5;
    } else {
      strength += 4;
      dexterity += 1;
    }
    sp += spForLevel(input.jobId, level);
    hpGain += randInt(random, roll.hp.min, roll.hp.max) + bonus.hp;
    mpGain += randInt(random, roll.mp.min, roll.mp.max) + bonus.mp;
  }
  return {
    ap,
    sp,
    hpGain,
    mpGain,
    strength: Math.min(MAX_BASE_STAT, input.strength + strength),
    dexterity: Math.min(MAX_BASE_STAT, input.dexterity + dexterity),
    maxHp: capMax(input.maxHp + hpGain),
    maxMp: capMax(input.maxMp + mpGain),
  };
}
