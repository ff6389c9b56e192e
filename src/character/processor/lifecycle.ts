import { deleteLocationsOf } from '../locations/repository.js';
import {
  type Character,
  CharacterNotFound,
  CreationRefused,
  type NewCharacter,
  NIL_INSTANCE,
} from '../model.js';
import { isNameReserved } from '../pending-changes/names.js';
import { Events, type Scope } from '../producer.js';
import { isValidNameFormat, MAX_LEVEL, NEW_CHARACTER_SP } from '../rules/index.js';
import {
  claimName,
  deleteAccountCharacters,
  deleteCharacter,
  insertCharacter,
  isNameTaken,
} from '../storage/characters.js';
import { deleteTeleportRocksOf } from '../teleport-rocks/storage.js';
import { commit, type OperationContext } from './context.js';

/** The reference's error texts, which CREATION_FAILED carries. */
export const BLOCKED_NAME = 'blocked name';
export const INVALID_LEVEL = 'invalid level';

/**
 * Creates a character (character.md §2.3): anchored name pattern, level 1-200, name unique per tenant (claimed
 * under a per-name lock, backed by the unique index: fifty simultaneous requests for one name create exactly
 * one character, even beside legacy duplicates), CREATED on commit.
 */
export async function createCharacter(
  ctx: OperationContext,
  scope: Scope,
  input: NewCharacter,
): Promise<Character> {
  if (!isValidNameFormat(input.name)) throw new CreationRefused(BLOCKED_NAME, 'name');
  if (input.level < 1 || input.level > MAX_LEVEL) throw new CreationRefused(INVALID_LEVEL, 'level');
  return commit(ctx, scope.delivery, async (tx) => {
    if (
      !(await claimName(tx.client, scope.tenant.id, input.name)) ||
      (await isNameReserved(tx.client, scope.tenant.id, input.name))
    ) {
      throw new CreationRefused(BLOCKED_NAME, 'name');
    }
    let character: Character;
    try {
      character = await insertCharacter(tx.client, scope.tenant.id, input, NEW_CHARACTER_SP);
    } catch (error) {
      if (isNameTaken(error)) throw new CreationRefused(BLOCKED_NAME, 'name');
      throw error;
    }
    const emit = ctx.producer.character(scope, character.worldId, character.id);
    tx.emit(emit(Events.created(character.name, character.mapId, NIL_INSTANCE)));
    return character;
  });
}

/** Over the bus a refusal is announced (decisions B3) instead of vanishing with the reference's buffer. */
export async function createCharacterOrAnnounce(
  ctx: OperationContext,
  scope: Scope,
  input: NewCharacter,
): Promise<Character | undefined> {
  try {
    return await createCharacter(ctx, scope, input);
  } catch (error) {
    if (!(error instanceof CreationRefused)) throw error;
    ctx.logger.info({ name: input.name, reason: error.message }, 'character creation refused');
    await commit(ctx, scope.delivery, async (tx) => {
      tx.emit(ctx.producer.creationFailed(scope, input.worldId, input.name, error.message));
    });
    return undefined;
  }
}

/** Deletes a character with its saved locations and live position; session history is kept (B12). */
export async function deleteOne(ctx: OperationContext, scope: Scope, characterId: number): Promise<void> {
  const found = await deleteAndAnnounce(ctx, scope, characterId, 'strict');
  if (!found) throw new CharacterNotFound(characterId);
}

/**
 * DELETE_CHARACTER (K3), the saga orchestrator's compensation of a creation: idempotent. A character already
 * gone is answered with a synthetic DELETED in world 0, as HEAD does, so the saga's step completes whether
 * the first attempt, an earlier compensation or a REST delete removed it.
 */
export async function deleteIdempotently(
  ctx: OperationContext,
  scope: Scope,
  characterId: number,
): Promise<void> {
  await deleteAndAnnounce(ctx, scope, characterId, 'idempotent');
}

/** One transaction: the row, its saved locations and the DELETED event; false when there was no row. */
async function deleteAndAnnounce(
  ctx: OperationContext,
  scope: Scope,
  characterId: number,
  mode: 'strict' | 'idempotent',
): Promise<boolean> {
  const found = await commit(ctx, scope.delivery, async (tx) => {
    const deleted = await deleteCharacter(tx.client, scope.tenant.id, characterId);
    if (!deleted && mode === 'strict') return false;
    if (deleted) {
      await deleteLocationsOf(tx.client, scope.tenant.id, [characterId]);
      await deleteTeleportRocksOf(tx.client, scope.tenant.id, [characterId]);
    }
    tx.emit(ctx.producer.character(scope, deleted?.worldId ?? 0, characterId)(Events.deleted()));
    return deleted !== undefined;
  });
  ctx.positions.delete(scope.tenant.id, characterId);
  return found;
}

/** An account deleted elsewhere takes all its characters, in every world, in one transaction. */
export async function deleteAccount(
  ctx: OperationContext,
  scope: Scope,
  accountId: number,
): Promise<number[]> {
  const deleted = await commit(ctx, scope.delivery, async (tx) => {
    const rows = await deleteAccountCharacters(tx.client, scope.tenant.id, accountId);
    await deleteLocationsOf(
      tx.client,
      scope.tenant.id,
      rows.map((r) => r.id),
    );
    await deleteTeleportRocksOf(
      tx.client,
      scope.tenant.id,
      rows.map((r) => r.id),
    );
    for (const row of rows) tx.emit(ctx.producer.character(scope, row.worldId, row.id)(Events.deleted()));
    return rows.map((r) => r.id);
  });
  for (const id of deleted) ctx.positions.delete(scope.tenant.id, id);
  return deleted;
}
