import { Events, type Scope, type StatusEvent } from '../producer.js';
import { Stat, type StatType } from '../rules/index.js';
import { updateCharacter } from '../storage/characters.js';
import { commit, lockExisting, type OperationContext } from './context.js';
import type { Channel } from './experience.js';

interface Look {
  readonly field: 'hair' | 'face' | 'skinColor';
  readonly stat: StatType;
  readonly event: (oldValue: number, newValue: number) => StatusEvent;
}

const LOOKS = {
  hair: { field: 'hair', stat: Stat.HAIR, event: Events.hairChanged },
  face: { field: 'face', stat: Stat.FACE, event: Events.faceChanged },
  skin: { field: 'skinColor', stat: Stat.SKIN, event: Events.skinColorChanged },
} as const satisfies Record<string, Look>;

export type LookKind = keyof typeof LOOKS;

/**
 * CHANGE_HAIR / CHANGE_FACE / CHANGE_SKIN (character.md §2.9): no validation of the style id (the caller, a
 * salon NPC script, chose it), and the events go out even when the style is unchanged, as the client waits
 * for the STAT_CHANGED.
 */
export async function changeLook(
  ctx: OperationContext,
  scope: Scope,
  characterId: number,
  channel: Channel,
  kind: LookKind,
  styleId: number,
): Promise<void> {
  const look: Look = LOOKS[kind];
  await commit(ctx, scope.delivery, async (tx) => {
    const c = await lockExisting(tx, scope.tenant.id, characterId);
    await updateCharacter(tx.client, scope.tenant.id, characterId, { [look.field]: styleId });
    const emit = ctx.producer.character(scope, channel.worldId, characterId);
    tx.emit(
      emit(look.event(c[look.field], styleId)),
      emit(Events.statChanged(channel.channelId, [look.stat])),
    );
  });
}
