import { Events, type ExperienceDistribution, type Scope } from '../producer.js';
import { awardExperience, awardLevel, deductExperience, Stat, UINT32_MAX } from '../rules/index.js';
import { updateCharacter } from '../storage/characters.js';
import { commit, lockExisting, type OperationContext } from './context.js';

/** The world and channel a command names; events of the operation carry them. */
export interface Channel {
  readonly worldId: number;
  readonly channelId: number;
}

/**
 * Atlas HEAD (K5): an award asked to show its effect (NPC, quest and cash rewards) also lists the total as a
 * WHITE and a CHAT distribution, which HEAD's atlas-channel turns into the "You have gained N exp" line.
 */
function announced(
  distributions: readonly ExperienceDistribution[],
  amount: number,
  showEffect: boolean,
): readonly ExperienceDistribution[] {
  if (!showEffect || amount <= 0) return distributions;
  const total = Math.min(amount, UINT32_MAX);
  return [
    ...distributions,
    { experienceType: 'WHITE', amount: total, attr1: 0 },
    { experienceType: 'CHAT', amount: total, attr1: 0 },
  ];
}

/**
 * AWARD_EXPERIENCE (character.md §2.10 with decisions B5): experience is spent on every level it reaches,
 * up to 200, and the levels are granted by an AWARD_LEVEL command to ourselves with the same transaction
 * id, as the reference chains them (EXPERIENCE_CHANGED, STAT_CHANGED, then AWARD_LEVEL).
 */
export async function awardCharacterExperience(
  ctx: OperationContext,
  scope: Scope,
  characterId: number,
  channel: Channel,
  distributions: readonly ExperienceDistribution[],
  showEffect = false,
): Promise<void> {
  const amount = distributions.reduce((sum, d) => sum + d.amount, 0);
  const tenantId = scope.tenant.id;
  const granted = await commit(ctx, scope.delivery, async (tx) => {
    const c = await lockExisting(tx, tenantId, characterId);
    // Levels already earned but not yet written (their AWARD_LEVEL is queued behind this command) count.
    const pending = ctx.pendingLevels.of(tenantId, characterId);
    const award = awardExperience({ level: c.level + pending, experience: c.experience }, amount);
    await updateCharacter(tx.client, scope.tenant.id, characterId, { experience: award.experience });
    const emit = ctx.producer.character(scope, channel.worldId, characterId);
    tx.emit(
      emit(
        Events.experienceChanged(
          channel.channelId,
          award.experience,
          announced(distributions, amount, showEffect),
        ),
      ),
      emit(Events.statChanged(channel.channelId, [Stat.EXPERIENCE])),
    );
    if (award.levelsGained > 0) {
      tx.emit(
        ctx.producer.awardLevel(scope, channel.worldId, characterId, channel.channelId, award.levelsGained),
      );
    }
    return award.levelsGained;
  });
  ctx.pendingLevels.add(tenantId, characterId, granted);
}

/**
 * AWARD_LEVEL: never beyond 200. LEVEL_CHANGED is still emitted when nothing was granted, because a saga
 * waiting for it must be released; the level-up gains then skip the zero amount.
 */
export async function awardCharacterLevel(
  ctx: OperationContext,
  scope: Scope,
  characterId: number,
  channel: Channel,
  amount: number,
): Promise<void> {
  await commit(ctx, scope.delivery, async (tx) => {
    const c = await lockExisting(tx, scope.tenant.id, characterId);
    const granted = awardLevel(c.level, amount);
    const current = c.level + granted;
    if (granted > 0) await updateCharacter(tx.client, scope.tenant.id, characterId, { level: current });
    const emit = ctx.producer.character(scope, channel.worldId, characterId);
    tx.emit(
      emit(Events.levelChanged(channel.channelId, granted, current)),
      emit(Events.statChanged(channel.channelId, [Stat.LEVEL])),
    );
  });
  ctx.pendingLevels.settle(scope.tenant.id, characterId, amount);
}

/** DEDUCT_EXPERIENCE (death): never below 0, never a level; the event echoes the requested amount. */
export async function deductCharacterExperience(
  ctx: OperationContext,
  scope: Scope,
  characterId: number,
  channel: Channel,
  amount: number,
): Promise<void> {
  await commit(ctx, scope.delivery, async (tx) => {
    const c = await lockExisting(tx, scope.tenant.id, characterId);
    const current = deductExperience(c.experience, amount);
    await updateCharacter(tx.client, scope.tenant.id, characterId, { experience: current });
    const emit = ctx.producer.character(scope, channel.worldId, characterId);
    tx.emit(
      emit(
        Events.experienceChanged(channel.channelId, current, [{ experienceType: 'DEATH', amount, attr1: 0 }]),
      ),
      emit(Events.statChanged(channel.channelId, [Stat.EXPERIENCE])),
    );
  });
}
