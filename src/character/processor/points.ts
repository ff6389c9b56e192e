import type { Tenant } from '../../platform/tenant.js';
import { CharacterNotFound } from '../model.js';
import { Events, type Scope, ZERO_TIME } from '../producer.js';
import {
  type ApContext,
  type ApEntry,
  apHpBonusSkill,
  apMpBonusSkill,
  changeFame,
  distributeAp,
  distributeSp,
  resetStats,
  Stat,
} from '../rules/index.js';
import { findCharacter, lockCharacter, updateCharacter } from '../storage/characters.js';
import { commit, lockExisting, type OperationContext } from './context.js';
import type { Channel } from './experience.js';

/** REQUEST_CHANGE_FAME: fame stays within int16 instead of wrapping. */
export async function requestChangeFame(
  ctx: OperationContext,
  scope: Scope,
  characterId: number,
  actorId: number,
  actorType: string,
  amount: number,
): Promise<void> {
  await commit(ctx, scope.delivery, async (tx) => {
    const c = await lockExisting(tx, scope.tenant.id, characterId);
    await updateCharacter(tx.client, scope.tenant.id, characterId, { fame: changeFame(c.fame, amount) });
    const emit = ctx.producer.character(scope, c.worldId, characterId);
    tx.emit(emit(Events.fameChanged(actorId, actorType, amount)), emit(Events.statChanged(0, [Stat.FAME])));
  });
}

interface ApLookups {
  readonly effectiveIntelligence: number | undefined;
  readonly hpSkillBonus: number;
  readonly mpSkillBonus: number;
}

/** Effective INT (channel 0, as the reference asks) and the AP skill bonuses, looked up before locking. */
async function apLookups(ctx: OperationContext, tenant: Tenant, characterId: number): Promise<ApLookups> {
  const c = await findCharacter(ctx.db.pool, tenant.id, characterId);
  if (!c) return { effectiveIntelligence: undefined, hpSkillBonus: 0, mpSkillBonus: 0 };
  const hpSkill = apHpBonusSkill(c.jobId);
  const mpSkill = apMpBonusSkill(c.jobId);
  const [stats, skills] = await Promise.all([
    ctx.stats.get(tenant, c.worldId, 0, characterId),
    hpSkill || mpSkill ? ctx.skills.skills(tenant, characterId) : Promise.resolve([]),
  ]);
  const [hpSkillBonus, mpSkillBonus] = await Promise.all([
    ctx.skills.bonus(tenant, skills, hpSkill?.skillId, hpSkill?.effect ?? 'y'),
    ctx.skills.bonus(tenant, skills, mpSkill?.skillId, mpSkill?.effect ?? 'x'),
  ]);
  return { effectiveIntelligence: stats?.intelligence, hpSkillBonus, mpSkillBonus };
}

/**
 * REQUEST_DISTRIBUTE_AP (decisions B6): all or nothing, and every refusal (missing character included)
 * still answers STAT_CHANGED with no updates so the client's exclusive request is released.
 */
export async function requestDistributeAp(
  ctx: OperationContext,
  scope: Scope,
  characterId: number,
  entries: readonly ApEntry[],
): Promise<void> {
  const lookups = await apLookups(ctx, scope.tenant, characterId);
  const found = await commit(ctx, scope.delivery, async (tx) => {
    const c = await lockCharacter(tx.client, scope.tenant.id, characterId);
    const emit = ctx.producer.character(scope, c?.worldId ?? 0, characterId);
    if (!c) {
      tx.emit(emit(Events.statChanged(0, [])));
      return false;
    }
    const context: ApContext = {
      ...lookups,
      effectiveIntelligence: lookups.effectiveIntelligence ?? c.intelligence,
    };
    const result = distributeAp(c, entries, context);
    if (!result.ok) {
      ctx.logger.info({ characterId, reason: result.reason }, 'AP distribution refused');
      tx.emit(emit(Events.statChanged(0, [])));
      return true;
    }
    await updateCharacter(tx.client, scope.tenant.id, characterId, result.changes);
    tx.emit(emit(Events.statChanged(0, result.updates, result.values)));
    return true;
  });
  if (!found) throw new CharacterNotFound(characterId);
}

/**
 * REQUEST_DISTRIBUTE_SP: spends from the skill's book and asks the skills service to create or raise the
 * skill. The reference answered a refusal with silence; like AP, a refusal answers an empty STAT_CHANGED.
 */
export async function requestDistributeSp(
  ctx: OperationContext,
  scope: Scope,
  characterId: number,
  skillId: number,
  amount: number,
): Promise<void> {
  const skills = await ctx.skills.skills(scope.tenant, characterId);
  await commit(ctx, scope.delivery, async (tx) => {
    const c = await lockExisting(tx, scope.tenant.id, characterId);
    const emit = ctx.producer.character(scope, c.worldId, characterId);
    const result = distributeSp(c, skillId, amount);
    if (!result.ok) {
      ctx.logger.info({ characterId, skillId, reason: result.reason }, 'SP distribution refused');
      tx.emit(emit(Events.statChanged(0, [])));
      return;
    }
    await updateCharacter(tx.client, scope.tenant.id, characterId, { sp: result.sp });
    const existing = skills.find((s) => s.skillId === skillId);
    tx.emit(
      emit(Events.statChanged(0, [Stat.AVAILABLE_SP])),
      existing
        ? ctx.producer.skill(scope, characterId, 'REQUEST_UPDATE', {
            skillId,
            level: existing.level + amount,
            masterLevel: existing.masterLevel,
            expiration: existing.expiration || ZERO_TIME,
          })
        : ctx.producer.skill(scope, characterId, 'REQUEST_CREATE', {
            skillId,
            level: amount,
            masterLevel: 0,
            expiration: ZERO_TIME,
          }),
    );
  });
}

/** RESET_STATS: every point above 4 comes back as AP. */
export async function resetCharacterStats(
  ctx: OperationContext,
  scope: Scope,
  characterId: number,
  channel: Channel,
): Promise<void> {
  await commit(ctx, scope.delivery, async (tx) => {
    const c = await lockExisting(tx, scope.tenant.id, characterId);
    const reset = resetStats(c);
    await updateCharacter(tx.client, scope.tenant.id, characterId, reset);
    const emit = ctx.producer.character(scope, channel.worldId, characterId);
    tx.emit(
      emit(
        Events.statChanged(
          channel.channelId,
          [Stat.AVAILABLE_AP, Stat.STRENGTH, Stat.DEXTERITY, Stat.INTELLIGENCE, Stat.LUCK],
          {
            strength: reset.strength,
            dexterity: reset.dexterity,
            intelligence: reset.intelligence,
            luck: reset.luck,
          },
        ),
      ),
    );
  });
}
