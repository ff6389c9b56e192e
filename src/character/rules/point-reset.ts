/**
 * The AP Reset policy tables (items 5050000-5050004, Atlas HEAD #901): what a point moved out of or into
 * max HP/MP costs or gives per job branch, and the smallest pool a job may be left with. The values are
 * HEAD's, which it took from the v83 client; job ids are read as the v61+ wire ids this project serves.
 */

export interface PointResetPolicy {
  /** Max HP lost by moving a point out of HP. */
  readonly takeHp: number;
  /** Max MP lost by moving a point out of MP (magicians: see magicianTakeMp). */
  readonly takeMp: number;
  /** Max HP gained by moving a point into HP (fixed, unlike the random gain of a normal distribution). */
  readonly gainHp: number;
  readonly gainMp: number;
}

/**
 * HEAD's family test: a branch root (x00, or x100 for Cygnus and Aran) covers its whole hundred; any other job
 * covers itself and the later advancements of its tens (Fighter 110 covers 110-119).
 */
export function inFamily(jobId: number, root: number): boolean {
  const branch = Math.trunc(root / 10);
  return (
    (Math.trunc(jobId / 10) === branch && jobId >= root) ||
    (branch % 10 === 0 && Math.trunc(jobId / 100) === Math.trunc(root / 100))
  );
}

const inAny = (jobId: number, roots: readonly number[]) => roots.some((root) => inFamily(jobId, root));

// Branch roots: Warrior 100, Dawn Warrior 1100, Aran 2100; Magician 200, Blaze Wizard 1200; Bowman 300,
// Wind Archer 1300; Rogue 400, Night Walker 1400; Pirate 500, Thunder Breaker 1500.
const POLICIES: ReadonlyArray<readonly [readonly number[], PointResetPolicy]> = [
  [[100, 1100, 2100], { takeHp: 54, takeMp: 4, gainHp: 20, gainMp: 2 }],
  [[200, 1200], { takeHp: 10, takeMp: 31, gainHp: 6, gainMp: 18 }],
  [[300, 1300], { takeHp: 20, takeMp: 12, gainHp: 16, gainMp: 10 }],
  [[400, 1400], { takeHp: 20, takeMp: 12, gainHp: 16, gainMp: 10 }],
  [[500, 1500], { takeHp: 42, takeMp: 16, gainHp: 18, gainMp: 14 }],
];

/** Beginners, Noblesse, Legend, Evan, GMs and every job outside the five branches. */
const DEFAULT_POLICY: PointResetPolicy = { takeHp: 12, takeMp: 8, gainHp: 8, gainMp: 6 };

export function pointResetPolicy(jobId: number): PointResetPolicy {
  return POLICIES.find(([roots]) => inAny(jobId, roots))?.[1] ?? DEFAULT_POLICY;
}

/** Magicians and Blaze Wizards lose MP by effective INT; Evan keeps the default policy, as at HEAD. */
export function isPointResetMagician(jobId: number): boolean {
  return inAny(jobId, [200, 1200]);
}

/** The client's magician MP loss: 3 × effective INT / 40 + 30, in integers (31 at INT 14). */
export function magicianTakeMp(effectiveIntelligence: number): number {
  return Math.trunc((3 * effectiveIntelligence) / 40) + 30;
}

type MinRow = readonly [roots: readonly number[], perLevel: number, offset: number];

// Narrowest rows first: a branch root also matches its sub-lines.
const MIN_HP: readonly MinRow[] = [
  [[110, 1110, 2110], 24, 418],
  [[100, 1100, 2100], 24, 118],
  [[200, 1200], 10, 54],
  [[310, 320, 410, 420, 1310, 1410], 20, 358],
  [[300, 400, 1300, 1400], 20, 58],
  [[510, 520, 1510], 22, 338],
  [[500, 1500], 22, 38],
];

const MIN_MP: readonly MinRow[] = [
  [[120, 130], 4, 155],
  [[100, 1100, 2100], 4, 55],
  [[210, 220, 230, 1210], 22, 449],
  [[200, 1200], 22, -1],
  [[310, 320, 410, 420, 1310, 1410], 14, 135],
  [[300, 400, 1300, 1400], 14, -15],
  [[510, 520, 1510], 18, 95],
  [[500, 1500], 18, -55],
];

function poolMinimum(rows: readonly MinRow[], fallback: MinRow, jobId: number, level: number): number {
  const [, perLevel, offset] = rows.find(([roots]) => inAny(jobId, roots)) ?? fallback;
  return perLevel * level + offset;
}

/** The least max HP a job keeps at a level after a point leaves HP. */
export function minimumMaxHp(jobId: number, level: number): number {
  return poolMinimum(MIN_HP, [[], 12, 38], jobId, level);
}

/** The least max MP; negative at low levels for some branches, as HEAD's table says. */
export function minimumMaxMp(jobId: number, level: number): number {
  return poolMinimum(MIN_MP, [[], 10, -5], jobId, level);
}
