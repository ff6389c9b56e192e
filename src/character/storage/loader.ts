import type { Queryable } from '../../platform/db/database.js';
import type { Character } from '../model.js';
import { findCharacters } from './characters.js';

interface Waiter {
  readonly resolve: (c: Character | undefined) => void;
  readonly reject: (error: unknown) => void;
}

/** One tenant's look-ups gathered for the next statement: each id once, with everyone waiting for it. */
type Batch = Map<number, Waiter[]>;

/**
 * Coalesces concurrent reads of characters by id into one statement per tenant (the REST hot path: under
 * load, dozens of GETs arrive within one turn of the event loop, and one `id = ANY($2)` costs PostgreSQL and
 * the pg client about what one single-row statement does).
 *
 * A look-up joins only a batch that has not been sent yet, and a batch is sent on the next turn of the event
 * loop (setImmediate, after the I/O callbacks that delivered the requests), so every answer is read by a
 * statement that started after its request arrived: nothing is cached, and a write committed before a
 * request came in is always seen, by this replica or by any other.
 */
export class CharacterLoader {
  private pending = new Map<string, Batch>();
  private scheduled = false;

  constructor(private readonly db: Queryable) {}

  load(tenantId: string, id: number): Promise<Character | undefined> {
    return new Promise((resolve, reject) => {
      let batch = this.pending.get(tenantId);
      if (!batch) {
        batch = new Map();
        this.pending.set(tenantId, batch);
      }
      const waiters = batch.get(id);
      if (waiters) waiters.push({ resolve, reject });
      else batch.set(id, [{ resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  private readonly flush = (): void => {
    const batches = this.pending;
    this.pending = new Map();
    this.scheduled = false;
    for (const [tenantId, batch] of batches) void this.send(tenantId, batch);
  };

  private async send(tenantId: string, batch: Batch): Promise<void> {
    let rows: Character[];
    try {
      rows = await findCharacters(this.db, tenantId, [...batch.keys()]);
    } catch (error) {
      for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
      return;
    }
    for (const row of rows) {
      for (const waiter of batch.get(row.id) ?? []) waiter.resolve(row);
      batch.delete(row.id);
    }
    // Ids with no row: not found (or not this tenant's).
    for (const waiters of batch.values()) for (const waiter of waiters) waiter.resolve(undefined);
  }
}
