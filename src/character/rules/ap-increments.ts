import { isA, isBowman, isCygnus, isMagician, isPirate, isThief, isWarrior, Job } from './jobs.js';

/** A skill whose effect value (X or Y, by the skill data) raises what one AP point gives. */
export interface BonusSkill {
  readonly skillId: number;
  readonly effect: 'x' | 'y';
}

const isBowmanOrThief = (jobId: number): boolean => isBowman(jobId) || isThief(jobId);

/** Max HP one AP point adds before skill bonuses (character.md §2.16; Aran counts as a warrior here). */
export function baseHpPerAp(jobId: number): number {
  if (isWarrior(jobId)) return 20;
  if (isMagician(jobId)) return 6;
  if (isBowmanOrThief(jobId)) return 16;
  if (isPirate(jobId)) return 18;
  return 8;
}

/** Max MP one AP point adds before INT and skill bonuses. */
export function baseMpPerAp(jobId: number): number {
  if (isWarrior(jobId)) return 2;
  if (isMagician(jobId)) return 18;
  if (isBowmanOrThief(jobId)) return 10;
  if (isPirate(jobId)) return 14;
  return 6;
}

export function hpPerAp(jobId: number, hpSkillBonus: number): number {
  return baseHpPerAp(jobId) + hpSkillBonus;
}

/** Intelligence is the effective one (equipment and buffs included), looked up by the caller. */
export function mpPerAp(jobId: number, effectiveIntelligence: number, mpSkillBonus: number): number {
  return baseMpPerAp(jobId) + Math.ceil(effectiveIntelligence / 10) + mpSkillBonus;
}

/** The skill whose effect Y adds to each AP point put into HP. */
export function apHpBonusSkill(jobId: number): BonusSkill | undefined {
  if (isWarrior(jobId)) return { skillId: isCygnus(jobId) ? 11_000_005 : 1_000_001, effect: 'y' };
  if (isPirate(jobId)) return { skillId: isCygnus(jobId) ? 15_100_007 : 5_100_000, effect: 'y' };
  return undefined;
}

/** The skill whose effect X adds to each AP point put into MP. */
export function apMpBonusSkill(jobId: number): BonusSkill | undefined {
  if (isA(jobId, Job.CRUSADER, Job.WHITE_KNIGHT)) return { skillId: 1_210_000, effect: 'x' };
  if (isA(jobId, Job.DAWN_WARRIOR_3)) return { skillId: 11_110_000, effect: 'x' };
  if (isMagician(jobId)) return { skillId: isCygnus(jobId) ? 12_000_005 : 2_000_001, effect: 'x' };
  return undefined;
}
