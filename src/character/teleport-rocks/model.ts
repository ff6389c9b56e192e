/**
 * Teleport rocks (Atlas #1012; head-contract.md C10, K10, K17): two lists of saved maps per character, the
 * regular rock's and the VIP rock's, kept in order, without gaps.
 */
export const REGULAR_CAPACITY = 5;
export const VIP_CAPACITY = 10;

export type ListType = 'regular' | 'vip';

export const listType = (vip: boolean): ListType => (vip ? 'vip' : 'regular');
export const capacity = (vip: boolean): number => (vip ? VIP_CAPACITY : REGULAR_CAPACITY);

/** The list named in a REST path or body; anything else is not a list. */
export function parseList(text: unknown): boolean | undefined {
  if (text === 'regular') return false;
  if (text === 'vip') return true;
  return undefined;
}

/**
 * The client's own save rule, as HEAD has it: a map may be saved iff mapId/1e8 != 0 and (mapId/1e6)%100 != 9,
 * which bars every map below nine digits (Maple Island, GM maps) and the x09xxxxxx event block.
 */
export function eligibleForRegistration(mapId: number): boolean {
  return Math.floor(mapId / 100_000_000) !== 0 && Math.floor(mapId / 1_000_000) % 100 !== 9;
}

export interface TeleportRockLists {
  readonly characterId: number;
  readonly regular: readonly number[];
  readonly vip: readonly number[];
}

/** The refusal reasons of HEAD's ERROR event; REST maps them to 400, 409 and 404. */
export type RefusalReason = 'LIST_FULL' | 'DUPLICATE' | 'MAP_NOT_ALLOWED' | 'NOT_FOUND';

export class TeleportRockRefused extends Error {
  constructor(readonly reason: RefusalReason) {
    super(reason);
  }
}
