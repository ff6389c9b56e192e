/** A source of uniform numbers in [0, 1), injected so that rolls are reproducible in tests. */
export type Random = () => number;

/** A uniform integer in [lo, hi], the reference's formula. */
export function randInt(random: Random, lo: number, hi: number): number {
  return Math.floor(random() * (hi - lo + 1)) + lo;
}
