import type { Field } from '../../platform/fields.js';
import { Events, type Scope } from '../producer.js';
import { changeMeso, dropMeso, Stat } from '../rules/index.js';
import { updateCharacter } from '../storage/characters.js';
import { adjustMesoWithEvents } from '../storage/meso.js';
import { commit, lockExisting, type OperationContext } from './context.js';

/** Who asked for a meso change, and whether HEAD's channel should show it as a chat line (K6). */
export interface MesoActor {
  readonly actorId: number;
  readonly actorType: string;
  readonly showEffect: boolean;
}

/**
 * REQUEST_CHANGE_MESO (character.md §2.14, decisions B2). The common case is one atomic conditional
 * statement that also writes the events, so a thousand concurrent changes give the exact sum and cost one
 * round trip each. When it does not apply (not enough meso, overflow, unknown character) the change is
 * decided again under the row lock: not enough meso answers ERROR NOT_ENOUGH_MESO; an overflow changes
 * nothing and answers ERROR MESO_OVERFLOW (Atlas HEAD, K15; the reference sent nothing, so a saga waited).
 */
export async function requestChangeMeso(
  ctx: OperationContext,
  scope: Scope,
  characterId: number,
  actor: MesoActor,
  amount: number,
): Promise<void> {
  const events = (worldId: number) => {
    const emit = ctx.producer.character(scope, worldId, characterId);
    return [
      emit(Events.mesoChanged(actor.actorId, actor.actorType, amount, actor.showEffect)),
      emit(Events.statChanged(0, [Stat.MESO])),
    ];
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
      ctx.logger.warn({ characterId, meso: c.meso, amount }, 'meso change would overflow; refused');
      tx.emit(ctx.producer.character(scope, c.worldId, characterId)(Events.mesoOverflow(amount)));
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
