import { clamp, MAX_AP, MAX_FAME, MIN_FAME } from './limits.js';

/** What every base stat returns to on a reset. */
export const BASE_STAT = 4;

export interface BaseStats {
  readonly strength: number;
  readonly dexterity: number;
  readonly intelligence: number;
  readonly luck: number;
  readonly ap: number;
}

/**
 * Returns every point above 4 as AP; a stat below 4 is raised to 4 for free. AP stops at the column's
 * uint16 maximum instead of wrapping as in the reference.
 */
export function resetStats(stats: BaseStats): BaseStats {
  const above = (stat: number): number => Math.max(0, stat - BASE_STAT);
  const returned =
    above(stats.strength) + above(stats.dexterity) + above(stats.intelligence) + above(stats.luck);
  return {
    strength: BASE_STAT,
    dexterity: BASE_STAT,
    intelligence: BASE_STAT,
    luck: BASE_STAT,
    ap: Math.min(MAX_AP, stats.ap + returned),
  };
}

export interface HpChange {
  readonly hp: number;
  /** Only the blow that takes HP from above 0 to 0 kills; hitting a dead character does not kill again. */
  readonly died: boolean;
}

/** Heals or damages in wide integers (the reference's int16 sum wrapped and killed on big heals). */
export function changeHp(hp: number, amount: number, max: number): HpChange {
  const next = clamp(hp + amount, 0, max);
  return { hp: next, died: hp > 0 && next === 0 };
}

export function setHp(hp: number, value: number, max: number): HpChange {
  const next = clamp(value, 0, max);
  return { hp: next, died: hp > 0 && next === 0 };
}

export function changeMp(mp: number, amount: number, max: number): number {
  return clamp(mp + amount, 0, max);
}

/** The lowered value when `current` is above the new maximum, undefined when nothing changes. */
export function clampHp(current: number, maxValue: number): number | undefined {
  return current > maxValue ? maxValue : undefined;
}

export function clampMp(current: number, maxValue: number): number | undefined {
  return current > maxValue ? maxValue : undefined;
}

/** Fame stays within int16 instead of wrapping. */
export function changeFame(fame: number, amount: number): number {
  return clamp(fame + amount, MIN_FAME, MAX_FAME);
}
