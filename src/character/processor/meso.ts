import { randomUUID } from 'node:crypto';
import type { Field } from '../../platform/fields.js';
import { Events, type Scope } from '../producer.js';
import { changeMeso, dropMeso, pickUpMeso as pickUpMesoRule, Stat } from '../rules/index.js';
import { updateCharacter } from '../storage/characters.js';
import { adjustMesoWithEvents } from '../storage/meso.js';
import { commit, lockExisting, type OperationContext } from './context.js';

/**
 * REQUEST_CHANGE_MESO (character.md §2.14, decisions B2). The common case is one atomic conditional
 * statement that also writes the events, so a thousand concurrent changes give the exact sum and cost one
 * round trip each. When it does not apply (not enough meso, overflow, unknown character) the change is
 * decided again under the row lock: not enough meso answers ERROR NOT_ENOUGH_MESO; an overflow changes
 * nothing and, as in the reference, sends nothing.
 */
export async function requestChangeMeso(
  ctx: OperationContext,
  scope: Scope,
  characterId: number,
  actorId: number,
  actorType: string,
  amount: number,
): Promise<void> {
  const events = (worldId: number) => {
    const emit = ctx.producer.character(scope, worldId, characterId);
    return [emit(Events.mesoChanged(actorId, actorType, amount)), emit(Events.statChanged(0, [Stat.MESO]))];
  };
  const worldId = await ctx.worlds.of(ctx.db.pool, scope.tenant.id, characterId);
  if (worldId !== undefined) {
    const applied = await adjustMesoWithEvents(
      ctx.db.pool,
      scope.tenant.id,
      characterId,
      worldId,
      amount,
      events(worldId),
      scope.delivery,
    );
    if (applied) {
      ctx.outbox.committed();
      return;
    }
  }
  await commit(ctx, scope.delivery, async (tx) => {
    const c = await lockExisting(tx, scope.tenant.id, characterId);
    const result = changeMeso(c.meso, amount);
    if (result.ok) {
      await updateCharacter(tx.client, scope.tenant.id, characterId, { meso: result.meso });
      tx.emit(...events(c.worldId));
    } else if (result.reason === 'NOT_ENOUGH_MESO') {
      tx.emit(ctx.producer.character(scope, c.worldId, characterId)(Events.notEnoughMeso(amount)));
    } else {
      ctx.logger.warn({ characterId, meso: c.meso, amount }, 'meso change would overflow; ignored');
    }
  });
}

/**
 * REQUEST_DROP_MESO: the reference spawned the drop even without the meso (B9); here a refusal answers
 * ERROR and an empty STAT_CHANGED (to release the client) and spawns nothing. The drop falls where the
 * character stands.
 */
export async function requestDropMeso(
  ctx: OperationContext,
  scope: Scope,
  characterId: number,
  field: Field,
  amount: number,
): Promise<void> {
  await commit(ctx, scope.delivery, async (tx) => {
    const c = await lockExisting(tx, scope.tenant.id, characterId);
    const result = dropMeso(c.meso, amount);
    const emit = ctx.producer.character(scope, field.worldId, characterId);
    if (!result.ok) {
      // The error's amount is an int32 on the wire; Go's int32(amount) wraps a uint32 above 2^31-1.
      tx.emit(
        ctx.producer.character(scope, c.worldId, characterId)(Events.notEnoughMeso(amount | 0)),
        emit(Events.statChanged(field.channelId, [])),
      );
      return;
    }
    await updateCharacter(tx.client, scope.tenant.id, characterId, { meso: result.meso });
    const at = ctx.positions.get(scope.tenant.id, characterId) ?? c;
    tx.emit(
      emit(Events.statChanged(field.channelId, [Stat.MESO])),
      ctx.producer.spawnMesoDrop(scope, field, characterId, amount, at.x, at.y),
    );
  });
}

/**
 * A reserved meso drop: credit and ask the drop service to complete the pick-up; a credit that would
 * overflow cancels the reservation instead, so the meso stays on the ground (B9).
 */
export async function pickUpMeso(
  ctx: OperationContext,
  scope: Omit<Scope, 'transactionId'>,
  characterId: number,
  field: Field,
  dropId: number,
  meso: number,
): Promise<void> {
  const withTransaction: Scope = { ...scope, transactionId: randomUUID() };
  await commit(ctx, scope.delivery, async (tx) => {
    const c = await lockExisting(tx, scope.tenant.id, characterId);
    const result = pickUpMesoRule(c.meso, meso);
    if (!result.ok) {
      tx.emit(ctx.producer.cancelReservation(withTransaction, field, dropId, characterId));
      return;
    }
    await updateCharacter(tx.client, scope.tenant.id, characterId, { meso: result.meso });
    const emit = ctx.producer.character(withTransaction, field.worldId, characterId);
    tx.emit(
      emit(Events.statChanged(field.channelId, [Stat.MESO])),
      ctx.producer.pickUp(withTransaction, field, dropId, characterId),
    );
  });
}
