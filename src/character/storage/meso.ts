import type { OutgoingMessage } from '../../platform/bus/messages.js';
import type { Queryable } from '../../platform/db/database.js';
import { outboxArrays } from '../../platform/db/outbox.js';

/**
 * Adds a signed amount to meso and writes the events of the change, in ONE statement, which is its own
 * transaction: one round trip and one commit, instead of four round trips. It applies only when the result
 * stays within uint32 and the character is in the expected world (the events carry it); false when it did
 * not apply, and nothing was written then.
 */
export async function adjustMesoWithEvents(
  q: Queryable,
  tenantId: string,
  id: number,
  worldId: number,
  amount: number,
  messages: readonly OutgoingMessage[],
): Promise<boolean> {
  const result = await q.query({
    name: 'character-adjust-meso-with-events',
    text: `WITH changed AS (
             UPDATE characters SET meso = meso + $3
             WHERE tenant_id = $1 AND id = $2 AND world = $4 AND meso + $3 BETWEEN 0 AND 4294967295
             RETURNING 1)
           INSERT INTO outbox (topic, key, value, headers)
           SELECT m.topic, m.key, m.value, m.headers
           FROM changed,
             unnest($5::text[], $6::bytea[], $7::bytea[], $8::jsonb[]) WITH ORDINALITY AS m(topic, key, value, headers, n)
           ORDER BY m.n`,
    values: [tenantId, id, amount, worldId, ...outboxArrays(messages)],
  });
  return (result.rowCount ?? 0) > 0;
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
