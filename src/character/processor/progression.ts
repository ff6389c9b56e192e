import type { Tenant } from '../../platform/tenant.js';
import { Events, type Scope } from '../producer.js';
import {
  addSp,
  capMax,
  hpMpGainParams,
  jobAdvancementGains,
  levelUpGains,
  MAX_AP,
  type SkillBonus,
  Stat,
  type StatType,
  type StatValues,
  skillBook,
} from '../rules/index.js';
import { findCharacter, updateCharacter } from '../storage/characters.js';
import { commit, lockExisting, type OperationContext } from './context.js';
import type { Channel } from './experience.js';

const GAIN_UPDATES: readonly StatType[] = [
  Stat.AVAILABLE_AP,
  Stat.AVAILABLE_SP,
  Stat.HP,
  Stat.MAX_HP,
  Stat.MP,
  Stat.MAX_MP,
];

/** The per-level HP/MP skill bonuses: each the skill's effect X at the level the character has it. */
async function levelUpBonus(ctx: OperationContext, tenant: Tenant, characterId: number): Promise<SkillBonus> {
  const c = await findCharacter(ctx.db.pool, tenant.id, characterId);
  if (!c) return { hp: 0, mp: 0 };
  const params = hpMpGainParams(c.jobId);
  if (params.hpBonusSkillId === undefined && params.mpBonusSkillId === undefined) return { hp: 0, mp: 0 };
  const skills = await ctx.skills.skills(tenant, characterId);
  const [hp, mp] = await Promise.all([
    ctx.skills.bonus(tenant, skills, params.hpBonusSkillId, 'x'),
    ctx.skills.bonus(tenant, skills, params.mpBonusSkillId, 'x'),
  ]);
  return { hp, mp };
}

/**
 * The gains of a LEVEL_CHANGED (character.md §2.17 with decisions B5/B7): each level with its own AP/SP
 * rules, HP/MP rolled per level and capped at 30000, HP and MP refilled. Look-ups happen before the row is
 * locked, so a slow skills service never holds the lock.
 */
export async function processLevelChange(
  ctx: OperationContext,
  scope: Scope,
  characterId: number,
  channel: Channel,
  amount: number,
  current: number,
): Promise<void> {
  if (amount <= 0) return;
  const bonus = await levelUpBonus(ctx, scope.tenant, characterId);
  await commit(ctx, scope.delivery, async (tx) => {
    const c = await lockExisting(tx, scope.tenant.id, characterId);
    const gains = levelUpGains(
      {
        jobId: c.jobId,
        newLevel: current,
        amount,
        region: scope.tenant.region,
        majorVersion: scope.tenant.majorVersion,
        strength: c.strength,
        dexterity: c.dexterity,
        maxHp: c.maxHp,
        maxMp: c.maxMp,
      },
      ctx.random,
      bonus,
    );
    const updates = [...GAIN_UPDATES];
    const values: StatValues = { intelligence: c.intelligence, max_hp: gains.maxHp, max_mp: gains.maxMp };
    if (gains.strength !== c.strength) {
      updates.push(Stat.STRENGTH);
      values.strength = gains.strength;
    }
    if (gains.dexterity !== c.dexterity) {
      updates.push(Stat.DEXTERITY);
      values.dexterity = gains.dexterity;
    }
    await updateCharacter(tx.client, scope.tenant.id, characterId, {
      ap: Math.min(MAX_AP, c.ap + gains.ap),
      sp: addSp(c.sp, skillBook(c.jobId), gains.sp),
      hp: gains.maxHp,
      maxHp: gains.maxHp,
      mp: gains.maxMp,
      maxMp: gains.maxMp,
      strength: gains.strength,
      dexterity: gains.dexterity,
    });
    const emit = ctx.producer.character(scope, channel.worldId, characterId);
    tx.emit(emit(Events.statChanged(channel.channelId, updates, values)));
  });
}

/** CHANGE_JOB: the job is stored and announced; the advancement gains follow from our own JOB_CHANGED. */
export async function changeJob(
  ctx: OperationContext,
  scope: Scope,
  characterId: number,
  channel: Channel,
  jobId: number,
): Promise<void> {
  await commit(ctx, scope.delivery, async (tx) => {
    await lockExisting(tx, scope.tenant.id, characterId);
    await updateCharacter(tx.client, scope.tenant.id, characterId, { jobId });
    const emit = ctx.producer.character(scope, channel.worldId, characterId);
    tx.emit(
      emit(Events.jobChanged(channel.channelId, jobId)),
      emit(Events.statChanged(channel.channelId, [Stat.JOB])),
    );
  });
}

/** The gains of a JOB_CHANGED (character.md §2.18 with decisions B7), HP and MP refilled to the new max. */
export async function processJobChange(
  ctx: OperationContext,
  scope: Scope,
  characterId: number,
  channel: Channel,
  jobId: number,
): Promise<void> {
  await commit(ctx, scope.delivery, async (tx) => {
    const c = await lockExisting(tx, scope.tenant.id, characterId);
    const gains = jobAdvancementGains(jobId, ctx.random);
    const maxHp = capMax(c.maxHp + gains.hpGain);
    const maxMp = capMax(c.maxMp + gains.mpGain);
    await updateCharacter(tx.client, scope.tenant.id, characterId, {
      ap: Math.min(MAX_AP, c.ap + gains.ap),
      sp: addSp(c.sp, skillBook(jobId), gains.sp),
      hp: maxHp,
      maxHp,
      mp: maxMp,
      maxMp,
    });
    const emit = ctx.producer.character(scope, channel.worldId, characterId);
    tx.emit(
      emit(
        Events.statChanged(channel.channelId, GAIN_UPDATES, {
          intelligence: c.intelligence,
          max_hp: maxHp,
          max_mp: maxMp,
        }),
      ),
    );
  });
}
