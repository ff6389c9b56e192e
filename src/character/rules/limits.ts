/** Largest value of an unsigned 32-bit column (experience, meso). */
export const UINT32_MAX = 4_294_967_295;

/** Largest value of AP: the column is an unsigned 16-bit integer. */
export const MAX_AP = 65_535;

/** STR/DEX/INT/LUK travel as signed 16-bit values in the client's stat packets. */
export const MAX_BASE_STAT = 32_767;

/** The client's ceiling for max HP and max MP (decisions B6, B7). */
export const MAX_HP_MP = 30_000;

/** Fame is a signed 16-bit value. */
export const MIN_FAME = -32_768;
export const MAX_FAME = 32_767;

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Max HP and max MP never exceed 30000, whatever raised them. */
export function capMax(value: number): number {
  return Math.min(MAX_HP_MP, value);
}
