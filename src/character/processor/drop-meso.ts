import { randomUUID } from 'node:crypto';
import type { Field } from '../../platform/fields.js';
import { Events, type Scope } from '../producer.js';
import { awardDropMeso, pickUpMeso, Stat } from '../rules/index.js';
import { updateCharacter } from '../storage/characters.js';
import {
  awardsMesoSeparately,
  creditedByReserved,
  lockDrop,
  noteMesoAwarded,
  recordReservedCredit,
} from '../storage/drop-meso.js';
import { commit, lockExisting, type OperationContext } from './context.js';

/** A drop status event's identity: where the drop lies, which drop, which pick-up. */
export interface DropPickUp {
  readonly field: Field;
  readonly dropId: number;
  readonly transactionId: string;
}

/**
 * RESERVED with meso (the reference's protocol): credit the whole amount and ask the drop service to complete
 * the pick-up; a credit that would overflow cancels the reservation instead, so the meso stays on the ground
 * (B9). Nothing at all once the tenant's drops service awards meso itself (storage/drop-meso.ts, rule 1).
 */
export async function pickUpReservedMeso(
  ctx: OperationContext,
  scope: Omit<Scope, 'transactionId'>,
  characterId: number,
  drop: DropPickUp,
  meso: number,
): Promise<void> {
  // The reference's drop commands and this STAT_CHANGED carried a fresh transaction id, not the pick-up's.
  const own: Scope = { ...scope, transactionId: randomUUID() };
  const tenantId = scope.tenant.id;
  await commit(ctx, scope.delivery, async (tx) => {
    await lockDrop(tx.client, tenantId, drop.dropId);
    if (await awardsMesoSeparately(tx.client, tenantId)) {
      ctx.logger.debug({ dropId: drop.dropId }, 'meso on RESERVED ignored: MESO_AWARDED credits it');
      return;
    }
    const c = await lockExisting(tx, tenantId, characterId);
    const at = new Date(ctx.clock.now());
    await recordReservedCredit(tx.client, tenantId, drop.dropId, drop.transactionId, at);
    const result = pickUpMeso(c.meso, meso);
    if (!result.ok) {
      tx.emit(ctx.producer.cancelReservation(own, drop.field, drop.dropId, characterId));
      return;
    }
    await updateCharacter(tx.client, tenantId, characterId, { meso: result.meso });
    const emit = ctx.producer.character(own, drop.field.worldId, characterId);
    tx.emit(
      emit(Events.statChanged(drop.field.channelId, [Stat.MESO])),
      ctx.producer.pickUp(own, drop.field, drop.dropId, characterId),
    );
  });
}

/**
 * MESO_AWARDED (Atlas HEAD, K8): one recipient's share of a picked-up meso drop. The share is credited with
 * MESO_CHANGED (actor: the drop, `DROP`, no chat line: the channel shows the pick-up itself) and
 * STAT_CHANGED[MESO]; the picker's award also completes the pick-up. A share that would overflow is not
 * credited and, unlike RESERVED's whole amount (B9), still completes the pick-up, as HEAD does: the other
 * recipients' shares of this pick-up are credited by their own messages, so leaving the drop on the ground
 * would let a picker at the meso ceiling pay the party again and again from one drop.
 */
export async function awardPickedUpMeso(
  ctx: OperationContext,
  scope: Scope,
  characterId: number,
  drop: DropPickUp,
  award: { readonly amount: number; readonly picker: boolean },
): Promise<void> {
  const tenantId = scope.tenant.id;
  await commit(ctx, scope.delivery, async (tx) => {
    await lockDrop(tx.client, tenantId, drop.dropId);
    const at = new Date(ctx.clock.now());
    await noteMesoAwarded(tx.client, tenantId, at);
    if (await creditedByReserved(tx.client, tenantId, drop.dropId, drop.transactionId, at)) {
      ctx.logger.info(
        { dropId: drop.dropId, characterId },
        'MESO_AWARDED skipped: RESERVED already credited this pick-up in full',
      );
      return;
    }
    if (award.amount > 0) {
      const c = await lockExisting(tx, tenantId, characterId);
      const result = awardDropMeso(c.meso, award.amount);
      if (result.ok) {
        await updateCharacter(tx.client, tenantId, characterId, { meso: result.meso });
        tx.emit(
          ctx.producer.character(
            scope,
            c.worldId,
            characterId,
          )(Events.mesoChanged(drop.dropId, 'DROP', award.amount, false)),
          ctx.producer.character(
            scope,
            drop.field.worldId,
            characterId,
          )(Events.statChanged(drop.field.channelId, [Stat.MESO])),
        );
      } else {
        ctx.logger.warn(
          { characterId, meso: c.meso, amount: award.amount, dropId: drop.dropId },
          'meso share would overflow; not credited',
        );
      }
    }
    if (award.picker) tx.emit(ctx.producer.pickUp(scope, drop.field, drop.dropId, characterId));
  });
}
