import type { OutgoingMessage } from '../../platform/bus/messages.js';
import type { Queryable } from '../../platform/db/database.js';
import { AlreadyConsumed, type Delivery, isInboxConflict } from '../../platform/db/inbox.js';
import { outboxArrays } from '../../platform/db/outbox.js';

/**
 * Adds a signed amount to meso and writes the events of the change, in ONE statement, which is its own
 * transaction: one round trip and one commit, instead of four round trips. It applies only when the result
 * stays within uint32 and the character is in the expected world (the events carry it); false when it did
 * not apply, and nothing was written then. The consumed message behind it, if any, is recorded in the inbox by
 * the same statement, only when the change applies: a repeat fails on the inbox key and changes nothing.
 */
export async function adjustMesoWithEvents(
  q: Queryable,
  tenantId: string,
  id: number,
  worldId: number,
  amount: number,
  messages: readonly OutgoingMessage[],
  delivery: Delivery | undefined,
): Promise<boolean> {
  const inbox = delivery?.claimed === false ? delivery.row() : [null, null, null, null];
  let result: { rowCount: number | null };
  try {
    result = await q.query({
      name: 'character-adjust-meso-with-events',
      text: `WITH changed AS (
             UPDATE characters SET meso = meso + $3
             WHERE tenant_id = $1 AND id = $2 AND world = $4 AND meso + $3 BETWEEN 0 AND 4294967295
             RETURNING 1),
           recorded AS (
             INSERT INTO inbox (consumer_group, topic, partition, "offset")
             SELECT $9::text, $10::text, $11::int, $12::bigint FROM changed WHERE $9::text IS NOT NULL)
           INSERT INTO outbox (topic, key, value, headers)
           SELECT m.topic, m.key, m.value, m.headers
           FROM changed,
             unnest($5::text[], $6::bytea[], $7::bytea[], $8::jsonb[]) WITH ORDINALITY AS m(topic, key, value, headers, n)
           ORDER BY m.n`,
      values: [tenantId, id, amount, worldId, ...outboxArrays(messages), ...inbox],
    });
  } catch (error) {
    if (delivery && isInboxConflict(error)) throw new AlreadyConsumed(delivery);
    throw error;
  }
  const applied = (result.rowCount ?? 0) > 0;
  if (applied && delivery) delivery.claimed = true;
  return applied;
}

/** The world of each character, which never changes after creation; bounded, as a cache must be. */
export class WorldCache {
  private readonly worlds = new Map<string, number>();

  constructor(private readonly limit = 100_000) {}

  async of(q: Queryable, tenantId: string, id: number): Promise<number | undefined> {
    const key = `${tenantId}:${id}`;
    const known = this.worlds.get(key);
    if (known !== undefined) return known;
    const { rows } = await q.query<{ world: number }>({
      name: 'character-world',
      text: 'SELECT world FROM characters WHERE tenant_id = $1 AND id = $2',
      values: [tenantId, id],
    });
    const world = rows[0]?.world;
    if (world === undefined) return undefined;
    if (this.worlds.size >= this.limit) this.worlds.clear();
    this.worlds.set(key, world);
    return world;
  }
}
