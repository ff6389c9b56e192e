import { randomUUID } from 'node:crypto';
import type { OutgoingMessage } from '../../platform/bus/messages.js';
import type { Tenant } from '../../platform/tenant.js';
import type { Headers } from '../../platform/wire/headers.js';
import { type Character, CharacterNotFound } from '../model.js';
import { commit, type OperationContext, type Transaction } from '../processor/context.js';
import { claimName, findCharacter } from '../storage/characters.js';
import { nameFormatReason, transferIneligibility } from './eligibility.js';
import type { TransferGates } from './gates.js';
import {
  type ChangeType,
  Ineligible,
  isChangeType,
  type PendingChange,
  PendingChangeNotFound,
  PendingConflict,
  type Status,
} from './model.js';
import { isNameReserved } from './names.js';
import type { PendingChangeProducer } from './producer.js';
import { awardAsset, consumeCoupons, destroyAsset } from './saga.js';
import {
  findPendingChange,
  insertPendingChange,
  listPendingChanges,
  pendingOf,
  transition,
} from './storage.js';

export interface PendingChangeContext {
  readonly ctx: OperationContext;
  readonly producer: PendingChangeProducer;
  readonly gates: TransferGates;
  readonly expiryMs: number;
}

/** Who asked: the tenant and the trace of the request or message. */
export interface Origin {
  readonly tenant: Tenant;
  readonly cause?: Headers;
}

export interface CreateRequest {
  readonly type: string;
  readonly requestedName: string;
  readonly destinationWorldId: number;
  readonly assetId?: number;
}

async function existing(
  pcc: PendingChangeContext,
  tenantId: string,
  characterId: number,
): Promise<Character> {
  const c = await findCharacter(pcc.ctx.db.pool, tenantId, characterId);
  if (!c) throw new CharacterNotFound(characterId);
  return c;
}

/**
 * What a resolution sends (HEAD's Resolve): the coupon back on every exit but APPLIED, the coupons consumed on
 * APPLIED, and PENDING_CHANGE_RESOLVED. Only the caller whose transition moved the record sends them.
 */
export function resolutionMessages(
  pcc: PendingChangeContext,
  origin: Origin,
  change: PendingChange,
  at: number,
): OutgoingMessage[] {
  const { tenant, cause } = origin;
  const out: OutgoingMessage[] = [];
  if (change.status !== 'APPLIED' && change.assetId !== undefined) {
    out.push(pcc.producer.saga(tenant, cause, awardAsset(change, at)));
  }
  if (change.status === 'APPLIED') {
    for (const saga of consumeCoupons(change, at)) out.push(pcc.producer.saga(tenant, cause, saga));
  }
  out.push(pcc.producer.resolved(tenant, cause, change));
  return out;
}

/** The conditional PENDING → status move, with its messages when it moved; inside the caller's transaction. */
export async function resolveIn(
  pcc: PendingChangeContext,
  tx: Transaction,
  origin: Origin,
  id: string,
  status: Status,
  reason: string,
): Promise<{ change: PendingChange; moved: boolean }> {
  const at = pcc.ctx.clock.now();
  const result = await transition(tx.client, origin.tenant.id, id, status, reason, at);
  if (!result) throw new PendingChangeNotFound(id);
  if (result.moved) tx.emit(...resolutionMessages(pcc, origin, result.change, at));
  return result;
}

/**
 * A new request (HEAD's Create): the rules first (the name's format, or the transfer gates, which may call
 * other services and so run before the transaction), then, under the name's lock, the name must be free and
 * unreserved; the partial unique indexes refuse a second request of a type and a second reservation.
 */
export async function createPendingChange(
  pcc: PendingChangeContext,
  origin: Origin,
  characterId: number,
  request: CreateRequest,
): Promise<PendingChange> {
  const { tenant } = origin;
  const c = await existing(pcc, tenant.id, characterId);
  if (!isChangeType(request.type)) throw new Ineligible('unknown_change_type', 'type');
  const type: ChangeType = request.type;
  if (type === 'NAME_CHANGE') {
    const reason = nameFormatReason(request.requestedName);
    if (reason) throw new Ineligible(reason, 'requestedName');
  } else {
    const { ctx, gates } = pcc;
    const reason = await transferIneligibility(
      ctx.db.pool,
      gates,
      ctx.logger,
      tenant,
      c,
      request.destinationWorldId,
    );
    if (reason) throw new Ineligible(reason, 'destinationWorldId');
  }
  const now = pcc.ctx.clock.now();
  const change: PendingChange = {
    id: randomUUID(),
    characterId,
    type,
    status: 'PENDING',
    requestedName: type === 'NAME_CHANGE' ? request.requestedName : '',
    destinationWorldId: type === 'WORLD_TRANSFER' ? request.destinationWorldId : 0,
    sourceWorldId: c.worldId,
    ...(request.assetId === undefined ? {} : { assetId: request.assetId }),
    reason: '',
    transactionId: randomUUID(),
    createdAt: now,
    expiresAt: now + pcc.expiryMs,
  };
  return commit(pcc.ctx, undefined, async (tx) => {
    if (type === 'NAME_CHANGE') {
      // HEAD's tenant-scoped check: any other character holding the name, whatever its world and case.
      if (!(await claimName(tx.client, tenant.id, change.requestedName, characterId))) {
        throw new Ineligible('name_taken', 'requestedName');
      }
      if (await isNameReserved(tx.client, tenant.id, change.requestedName)) {
        throw new Ineligible('name_reserved', 'requestedName');
      }
    }
    await insertPendingChange(tx.client, tenant, change);
    tx.emit(pcc.producer.created(tenant, origin.cause, change));
    if (change.assetId !== undefined) {
      tx.emit(pcc.producer.saga(tenant, origin.cause, destroyAsset(change, now)));
    }
    return change;
  });
}

export async function listForCharacter(pcc: PendingChangeContext, tenantId: string, characterId: number) {
  await existing(pcc, tenantId, characterId);
  return listPendingChanges(pcc.ctx.db.pool, tenantId, characterId);
}

/**
 * An operator's cancel (DELETE) or the saga's resolve: the record must be this character's (another's, or
 * another tenant's, is not found); a record no longer PENDING is a conflict.
 */
export function resolvePendingChange(
  pcc: PendingChangeContext,
  origin: Origin,
  characterId: number,
  id: string,
  status: Status,
  reason: string,
): Promise<PendingChange> {
  return commit(pcc.ctx, undefined, async (tx) => {
    const found = await findPendingChange(tx.client, origin.tenant.id, id);
    if (!found || found.characterId !== characterId) throw new PendingChangeNotFound(id);
    const { change, moved } = await resolveIn(pcc, tx, origin, id, status, reason);
    if (!moved) throw new PendingConflict('');
    return change;
  });
}

/** The player's cancel from the client, which knows the type only. */
export function cancelForType(
  pcc: PendingChangeContext,
  origin: Origin,
  characterId: number,
  type: ChangeType,
): Promise<PendingChange> {
  return commit(pcc.ctx, undefined, async (tx) => {
    const pending = (await pendingOf(tx.client, origin.tenant.id, characterId)).find((c) => c.type === type);
    if (!pending) throw new PendingChangeNotFound(type);
    const { change, moved } = await resolveIn(pcc, tx, origin, pending.id, 'CANCELLED', 'player_cancelled');
    if (!moved) throw new PendingConflict('');
    return change;
  });
}
