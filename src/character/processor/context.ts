import type pg from 'pg';
import type { OutgoingMessage } from '../../platform/bus/messages.js';
import type { Clock } from '../../platform/clock.js';
import type { Database } from '../../platform/db/database.js';
import { type Delivery, recordDelivery } from '../../platform/db/inbox.js';
import type { Logger } from '../../platform/logging.js';
import type { OutboxWriter, Random } from '../../platform/service.js';
import type { EffectiveStatsLookup } from '../lookups/effective-stats.js';
import type { LocationLookup } from '../lookups/location.js';
import type { PortalLookup } from '../lookups/portal.js';
import type { SkillLookup } from '../lookups/skills.js';
import { type Character, CharacterNotFound } from '../model.js';
import type { Positions } from '../position.js';
import type { Producer } from '../producer.js';
import { lockCharacter } from '../storage/characters.js';
import type { WorldCache } from '../storage/meso.js';
import type { PendingLevels } from './pending-levels.js';

/** What every character operation works with; built once by the service, never by an operation. */
export interface OperationContext {
  readonly db: Database;
  readonly outbox: OutboxWriter;
  readonly producer: Producer;
  readonly clock: Clock;
  readonly random: Random;
  readonly positions: Positions;
  readonly pendingLevels: PendingLevels;
  readonly worlds: WorldCache;
  readonly portals: PortalLookup;
  readonly skills: SkillLookup;
  readonly stats: EffectiveStatsLookup;
  /** Who owns location (decisions §F3) and where the owner says a character is. */
  readonly locations: LocationLookup;
  readonly logger: Logger;
}

/** One operation's transaction: its connection and the buffer of messages it decided to send. */
export interface Transaction {
  readonly client: pg.PoolClient;
  emit(...messages: OutgoingMessage[]): void;
}

/**
 * Decide, then emit only on success: runs `work` in one database transaction, writes the messages it emitted
 * to the outbox in that same transaction, and wakes the relay after COMMIT. A throw rolls back the writes and
 * the messages together, so nothing is half done and nothing leaves for an operation that did not happen.
 * `delivery` is the consumed message that caused the operation (undefined for a request or a timer): it is
 * recorded first, so a message consumed twice fails here (AlreadyConsumed) before doing anything.
 */
export async function commit<T>(
  ctx: OperationContext,
  delivery: Delivery | undefined,
  work: (tx: Transaction) => Promise<T>,
): Promise<T> {
  const buffer: OutgoingMessage[] = [];
  const result = await ctx.db.transaction(async (client) => {
    await recordDelivery(client, delivery);
    const value = await work({ client, emit: (...messages) => buffer.push(...messages) });
    await ctx.outbox.write(client, buffer);
    return value;
  });
  if (delivery) delivery.claimed = true;
  if (buffer.length > 0) ctx.outbox.committed();
  return result;
}

/** The character row, locked for the rest of the transaction; a missing character ends the operation. */
export async function lockExisting(
  tx: Transaction,
  tenantId: string,
  characterId: number,
): Promise<Character> {
  const character = await lockCharacter(tx.client, tenantId, characterId);
  if (!character) throw new CharacterNotFound(characterId);
  return character;
}
