/**
 * Pending changes (Atlas #1370; head-contract.md C11, K9, K18, D3): a cash-shop name change or world transfer
 * a player asked for, applied at their next logout. A record leaves PENDING once, for good.
 */
export const CHANGE_TYPES = ['NAME_CHANGE', 'WORLD_TRANSFER'] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];
export const isChangeType = (text: unknown): text is ChangeType =>
  (CHANGE_TYPES as readonly unknown[]).includes(text);

export type Status = 'PENDING' | 'APPLIED' | 'CANCELLED' | 'REJECTED' | 'EXPIRED';

/** HEAD's default expiry (its tenant configuration's `pendingExpiry` default, 168 h). */
export const DEFAULT_EXPIRY_MS = 168 * 3_600_000;

export interface PendingChange {
  readonly id: string;
  readonly characterId: number;
  readonly type: string;
  readonly status: Status;
  /** '' when the record has none (a world transfer). */
  readonly requestedName: string;
  /** 0 when the record has none (a name change). */
  readonly destinationWorldId: number;
  readonly sourceWorldId: number;
  /** The coupon's item template, when the request came from a coupon rather than a purchase. */
  readonly assetId?: number;
  readonly reason: string;
  readonly transactionId: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly resolvedAt?: number;
  readonly notifiedAt?: number;
}

/** A request that the rules refuse: 422 with the reason in `detail`, as HEAD. */
export class Ineligible extends Error {
  constructor(
    readonly reason: string,
    readonly field?: string,
  ) {
    super(reason);
  }
}

/** A refusal by one of the partial unique indexes, or of a record no longer PENDING: 409. */
export class PendingConflict extends Error {
  constructor(readonly reason: 'already_pending' | 'name_reserved' | '') {
    super(reason || 'pending change already resolved');
  }
}

export class PendingChangeNotFound extends Error {
  constructor(readonly id: string) {
    super(`pending change ${id} not found`);
  }
}

/** HEAD's mapping of a name-validity reason to a pending-change reason. */
export function reasonForNameValidity(reason: string): string {
  switch (reason) {
    case 'length':
      return 'name_invalid_length';
    case 'regex':
      return 'name_invalid_charset';
    case 'duplicate':
      return 'name_taken';
    case 'reserved':
      return 'name_reserved';
    default:
      return 'name_invalid';
  }
}
