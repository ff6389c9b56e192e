import { Events, type Scope } from '../producer.js';
import { changeHp, changeMp, clampHp, clampMp, Stat, setHp } from '../rules/index.js';
import { updateCharacter } from '../storage/characters.js';
import { commit, lockExisting, type OperationContext } from './context.js';
import type { Channel } from './experience.js';

/**
 * HP and MP are 16-bit: an effective maximum above that (a uint32 from the effective-stats service) is capped
 * at 65535, where the reference's uint16 conversion wrapped it around to a small number.
 */
const UINT16_MAX = 65_535;

type HpChange = { kind: 'change'; amount: number } | { kind: 'set'; value: number };

/**
 * CHANGE_HP / SET_HP (character.md §2.19 with decisions B8): wide arithmetic clamped to [0, effective max
 * HP]; DIED only for the blow that takes HP from above 0 to 0.
 */
export async function updateHp(
  ctx: OperationContext,
  scope: Scope,
  characterId: number,
  channel: Channel,
  change: HpChange,
): Promise<void> {
  const stats = await ctx.stats.get(scope.tenant, channel.worldId, channel.channelId, characterId);
  await commit(ctx, scope.delivery, async (tx) => {
    const c = await lockExisting(tx, scope.tenant.id, characterId);
    const max = stats ? Math.min(stats.maxHp, UINT16_MAX) : c.maxHp;
    const result =
      change.kind === 'change' ? changeHp(c.hp, change.amount, max) : setHp(c.hp, change.value, max);
    await updateCharacter(tx.client, scope.tenant.id, characterId, { hp: result.hp });
    const emit = ctx.producer.character(scope, channel.worldId, characterId);
    if (result.died) tx.emit(emit(Events.died(channel.channelId, c.mapId)));
    tx.emit(emit(Events.statChanged(channel.channelId, [Stat.HP])));
  });
}

/** CHANGE_MP: clamped to [0, effective max MP]. */
export async function changeCharacterMp(
  ctx: OperationContext,
  scope: Scope,
  characterId: number,
  channel: Channel,
  amount: number,
): Promise<void> {
  const stats = await ctx.stats.get(scope.tenant, channel.worldId, channel.channelId, characterId);
  await commit(ctx, scope.delivery, async (tx) => {
    const c = await lockExisting(tx, scope.tenant.id, characterId);
    const max = stats ? Math.min(stats.maxMp, UINT16_MAX) : c.maxMp;
    await updateCharacter(tx.client, scope.tenant.id, characterId, { mp: changeMp(c.mp, amount, max) });
    tx.emit(
      ctx.producer.character(
        scope,
        channel.worldId,
        characterId,
      )(Events.statChanged(channel.channelId, [Stat.MP])),
    );
  });
}

/** CLAMP_HP / CLAMP_MP (effective max lowered, e.g. equipment removed): only a lowered value is stored and sent. */
export async function clampVital(
  ctx: OperationContext,
  scope: Scope,
  characterId: number,
  channel: Channel,
  vital: 'hp' | 'mp',
  maxValue: number,
): Promise<void> {
  await commit(ctx, scope.delivery, async (tx) => {
    const c = await lockExisting(tx, scope.tenant.id, characterId);
    const lowered = vital === 'hp' ? clampHp(c.hp, maxValue) : clampMp(c.mp, maxValue);
    if (lowered === undefined) return;
    await updateCharacter(tx.client, scope.tenant.id, characterId, { [vital]: lowered });
    const stat = vital === 'hp' ? Stat.HP : Stat.MP;
    tx.emit(
      ctx.producer.character(
        scope,
        channel.worldId,
        characterId,
      )(Events.statChanged(channel.channelId, [stat])),
    );
  });
}
