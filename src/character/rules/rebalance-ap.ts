import { MAX_AP, MAX_BASE_STAT } from './limits.js';

/** Every base stat starts from 4 again; the points above it come back as AP first. */
const BASE = 4;

/** HEAD's REBALANCE_AP names the stats in lower case, unlike every other AP command. */
export const REBALANCE_STATS = ['strength', 'dexterity', 'intelligence', 'luck'] as const;

export type RebalanceStat = (typeof REBALANCE_STATS)[number];

export interface RebalanceTarget {
  readonly stat: string;
  readonly floor: number;
}

export interface RebalanceCharacter {
  readonly strength: number;
  readonly dexterity: number;
  readonly intelligence: number;
  readonly luck: number;
  readonly ap: number;
}

export type RebalanceRefusal = 'invalid target' | 'not enough ap' | 'ap overflow';

export type RebalanceResult =
  | { readonly ok: true; readonly stats: RebalanceCharacter }
  | { readonly ok: false; readonly reason: RebalanceRefusal; readonly detail: string };

const isRebalanceStat = (stat: string): stat is RebalanceStat =>
  (REBALANCE_STATS as readonly string[]).includes(stat);

/** A target list the rebalance can apply: known stats, each at most once, floors within [4, 32767]. */
export function invalidRebalanceTarget(targets: readonly RebalanceTarget[]): string | undefined {
  const seen = new Set<string>();
  for (const { stat, floor } of targets) {
    if (!isRebalanceStat(stat)) return `unknown stat ${JSON.stringify(stat)}`;
    if (seen.has(stat)) return `${stat} named twice`;
    if (floor < BASE || floor > MAX_BASE_STAT)
      return `${stat} floor ${floor} outside [${BASE}, ${MAX_BASE_STAT}]`;
    seen.add(stat);
  }
  return undefined;
}

/**
 * REBALANCE_AP (the first job advancement's redistribution, Atlas HEAD): every base stat above 4 gives its
 * points back, all four start from 4, each target is raised to its floor at one AP a point, and what is left
 * stays available. HEAD wraps the AP above 65535 and trusts its targets; here a bad target list and an AP
 * total past uint16 are refused.
 */
export function rebalanceAp(c: RebalanceCharacter, targets: readonly RebalanceTarget[]): RebalanceResult {
  const invalid = invalidRebalanceTarget(targets);
  if (invalid) return { ok: false, reason: 'invalid target', detail: invalid };
  const reclaimed = [c.strength, c.dexterity, c.intelligence, c.luck].reduce(
    (sum, v) => sum + Math.max(0, v - BASE),
    0,
  );
  const stats = { strength: BASE, dexterity: BASE, intelligence: BASE, luck: BASE };
  let cost = 0;
  for (const { stat, floor } of targets) {
    stats[stat as RebalanceStat] = floor;
    cost += floor - BASE;
  }
  const available = c.ap + reclaimed;
  if (cost > available) {
    return { ok: false, reason: 'not enough ap', detail: `needs ${cost}, has ${available}` };
  }
  const ap = available - cost;
  if (ap > MAX_AP) return { ok: false, reason: 'ap overflow', detail: `${ap} AP` };
  return { ok: true, stats: { ...stats, ap } };
}
