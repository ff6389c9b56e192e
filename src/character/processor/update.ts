import { randomUUID } from 'node:crypto';
import type { Tenant } from '../../platform/tenant.js';
import type { Headers } from '../../platform/wire/headers.js';
import { type Character, type CharacterChanges, NIL_INSTANCE, UpdateRefused } from '../model.js';
import { isNameReserved } from '../pending-changes/names.js';
import { Events, type StatusEvent } from '../producer.js';
import { isValidNameFormat } from '../rules/index.js';
import { claimName, isNameTaken, updateCharacter } from '../storage/characters.js';
import { commit, lockExisting, type OperationContext } from './context.js';

/** The attributes PATCH may change; an absent attribute keeps its value (decisions B10). */
export interface CharacterUpdate {
  readonly name?: string;
  readonly hair?: number;
  readonly face?: number;
  readonly gender?: number;
  readonly skinColor?: number;
  readonly gm?: number;
  readonly mapId?: number;
}

export const INVALID_NAME = 'invalid or duplicate name';

const between = (value: number, min: number, max: number) => value >= min && value <= max;

interface Decision {
  readonly changes: CharacterChanges;
  readonly events: StatusEvent[];
}

/** Validates in the reference's order; the first failure refuses the whole update (character.md §2.23). */
function decide(c: Character, input: CharacterUpdate): Decision {
  const changes: { -readonly [K in keyof CharacterChanges]: CharacterChanges[K] } = {};
  const events: StatusEvent[] = [];
  const differs = <T>(value: T | undefined, current: T): value is T =>
    value !== undefined && value !== current;
  if (differs(input.name, c.name)) {
    if (!isValidNameFormat(input.name)) throw new UpdateRefused(INVALID_NAME);
    changes.name = input.name;
    events.push(Events.nameChanged(c.name, input.name));
  }
  if (differs(input.hair, c.hair)) {
    if (!between(input.hair, 30_000, 35_000)) throw new UpdateRefused('invalid hair ID');
    changes.hair = input.hair;
    events.push(Events.hairChanged(c.hair, input.hair));
  }
  if (differs(input.face, c.face)) {
    if (!between(input.face, 20_000, 25_000)) throw new UpdateRefused('invalid face ID');
    changes.face = input.face;
    events.push(Events.faceChanged(c.face, input.face));
  }
  if (differs(input.gender, c.gender)) {
    if (!between(input.gender, 0, 1)) throw new UpdateRefused('invalid gender value');
    changes.gender = input.gender;
    events.push(Events.genderChanged(c.gender, input.gender));
  }
  if (differs(input.skinColor, c.skinColor)) {
    if (!between(input.skinColor, 0, 9)) throw new UpdateRefused('invalid skin color value');
    changes.skinColor = input.skinColor;
    events.push(Events.skinColorChanged(c.skinColor, input.skinColor));
  }
  if (differs(input.gm, c.gm)) {
    if (input.gm < 0) throw new UpdateRefused('invalid GM value');
    changes.gm = input.gm;
    events.push(Events.gmChanged(c.gm !== 0, input.gm !== 0));
  }
  if (differs(input.mapId, c.mapId)) {
    // An administrative warp lands on the map's shared instance at portal 0.
    changes.mapId = input.mapId;
    changes.instance = NIL_INSTANCE;
    changes.spawnPoint = 0;
    events.push(Events.mapChanged(0, c, { mapId: input.mapId, instance: NIL_INSTANCE, portalId: 0 }));
  }
  return { changes, events };
}

/**
 * PATCH /characters/{id}: all checks against the locked row, one UPDATE, the change events in the
 * reference's order. A new name is claimed like a created one (claimName); a rename to a case variant of the
 * character's own name is allowed, unless a legacy namesake already holds it.
 */
export async function updateCharacterAttributes(
  ctx: OperationContext,
  tenant: Tenant,
  characterId: number,
  input: CharacterUpdate,
  cause?: Headers,
): Promise<void> {
  // K1 / C5: in `maps` mode the warp is the owner's to make and announce; it is asked with CHANGE_MAP, on
  // the channel where the owner last saw the character (channel 0 when it does not say).
  const { mapId, ...rest } = input;
  const warpByOwner = mapId !== undefined && ctx.locations.owner === 'maps';
  const channelId = warpByOwner ? ((await ctx.locations.locationOf(tenant, characterId))?.channelId ?? 0) : 0;
  // A REST request: nothing consumed to record.
  await commit(ctx, undefined, async (tx) => {
    const c = await lockExisting(tx, tenant.id, characterId);
    const { changes, events } = decide(c, warpByOwner ? rest : input);
    const scope = { tenant, transactionId: randomUUID(), cause };
    if (warpByOwner && mapId !== c.mapId) {
      const target = { worldId: c.worldId, channelId, mapId, instance: NIL_INSTANCE };
      tx.emit(ctx.producer.changeMapCommand(scope, c.worldId, c.id, target, 0));
    }
    if (events.length === 0) return;
    if (
      changes.name !== undefined &&
      (!(await claimName(tx.client, tenant.id, changes.name, characterId)) ||
        (await isNameReserved(tx.client, tenant.id, changes.name)))
    ) {
      throw new UpdateRefused(INVALID_NAME);
    }
    try {
      await updateCharacter(tx.client, tenant.id, characterId, changes);
    } catch (error) {
      if (isNameTaken(error)) throw new UpdateRefused(INVALID_NAME);
      throw error;
    }
    const emit = ctx.producer.character(scope, c.worldId, c.id);
    tx.emit(...events.map(emit));
  });
}
