import { createHash } from 'node:crypto';
import type { PendingChange } from './model.js';

/** RFC 4122 version 5 (SHA-1), as Go's uuid.NewSHA1(namespace, name). */
export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Go's time.Time in JSON (RFC 3339, trailing zeros of the fraction dropped), in UTC. */
export const goTime = (ms: number) => new Date(ms).toISOString().replace(/\.?0*Z$/, 'Z');

/** Go's zero time.Time: an ItemPayload's `expiration`, which `omitempty` cannot omit (it is a struct). */
const ZERO_TIME = '0001-01-01T00:00:00Z';

const INITIATOR = 'atlas-character/pending_change';

/**
 * The saga ids HEAD derives from the record (`AC/pending_change/producer.go@HEAD` sagaTransactionId): one per
 * purpose, so the refund never overwrites the consumption at the orchestrator, and both are reproducible.
 */
export const sagaId = (change: PendingChange, purpose: string) => uuidV5(change.id, purpose);

/** HEAD's coupons: 5400000 name change, 5401000 world transfer, consumed when the change lands. */
const COUPONS: Record<string, readonly number[]> = { NAME_CHANGE: [5400000], WORLD_TRANSFER: [5401000] };

export interface Saga {
  readonly transactionId: string;
  readonly sagaType: string;
  readonly initiatedBy: string;
  readonly steps: readonly object[];
}

function saga(transactionId: string, sagaType: string, at: number, steps: [string, string, object][]): Saga {
  const time = goTime(at);
  return {
    transactionId,
    sagaType,
    initiatedBy: INITIATOR,
    steps: steps.map(([stepId, action, payload]) => ({
      stepId,
      status: 'pending',
      action,
      payload,
      createdAt: time,
      updatedAt: time,
    })),
  };
}

/** The coupon a request came with is taken at acceptance (item path only). */
export function destroyAsset(c: PendingChange, at: number): Saga {
  return saga(sagaId(c, 'pending_change:destroy_asset'), 'cash_shop_operation', at, [
    [
      'consume_pending_change_coupon',
      'destroy_asset',
      {
        characterId: c.characterId,
        templateId: c.assetId ?? 0,
        quantity: 1,
        removeAll: false,
        showEffect: false,
      },
    ],
  ]);
}

/** Every exit but APPLIED gives the coupon back. */
export function awardAsset(c: PendingChange, at: number): Saga {
  return saga(sagaId(c, 'pending_change:award_asset'), 'cash_shop_operation', at, [
    [
      'refund_pending_change_coupon',
      'award_asset',
      {
        characterId: c.characterId,
        item: { templateId: c.assetId ?? 0, quantity: 1, expiration: ZERO_TIME },
        showEffect: false,
      },
    ],
  ]);
}

/** APPLIED consumes every coupon of the type's templates the character holds (cash items do not stack). */
export function consumeCoupons(c: PendingChange, at: number): Saga[] {
  const step = c.type === 'WORLD_TRANSFER' ? 'consume_world_transfer_coupons' : 'consume_name_change_coupons';
  return (COUPONS[c.type] ?? []).map((templateId) =>
    saga(sagaId(c, `pending_change:consume_coupon:${templateId}`), 'cash_shop_operation', at, [
      [step, 'destroy_all_assets', { characterId: c.characterId, templateId, showEffect: false }],
    ]),
  );
}

/** What the world-transfer saga's compensations need, read before anything is severed. */
export interface TransferSnapshot {
  readonly guildId: number;
  readonly guildTitle: number;
  readonly partyId: number;
  readonly buddyIds: readonly number[];
}

/** HEAD's five steps, in its order; the world changes last, so any failure leaves the source world. */
export function worldTransfer(c: PendingChange, s: TransferSnapshot, at: number): Saga {
  const { characterId, sourceWorldId, destinationWorldId } = c;
  return saga(sagaId(c, 'pending_change:world_transfer'), 'world_transfer', at, [
    [
      'validate_world_transfer',
      'validate_world_transfer',
      { characterId, sourceWorldId, destinationWorldId, pendingChangeId: c.id },
    ],
    [
      'leave_guild_for_transfer',
      'leave_guild_for_transfer',
      { characterId, worldId: sourceWorldId, guildId: s.guildId, title: s.guildTitle },
    ],
    [
      'leave_party_for_transfer',
      'leave_party_for_transfer',
      { characterId, worldId: sourceWorldId, partyId: s.partyId },
    ],
    [
      'sever_buddies_for_transfer',
      'sever_buddies_for_transfer',
      { characterId, worldId: sourceWorldId, buddyIds: [...s.buddyIds] },
    ],
    [
      'change_character_world',
      'change_character_world',
      { characterId, sourceWorldId, destinationWorldId, pendingChangeId: c.id },
    ],
  ]);
}
