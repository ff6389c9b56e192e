import { UINT32_MAX } from './limits.js';

export type MesoResult =
  | { readonly ok: true; readonly meso: number }
  | { readonly ok: false; readonly reason: 'NOT_ENOUGH_MESO' | 'OVERFLOW' };

/** A signed change requested by another service (quest reward, shop, NPC). */
export function changeMeso(meso: number, amount: number): MesoResult {
  const next = meso + amount;
  if (next < 0) return { ok: false, reason: 'NOT_ENOUGH_MESO' };
  if (next > UINT32_MAX) return { ok: false, reason: 'OVERFLOW' };
  return { ok: true, meso: next };
}

/** The reference spawned the drop even without the meso (a duplication exploit); we refuse first. */
export function dropMeso(meso: number, amount: number): MesoResult {
  if (amount > meso) return { ok: false, reason: 'NOT_ENOUGH_MESO' };
  return { ok: true, meso: meso - amount };
}

/** On OVERFLOW the caller cancels the drop's reservation so the meso stays on the ground. */
export function pickUpMeso(meso: number, amount: number): MesoResult {
  const next = meso + amount;
  if (next > UINT32_MAX) return { ok: false, reason: 'OVERFLOW' };
  return { ok: true, meso: next };
}

/** The largest amount MESO_CHANGED can carry: its `amount` is an int32. */
const INT32_MAX = 2_147_483_647;

/**
 * One recipient's share of a picked-up meso drop (MESO_AWARDED, Atlas HEAD): an amount MESO_CHANGED could not
 * carry is refused like an overflow, rather than announced as a negative change.
 */
export function awardDropMeso(meso: number, amount: number): MesoResult {
  if (amount > INT32_MAX) return { ok: false, reason: 'OVERFLOW' };
  return pickUpMeso(meso, amount);
}
