import { deleteLocationsOf } from '../locations/repository.js';
import { type Character, CharacterNotFound, CreationRefused, type NewCharacter } from '../model.js';
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
    tx.emit(ctx.producer.character(scope, character.worldId, character.id)(Events.created(character.name)));
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
  await commit(ctx, scope.delivery, async (tx) => {
    const deleted = await deleteCharacter(tx.client, scope.tenant.id, characterId);
    if (!deleted) throw new CharacterNotFound(characterId);
    await deleteLocationsOf(tx.client, scope.tenant.id, [characterId]);
    await deleteTeleportRocksOf(tx.client, scope.tenant.id, [characterId]);
    tx.emit(ctx.producer.character(scope, deleted.worldId, characterId)(Events.deleted()));
  });
  ctx.positions.delete(scope.tenant.id, characterId);
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
