import { isAbility } from './ap.js';
import { MAX_BASE_STAT, MAX_HP_MP } from './limits.js';
import {
  isPointResetMagician,
  magicianTakeMp,
  minimumMaxHp,
  minimumMaxMp,
  pointResetPolicy,
} from './point-reset.js';
import type { StatType, StatValues } from './stat-types.js';

/** A base stat never goes below 4 by a reset: the source must have at least 5. */
const PRIMARY_FLOOR = 4;

/** The ERROR codes of a refused TRANSFER_AP (Atlas HEAD's StatusEventApTransferErrorBody). */
export type TransferApError =
  | 'STAT_AT_MINIMUM'
  | 'STAT_AT_MAXIMUM'
  | 'INSUFFICIENT_HPMP_AP_USED'
  | 'POOL_BELOW_JOB_MINIMUM'
  | 'INVALID_TARGET';

export interface TransferApCharacter {
  readonly jobId: number;
  readonly level: number;
  readonly strength: number;
  readonly dexterity: number;
  readonly intelligence: number;
  readonly luck: number;
  readonly hp: number;
  readonly maxHp: number;
  readonly mp: number;
  readonly maxMp: number;
  readonly hpMpUsed: number;
}

type Pools = Omit<TransferApCharacter, 'jobId' | 'level'>;

export type TransferApResult =
  | {
      readonly ok: true;
      /** Only the fields that changed; available AP never does. */
      readonly changes: Partial<Pools>;
      readonly updates: readonly StatType[];
      readonly values: StatValues;
    }
  | { readonly ok: false; readonly error: TransferApError; readonly detail: string };

const PRIMARY = {
  STRENGTH: 'strength',
  DEXTERITY: 'dexterity',
  INTELLIGENCE: 'intelligence',
  LUCK: 'luck',
} as const;

type Primary = keyof typeof PRIMARY;

const isPrimary = (ability: string): ability is Primary => ability in PRIMARY;

type Step = Pools | { readonly error: TransferApError };

const refuse = (error: TransferApError): Step => ({ error });

function takeOut(c: TransferApCharacter, p: Pools, from: string, effectiveIntelligence: number): Step {
  if (!isAbility(from)) return refuse('INVALID_TARGET');
  if (isPrimary(from)) {
    const field = PRIMARY[from];
    return p[field] < PRIMARY_FLOOR + 1 ? refuse('STAT_AT_MINIMUM') : { ...p, [field]: p[field] - 1 };
  }
  if (p.hpMpUsed < 1) return refuse('INSUFFICIENT_HPMP_AP_USED');
  const policy = pointResetPolicy(c.jobId);
  if (from === 'HP') {
    if (p.maxHp - policy.takeHp < minimumMaxHp(c.jobId, c.level)) return refuse('POOL_BELOW_JOB_MINIMUM');
    // A reset never kills: current HP stays at least 1.
    return {
      ...p,
      maxHp: p.maxHp - policy.takeHp,
      hp: Math.max(1, p.hp - policy.takeHp),
      hpMpUsed: p.hpMpUsed - 1,
    };
  }
  const take = isPointResetMagician(c.jobId) ? magicianTakeMp(effectiveIntelligence) : policy.takeMp;
  if (p.maxMp - take < minimumMaxMp(c.jobId, c.level)) return refuse('POOL_BELOW_JOB_MINIMUM');
  // The minimum can be negative at low levels, so the pool itself stops at 0.
  return {
    ...p,
    maxMp: Math.max(0, p.maxMp - take),
    mp: Math.max(0, p.mp - take),
    hpMpUsed: p.hpMpUsed - 1,
  };
}

function putIn(c: TransferApCharacter, p: Pools, to: string): Step {
  if (!isAbility(to)) return refuse('INVALID_TARGET');
  if (isPrimary(to)) {
    const field = PRIMARY[to];
    return p[field] + 1 > MAX_BASE_STAT ? refuse('STAT_AT_MAXIMUM') : { ...p, [field]: p[field] + 1 };
  }
  const policy = pointResetPolicy(c.jobId);
  const pool = to === 'HP' ? 'maxHp' : 'maxMp';
  if (p[pool] >= MAX_HP_MP) return refuse('STAT_AT_MAXIMUM');
  const gain = to === 'HP' ? policy.gainHp : policy.gainMp;
  return { ...p, [pool]: Math.min(MAX_HP_MP, p[pool] + gain), hpMpUsed: p.hpMpUsed + 1 };
}

/** The order HEAD lists changed stats in, with each one's `values` key. */
const REPORTED: ReadonlyArray<readonly [keyof Pools, StatType, keyof StatValues]> = [
  ['strength', 'STRENGTH', 'strength'],
  ['dexterity', 'DEXTERITY', 'dexterity'],
  ['intelligence', 'INTELLIGENCE', 'intelligence'],
  ['luck', 'LUCK', 'luck'],
  ['maxHp', 'MAX_HP', 'max_hp'],
  ['maxMp', 'MAX_MP', 'max_mp'],
  ['hp', 'HP', 'hp'],
  ['mp', 'MP', 'mp'],
];

/**
 * TRANSFER_AP (AP Reset): one point already spent moves from one ability to another; available AP is not
 * touched. The source is taken first and the target checked against what remains, so moving a point to
 * where it came from nets to nothing (and succeeds with no updates). A refusal names the ability at fault.
 * `effectiveIntelligence` (base plus equipment) only matters for a magician moving a point out of MP.
 */
export function transferAp(
  character: TransferApCharacter,
  from: string,
  to: string,
  effectiveIntelligence: number,
): TransferApResult {
  const { jobId: _job, level: _level, ...start } = character;
  const taken = takeOut(character, start, from, effectiveIntelligence);
  if ('error' in taken) return { ok: false, error: taken.error, detail: from };
  const moved = putIn(character, taken, to);
  if ('error' in moved) return { ok: false, error: moved.error, detail: to };
  const changes: { -readonly [K in keyof Pools]?: number } = {};
  const updates: StatType[] = [];
  const values: StatValues = {};
  for (const [field, stat, key] of REPORTED) {
    if (moved[field] === start[field]) continue;
    changes[field] = moved[field];
    updates.push(stat);
    values[key] = moved[field];
  }
  if (moved.hpMpUsed !== start.hpMpUsed) changes.hpMpUsed = moved.hpMpUsed;
  return { ok: true, changes, updates, values };
}
