import type { Tenant } from '../../platform/tenant.js';
import type { Character } from '../model.js';
import type { Transaction } from '../processor/context.js';
import { Events } from '../producer.js';
import { claimName, updateCharacter } from '../storage/characters.js';
import { nameFormatReason } from './eligibility.js';
import type { PendingChange } from './model.js';
import { type PendingChangeContext, resolveIn } from './processor.js';
import { worldTransfer } from './saga.js';
import { pendingOf, takeUnnotified } from './storage.js';

/**
 * What the session tracker calls inside its LOGIN and LOGOUT transactions (HEAD consumes its own LOGIN and
 * LOGOUT for this, K9): here the effects commit with the event itself, so they happen exactly once per logout.
 */
export interface SessionHooks {
  loggedIn(tx: Transaction, tenant: Tenant, character: Character): Promise<void>;
  loggingOut(tx: Transaction, tenant: Tenant, character: Character): Promise<void>;
}

/**
 * A rename lands at logout (HEAD's applyNameChange): the name must still be free (its own reservation does not
 * count); NAME_CHANGED goes out with the record's transaction id, then the record is APPLIED (coupons consumed)
 * or, when the name was lost, REJECTED (coupon refunded).
 */
async function applyNameChange(
  pcc: PendingChangeContext,
  tx: Transaction,
  tenant: Tenant,
  c: Character,
  change: PendingChange,
) {
  const name = change.requestedName;
  const refused =
    nameFormatReason(name) ??
    ((await claimName(tx.client, tenant.id, name, c.id)) ? undefined : 'name_taken');
  if (refused) {
    await resolveIn(pcc, tx, { tenant }, change.id, 'REJECTED', refused);
    return;
  }
  await updateCharacter(tx.client, tenant.id, c.id, { name });
  const emit = pcc.ctx.producer.character({ tenant, transactionId: change.transactionId }, c.worldId, c.id);
  tx.emit(emit(Events.nameChanged(c.name, name)));
  await resolveIn(pcc, tx, { tenant }, change.id, 'APPLIED', '');
}

/**
 * A transfer starts at logout: HEAD dispatches its world-transfer saga, which moves the character
 * (POST world-change) and then resolves the record. The snapshot needs other services; when one fails the
 * record stays PENDING (the next logout tries again, or it expires and the coupon comes back).
 */
async function startWorldTransfer(
  pcc: PendingChangeContext,
  tx: Transaction,
  tenant: Tenant,
  change: PendingChange,
) {
  let snapshot: Awaited<ReturnType<typeof pcc.gates.snapshot>>;
  try {
    snapshot = await pcc.gates.snapshot(tenant, change.characterId);
  } catch (error) {
    pcc.ctx.logger.warn(
      { err: error, pendingChangeId: change.id },
      'world transfer not started; stays pending',
    );
    return;
  }
  tx.emit(pcc.producer.saga(tenant, undefined, worldTransfer(change, snapshot, pcc.ctx.clock.now())));
}

export function pendingChangeHooks(pcc: PendingChangeContext): SessionHooks {
  return {
    async loggingOut(tx, tenant, character) {
      for (const change of await pendingOf(tx.client, tenant.id, character.id)) {
        if (change.type === 'NAME_CHANGE') await applyNameChange(pcc, tx, tenant, character, change);
        else if (change.type === 'WORLD_TRANSFER') await startWorldTransfer(pcc, tx, tenant, change);
      }
    },
    /** Every resolution is told once more at the next login, on the world the character is in now. */
    async loggedIn(tx, tenant, character) {
      for (const change of await takeUnnotified(tx.client, tenant.id, character.id, pcc.ctx.clock.now())) {
        tx.emit(pcc.producer.resolved(tenant, undefined, change, character.worldId));
      }
    },
  };
}
