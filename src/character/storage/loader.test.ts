import { describe, expect, it } from 'vitest';
import type { Queryable } from '../../platform/db/database.js';
import type { Character } from '../model.js';
import { AccountCharactersLoader, CharacterLoader } from './loader.js';

const A = '11111111-1111-1111-1111-111111111111';
const B = '22222222-2222-2222-2222-222222222222';

interface Sent {
  readonly tenantId: string;
  readonly ids: number[];
  readonly answer: (rows: Array<Partial<Character>>) => void;
  readonly fail: (error: Error) => void;
}

/** A database that records each statement and answers it when the test says so. */
function fakeDatabase(): { db: Queryable; sent: Sent[]; next: () => Promise<Sent> } {
  const sent: Sent[] = [];
  let taken = 0;
  let wake: (() => void) | undefined;
  const db = {
    query: (config: { values: [string, number[]] }) =>
      new Promise((resolve, reject) => {
        const [tenantId, ids] = config.values;
        sent.push({ tenantId, ids: [...ids], answer: (rows) => resolve({ rows }), fail: reject });
        wake?.();
      }),
  } as unknown as Queryable;
  /** The next statement sent, once it is. */
  const next = async (): Promise<Sent> => {
    while (taken >= sent.length) await new Promise<void>((resolve) => (wake = resolve));
    return sent[taken++]!;
  };
  return { db, sent, next };
}

describe('CharacterLoader', () => {
  it('answers concurrent look-ups of one tenant, the same id twice included, with one statement', async () => {
    const { db, sent, next } = fakeDatabase();
    const loader = new CharacterLoader(db);
    const loads = [loader.load(A, 1), loader.load(A, 2), loader.load(A, 1), loader.load(A, 3)];
    (await next()).answer([
      { id: 2, name: 'Two' },
      { id: 1, name: 'One' },
    ]);
    const [one, two, oneAgain, three] = await Promise.all(loads);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.ids).toEqual([1, 2, 3]);
    expect(one?.name).toBe('One');
    expect(oneAgain?.name).toBe('One');
    expect(two?.name).toBe('Two');
    expect(three).toBeUndefined();
  });

  it('sends one statement per tenant, each scoped to its tenant', async () => {
    const { db, next } = fakeDatabase();
    const loader = new CharacterLoader(db);
    const ofA = loader.load(A, 7);
    const ofB = loader.load(B, 7);
    const first = await next();
    const second = await next();
    expect([first.tenantId, second.tenantId].sort()).toEqual([A, B]);
    first.answer([{ id: 7, name: first.tenantId === A ? 'OfA' : 'OfB' }]);
    second.answer([]);
    expect((await ofA)?.name ?? 'none').toBe(first.tenantId === A ? 'OfA' : 'none');
    expect((await ofB)?.name ?? 'none').toBe(first.tenantId === B ? 'OfB' : 'none');
  });

  it('never lets a look-up join a statement already sent: it waits for a statement of its own', async () => {
    const { db, sent, next } = fakeDatabase();
    const loader = new CharacterLoader(db);
    const early = loader.load(A, 1);
    const inFlight = await next();
    // The row changes (a write commits) after the first statement read it; a later request must see it.
    const late = loader.load(A, 1);
    const own = await next();
    inFlight.answer([{ id: 1, meso: 10 }]);
    own.answer([{ id: 1, meso: 20 }]);
    expect(sent).toHaveLength(2);
    expect((await early)?.meso).toBe(10);
    expect((await late)?.meso).toBe(20);
  });

  it('fails every look-up of a failed statement, and the next batch still runs', async () => {
    const { db, next } = fakeDatabase();
    const loader = new CharacterLoader(db);
    const loads = [loader.load(A, 1), loader.load(A, 2)];
    (await next()).fail(new Error('connection terminated'));
    for (const load of loads) await expect(load).rejects.toThrow('connection terminated');
    const after = loader.load(A, 1);
    (await next()).answer([{ id: 1, name: 'One' }]);
    expect((await after)?.name).toBe('One');
  });

  it('lists several accounts with one statement, each its own characters in id order, none for an unknown one', async () => {
    const { db, sent, next } = fakeDatabase();
    const loader = new AccountCharactersLoader(db);
    const loads = [loader.load(A, 10), loader.load(A, 20), loader.load(A, 30)];
    // The statement answers in id order across accounts.
    (await next()).answer([
      { id: 1, accountId: 20 },
      { id: 2, accountId: 10 },
      { id: 3, accountId: 20 },
    ]);
    const [ten, twenty, thirty] = await Promise.all(loads);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.ids).toEqual([10, 20, 30]);
    expect(ten!.map((c) => c.id)).toEqual([2]);
    expect(twenty!.map((c) => c.id)).toEqual([1, 3]);
    expect(thirty).toEqual([]);
  });
});
