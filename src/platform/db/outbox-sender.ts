import type { OutgoingMessage } from '../bus/messages.js';
import type { Database } from './database.js';
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
    if (messages.length === 0 && delivery === undefined) return Promise.resolve();
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
    const repeated = new Set<Pending>();
    try {
      await this.db.transaction(async (client) => {
        const messages: OutgoingMessage[] = [];
        // One handling may send twice in one turn (a logout's cancel and its warp): recorded once.
        const recorded = new Set<Delivery>();
        for (const pending of batch) {
          const { delivery } = pending;
          if (delivery && !delivery.claimed && !recorded.has(delivery)) {
            recorded.add(delivery);
            // DO NOTHING, not an error: one repeat must not roll back the other sends of the batch.
            const { rowCount } = await client.query({
              name: 'inbox-record-if-new',
              text: `INSERT INTO inbox (consumer_group, topic, partition, "offset") VALUES ($1, $2, $3, $4)
                     ON CONFLICT DO NOTHING`,
              values: delivery.row(),
            });
            if (rowCount === 0) {
              repeated.add(pending);
              continue;
            }
          }
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
      if (repeated.has(pending)) {
        pending.reject(new AlreadyConsumed(pending.delivery!));
        continue;
      }
      if (pending.delivery) pending.delivery.claimed = true;
      pending.resolve();
    }
  }
}
