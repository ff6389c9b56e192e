import { hpPerAp, mpPerAp } from './ap-increments.js';
import { MAX_BASE_STAT, MAX_HP_MP } from './limits.js';
import type { StatType, StatValueKey, StatValues } from './stat-types.js';

export const ABILITIES = ['STRENGTH', 'DEXTERITY', 'INTELLIGENCE', 'LUCK', 'HP', 'MP'] as const;

export type Ability = (typeof ABILITIES)[number];

export function isAbility(value: string): value is Ability {
  return (ABILITIES as readonly string[]).includes(value);
}

/**
 * The reference refuses a point into HP/MP once more than 9999 points went there, so at most 10000
 * points ever do.
 */
export const MAX_HP_MP_USED = 10_000;

export interface ApCharacter {
  readonly jobId: number;
  readonly ap: number;
  readonly strength: number;
  readonly dexterity: number;
  readonly intelligence: number;
  readonly luck: number;
  readonly maxHp: number;
  readonly maxMp: number;
  readonly hpMpUsed: number;
}

/** `ability` is the wire string; an unknown one refuses the whole request. */
export interface ApEntry {
  readonly ability: string;
  readonly amount: number;
}

export interface ApContext {
  readonly effectiveIntelligence: number;
  readonly hpSkillBonus: number;
  readonly mpSkillBonus: number;
}

type Pool = Omit<ApCharacter, 'jobId'>;

/** The new values of the character fields the distribution changed (`ap` always). */
export type ApChanges = Partial<Pool> & { readonly ap: number };

export type ApRefusalReason =
  | 'invalid ability'
  | 'not enough ap'
  | 'stat at maximum'
  | 'max ap to hp'
  | 'max ap to mp';

export type ApDistribution =
  | {
      readonly ok: true;
      readonly changes: ApChanges;
      readonly updates: readonly StatType[];
      readonly values: StatValues;
    }
  | { readonly ok: false; readonly reason: ApRefusalReason };

type StatAbility = Exclude<Ability, 'HP' | 'MP'>;

const FIELD = {
  STRENGTH: 'strength',
  DEXTERITY: 'dexterity',
  INTELLIGENCE: 'intelligence',
  LUCK: 'luck',
  HP: 'maxHp',
  MP: 'maxMp',
} as const satisfies Record<Ability, keyof Pool>;

const STAT_OF: Record<Ability, StatType> = {
  STRENGTH: 'STRENGTH',
  DEXTERITY: 'DEXTERITY',
  INTELLIGENCE: 'INTELLIGENCE',
  LUCK: 'LUCK',
  HP: 'MAX_HP',
  MP: 'MAX_MP',
};

const VALUE_KEY_OF: Record<Ability, StatValueKey> = {
  STRENGTH: 'strength',
  DEXTERITY: 'dexterity',
  INTELLIGENCE: 'intelligence',
  LUCK: 'luck',
  HP: 'max_hp',
  MP: 'max_mp',
};

interface ValidEntry {
  readonly ability: Ability;
  readonly amount: number;
}

const totalPoints = (entries: readonly ApEntry[]): number => entries.reduce((sum, e) => sum + e.amount, 0);

function raiseStat(pool: Pool, ability: StatAbility, amount: number): Pool | ApRefusalReason {
  const next = pool[FIELD[ability]] + amount;
  return next > MAX_BASE_STAT ? 'stat at maximum' : { ...pool, [FIELD[ability]]: next };
}

/**
 * Max HP/MP is capped at 30000 (decisions B6): a point that would pass the cap lands on it, and only a
 * character already at the cap before this request is refused, so [HP 1, HP 1] behaves as [HP 2].
 */
function raisePool(
  pool: Pool,
  start: Pool,
  ability: 'HP' | 'MP',
  amount: number,
  perPoint: number,
): Pool | ApRefusalReason {
  const refusal = ability === 'HP' ? 'max ap to hp' : 'max ap to mp';
  const used = pool.hpMpUsed + amount;
  if (start[FIELD[ability]] >= MAX_HP_MP || used > MAX_HP_MP_USED) return refusal;
  const next = Math.min(MAX_HP_MP, pool[FIELD[ability]] + perPoint * amount);
  return { ...pool, [FIELD[ability]]: next, hpMpUsed: used };
}

function apply(
  pool: Pool,
  start: Pool,
  entry: ValidEntry,
  jobId: number,
  context: ApContext,
): Pool | ApRefusalReason {
  switch (entry.ability) {
    case 'HP':
      return raisePool(pool, start, 'HP', entry.amount, hpPerAp(jobId, context.hpSkillBonus));
    case 'MP': {
      const perPoint = mpPerAp(jobId, context.effectiveIntelligence, context.mpSkillBonus);
      return raisePool(pool, start, 'MP', entry.amount, perPoint);
    }
    default:
      return raiseStat(pool, entry.ability, entry.amount);
  }
}

function validate(entries: readonly ApEntry[], ap: number): readonly ValidEntry[] | ApRefusalReason {
  // The channel only forwards positive amounts; anything else is not a point to spend.
  const points = entries.filter((e) => e.amount > 0);
  const valid = points.filter((e): e is ValidEntry => isAbility(e.ability));
  if (valid.length === 0 || valid.length !== points.length) return 'invalid ability';
  // The reference compared AP with the number of entries; the points spent are what count.
  return totalPoints(valid) > ap ? 'not enough ap' : valid;
}

/**
 * Spends AP on the requested abilities, all or nothing (decisions B6). Each point into HP/MP adds one
 * full increment (the reference multiplied the whole pool by the amount), repeated abilities accumulate,
 * max HP/MP stop at 30000, and a point that would pass another cap refuses the request.
 */
export function distributeAp(
  character: ApCharacter,
  entries: readonly ApEntry[],
  context: ApContext,
): ApDistribution {
  const valid = validate(entries, character.ap);
  if (typeof valid === 'string') return { ok: false, reason: valid };
  const { jobId, ...start } = character;
  let pool: Pool = start;
  for (const entry of valid) {
    const next = apply(pool, start, entry, jobId, context);
    if (typeof next === 'string') return { ok: false, reason: next };
    pool = next;
  }
  const abilities = [...new Set(valid.map((e) => e.ability))];
  const changes: { -readonly [K in keyof Pool]?: number } = {};
  const values: StatValues = {};
  for (const ability of abilities) {
    changes[FIELD[ability]] = pool[FIELD[ability]];
    values[VALUE_KEY_OF[ability]] = pool[FIELD[ability]];
  }
  if (pool.hpMpUsed !== start.hpMpUsed) changes.hpMpUsed = pool.hpMpUsed;
  return {
    ok: true,
    changes: { ...changes, ap: character.ap - totalPoints(valid) },
    updates: [...abilities.map((ability) => STAT_OF[ability]), 'AVAILABLE_AP'],
    values,
  };
}
