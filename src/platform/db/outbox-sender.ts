import type { OutgoingMessage } from '../bus/messages.js';
import type { Database, Queryable } from './database.js';
import { AlreadyConsumed, type Delivery } from './inbox.js';
import { writeOutbox } from './outbox.js';

interface Pending {
  readonly messages: readonly OutgoingMessage[];
  readonly delivery: Delivery | undefined;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Sends messages the durable way for services whose state is not in rows of their own (transports, presence):
 * each send is written to the outbox, and the relay publishes it once committed, so a broker outage delays
 * messages and never loses them (decisions E2).
 *
 * Sends made in one turn of the event loop share one transaction (a group commit): at midnight thousands of
 * route transitions are due at one instant, and one INSERT for all of them keeps every state change on time.
 * Their order is kept. A send caused by a consumed message records it in the inbox in the same transaction;
 * when it was consumed already, its messages are dropped and the send fails with AlreadyConsumed.
 */
export class OutboxSender {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly db: Database,
    private readonly committed: () => void,
  ) {}

  send(messages: readonly OutgoingMessage[], delivery?: Delivery): Promise<void> {
    if (messages.length === 0 && (delivery === undefined || delivery.claimed)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ messages, delivery, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    let refused = new Set<Delivery>();
    try {
      await this.db.transaction(async (client) => {
        refused = await recordAll(client, batch);
        const messages: OutgoingMessage[] = [];
        for (const pending of batch) {
          if (pending.delivery && refused.has(pending.delivery)) continue;
          messages.push(...pending.messages);
        }
        await writeOutbox(client, messages);
      });
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    this.committed();
    for (const pending of batch) {
      if (pending.delivery && refused.has(pending.delivery)) {
        pending.reject(new AlreadyConsumed(pending.delivery));
        continue;
      }
      if (pending.delivery) pending.delivery.claimed = true;
      pending.resolve();
    }
  }
}

const keyOf = (row: readonly unknown[]) => row.join('\u0000');

/**
 * Records the batch's deliveries in one statement and returns those recorded already (by an earlier batch,
 * another replica, or twice in this one). DO NOTHING, not an error: one repeat must not roll back the other
 * sends of the batch. One handling may send twice in one turn (a logout's cancel and its warp): recorded once.
 */
async function recordAll(client: Queryable, batch: readonly Pending[]): Promise<Set<Delivery>> {
  const refused = new Set<Delivery>();
  const byKey = new Map<string, Delivery>();
  for (const { delivery } of batch) {
    if (!delivery || delivery.claimed) continue;
    const key = keyOf(delivery.row());
    const first = byKey.get(key);
    if (first === undefined) byKey.set(key, delivery);
    else if (first !== delivery) refused.add(delivery);
  }
  if (byKey.size === 0) return refused;
  const columns: [string[], string[], number[], number[]] = [[], [], [], []];
  for (const delivery of byKey.values()) {
    const row = delivery.row();
    for (let i = 0; i < 4; i++) (columns[i] as unknown[]).push(row[i]);
  }
  // At midnight thousands of route steps are recorded at once: one round trip for all of them.
  const { rows } = await client.query<{ g: string; topic: string; partition: number; o: string }>({
    name: 'inbox-record-batch',
    text: `INSERT INTO inbox (consumer_group, topic, partition, "offset")
           SELECT * FROM unnest($1::text[], $2::text[], $3::integer[], $4::bigint[])
           ON CONFLICT DO NOTHING
           RETURNING consumer_group AS g, topic, partition, "offset" AS o`,
    values: columns,
  });
  const recorded = new Set(rows.map((r) => keyOf([r.g, r.topic, r.partition, r.o])));
  for (const [key, delivery] of byKey) if (!recorded.has(key)) refused.add(delivery);
  return refused;
}
