import type { Queryable } from '../../platform/db/database.js';
import type { Character } from '../model.js';
import { findCharacters, listAccountsCharacters } from './characters.js';

interface Waiter<R> {
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

/** One tenant's look-ups gathered for the next statement: each key once, with everyone waiting for it. */
type Batch<R> = Map<number, Waiter<R>[]>;

/**
 * Coalesces concurrent reads by one numeric key into one statement per tenant (the REST hot paths: under
 * load, dozens of GETs arrive within one turn of the event loop, and one `= ANY($2)` costs PostgreSQL and the
 * pg client about what one single-row statement does).
 *
 * A look-up joins only a batch that has not been sent yet, and a batch is sent on the next turn of the event
 * loop (setImmediate, after the I/O callbacks that delivered the requests), so every answer is read by a
 * statement that started after its request arrived: nothing is cached, and a write committed before a
 * request came in is always seen, by this replica or by any other.
 */
class Coalescer<R> {
  private pending = new Map<string, Batch<R>>();
  private scheduled = false;

  /** `fetch` answers every key it was given that has a result; the others get `missing`. */
  constructor(
    private readonly fetch: (tenantId: string, keys: number[]) => Promise<Map<number, R>>,
    private readonly missing: () => R,
  ) {}

  load(tenantId: string, key: number): Promise<R> {
    return new Promise((resolve, reject) => {
      let batch = this.pending.get(tenantId);
      if (!batch) {
        batch = new Map();
        this.pending.set(tenantId, batch);
      }
      const waiters = batch.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else batch.set(key, [{ resolve, reject }]);
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

  private async send(tenantId: string, batch: Batch<R>): Promise<void> {
    let results: Map<number, R>;
    try {
      results = await this.fetch(tenantId, [...batch.keys()]);
    } catch (error) {
      for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
      return;
    }
    for (const [key, waiters] of batch) {
      const result = results.get(key);
      for (const waiter of waiters) waiter.resolve(result === undefined ? this.missing() : result);
    }
  }
}

/** GET /api/characters/{id}: undefined for an id with no row of the tenant. */
export class CharacterLoader extends Coalescer<Character | undefined> {
  constructor(db: Queryable) {
    super(
      async (tenantId, ids) =>
        new Map((await findCharacters(db, tenantId, ids)).map((c) => [c.id, c] as const)),
      () => undefined,
    );
  }
}

/** GET /api/characters?accountId= (the login server's list): each account's characters in id order. */
export class AccountCharactersLoader extends Coalescer<Character[]> {
  constructor(db: Queryable) {
    super(
      async (tenantId, accountIds) => {
        const byAccount = new Map<number, Character[]>();
        for (const c of await listAccountsCharacters(db, tenantId, accountIds)) {
          const list = byAccount.get(c.accountId);
          if (list) list.push(c);
          else byAccount.set(c.accountId, [c]);
        }
        return byAccount;
      },
      () => [],
    );
  }
}
