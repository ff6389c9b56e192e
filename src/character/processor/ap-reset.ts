import { Events, type Scope } from '../producer.js';
import { isPointResetMagician, type RebalanceTarget, rebalanceAp, Stat, transferAp } from '../rules/index.js';
import { findCharacter, updateCharacter } from '../storage/characters.js';
import { commit, lockExisting, type OperationContext } from './context.js';
import type { Channel } from './experience.js';

/** Effective stats are ints; the pool arithmetic reads them as a uint16, as HEAD does. */
const UINT16_MAX = 65_535;

/**
 * REBALANCE_AP (Atlas HEAD, K3): the first job advancement's saga gives back every base-stat point above 4
 * and raises the targets to their floors. Success answers STAT_CHANGED with the four stats; a refusal
 * (targets costing more than the points there are) is logged and answered with nothing, as at HEAD: the
 * orchestrator accepts only STAT_CHANGED for this step, so anything else would report a success that did
 * not happen. Malformed targets never get here (commands/schemas.ts skips them).
 */
export async function rebalanceCharacterAp(
  ctx: OperationContext,
  scope: Scope,
  characterId: number,
  channel: Channel,
  targets: readonly RebalanceTarget[],
): Promise<void> {
  await commit(ctx, scope.delivery, async (tx) => {
    const c = await lockExisting(tx, scope.tenant.id, characterId);
    const result = rebalanceAp(c, targets);
    if (!result.ok) {
      ctx.logger.warn(
        { characterId, targets, reason: result.reason, detail: result.detail },
        'AP rebalance refused',
      );
      return;
    }
    const { ap, ...stats } = result.stats;
    await updateCharacter(tx.client, scope.tenant.id, characterId, result.stats);
    const emit = ctx.producer.character(scope, channel.worldId, characterId);
    tx.emit(
      emit(
        Events.statChanged(
          channel.channelId,
          [Stat.AVAILABLE_AP, Stat.STRENGTH, Stat.DEXTERITY, Stat.INTELLIGENCE, Stat.LUCK],
          stats,
        ),
      ),
    );
  });
}

/** A magician moving a point out of MP loses by effective INT: looked up before the row is locked. */
async function effectiveIntelligence(
  ctx: OperationContext,
  scope: Scope,
  characterId: number,
  channel: Channel,
  from: string,
): Promise<number | undefined> {
  if (from !== 'MP') return undefined;
  const c = await findCharacter(ctx.db.pool, scope.tenant.id, characterId);
  if (!c || !isPointResetMagician(c.jobId)) return undefined;
  const stats = await ctx.stats.get(scope.tenant, channel.worldId, channel.channelId, characterId);
  if (!stats || stats.intelligence <= 0) {
    ctx.logger.warn({ characterId }, 'no effective stats; a magician’s MP reset uses base INT');
    return undefined;
  }
  return Math.min(UINT16_MAX, stats.intelligence);
}

/**
 * TRANSFER_AP (Atlas HEAD, K3): AP Reset moves one spent point from one ability to another. Success answers
 * STAT_CHANGED with what changed (nothing, for a point moved to where it came from); a refusal answers ERROR
 * `{error, detail}` (K15), which the orchestrator's AP Reset saga reads as the step's failure.
 */
export async function transferCharacterAp(
  ctx: OperationContext,
  scope: Scope,
  characterId: number,
  channel: Channel,
  move: { readonly from: string; readonly to: string },
): Promise<void> {
  const int = await effectiveIntelligence(ctx, scope, characterId, channel, move.from);
  await commit(ctx, scope.delivery, async (tx) => {
    const c = await lockExisting(tx, scope.tenant.id, characterId);
    const result = transferAp(c, move.from, move.to, int ?? c.intelligence);
    const emit = ctx.producer.character(scope, channel.worldId, characterId);
    if (!result.ok) {
      ctx.logger.info({ characterId, ...move, error: result.error }, 'AP transfer refused');
      tx.emit(emit(Events.apTransferRefused(result.error, result.detail)));
      return;
    }
    await updateCharacter(tx.client, scope.tenant.id, characterId, result.changes);
    tx.emit(emit(Events.statChanged(channel.channelId, result.updates, result.values)));
  });
}
