import { describe, expect, it } from 'vitest';
import { backoffMs, ManualClock, SystemClock } from './clock.js';

const T0 = Date.UTC(2026, 0, 1);

describe('ManualClock', () => {
  it('starts at 2026-01-01 UTC, or where it is told', () => {
    expect(new ManualClock().now()).toBe(T0);
    expect(new ManualClock(new Date('2026-02-18T12:00:00Z')).now()).toBe(Date.UTC(2026, 1, 18, 12));
    expect(new ManualClock(5).now()).toBe(5);
  });

  it('only moves when told', () => {
    const clock = new ManualClock(T0);
    const fired: number[] = [];
    clock.after(0, () => fired.push(clock.now()));
    expect(clock.now()).toBe(T0);
    expect(fired).toEqual([]);
  });

  it('advance fires due timers in due order, reading each timer’s own due time', () => {
    const clock = new ManualClock(T0);
    const fired: Array<[string, number]> = [];
    clock.after(300, () => fired.push(['c', clock.now()]));
    clock.after(100, () => fired.push(['a', clock.now()]));
    clock.after(200, () => fired.push(['b', clock.now()]));
    clock.after(1_000, () => fired.push(['late', clock.now()]));

    clock.advance(500);

    expect(fired).toEqual([
      ['a', T0 + 100],
      ['b', T0 + 200],
      ['c', T0 + 300],
    ]);
    expect(clock.now()).toBe(T0 + 500);
  });

  it('fires timers due at the same instant in creation order', () => {
    const clock = new ManualClock(T0);
    const fired: string[] = [];
    for (const name of ['first', 'second', 'third', 'fourth', 'fifth'])
      clock.at(T0 + 50, () => fired.push(name));
    clock.set(T0 + 50);
    expect(fired).toEqual(['first', 'second', 'third', 'fourth', 'fifth']);
  });

  it('set(date) fires timers up to and including the target', () => {
    const clock = new ManualClock(T0);
    const fired: number[] = [];
    clock.at(T0 + 1_000, () => fired.push(1));
    clock.at(T0 + 1_001, () => fired.push(2));
    clock.set(new Date(T0 + 1_000));
    expect(fired).toEqual([1]);
    expect(clock.now()).toBe(T0 + 1_000);
  });

  it('fires timers scheduled by a firing timer inside the window in the same move', () => {
    const clock = new ManualClock(T0);
    const fired: Array<[string, number]> = [];
    // A repeating job: each run re-arms itself 100 ms later.
    const tick = () => {
      fired.push(['tick', clock.now()]);
      clock.after(100, tick);
    };
    clock.after(100, tick);
    clock.after(250, () => fired.push(['other', clock.now()]));

    clock.advance(350);

    expect(fired).toEqual([
      ['tick', T0 + 100],
      ['tick', T0 + 200],
      ['other', T0 + 250],
      ['tick', T0 + 300],
    ]);
    expect(clock.nextDue()).toBe(T0 + 400);
  });

  it('fires a timer a firing timer schedules in the past at once, without going back', () => {
    const clock = new ManualClock(T0);
    const fired: Array<[string, number]> = [];
    clock.after(100, () => {
      clock.at(T0, () => fired.push(['past', clock.now()]));
    });
    clock.after(200, () => fired.push(['later', clock.now()]));
    clock.advance(300);
    expect(fired).toEqual([
      ['past', T0 + 100],
      ['later', T0 + 200],
    ]);
  });

  it('cancel stops a timer from firing', () => {
    const clock = new ManualClock(T0);
    const fired: string[] = [];
    const handle = clock.after(100, () => fired.push('cancelled'));
    clock.after(100, () => fired.push('kept'));
    handle.cancel();
    clock.advance(1_000);
    expect(fired).toEqual(['kept']);
  });

  it('a timer can cancel a later one during the same move', () => {
    const clock = new ManualClock(T0);
    const fired: string[] = [];
    const later = clock.after(200, () => fired.push('later'));
    clock.after(100, () => later.cancel());
    clock.advance(1_000);
    expect(fired).toEqual([]);
  });

  it('dueCount counts timers due and not yet fired; nextDue skips cancelled ones', () => {
    const clock = new ManualClock(T0);
    expect(clock.nextDue()).toBeUndefined();
    expect(clock.dueCount()).toBe(0);

    const past = clock.at(T0 - 10, () => undefined);
    clock.at(T0, () => undefined);
    const early = clock.after(50, () => undefined);
    clock.after(80, () => undefined);
    expect(clock.dueCount()).toBe(2);
    expect(clock.nextDue()).toBe(T0 - 10);

    past.cancel();
    expect(clock.dueCount()).toBe(1);
    expect(clock.nextDue()).toBe(T0);

    clock.runDue();
    expect(clock.dueCount()).toBe(0);
    expect(clock.nextDue()).toBe(T0 + 50);

    early.cancel();
    expect(clock.nextDue()).toBe(T0 + 80);
  });

  it('runDue fires what is due now without moving the clock', () => {
    const clock = new ManualClock(T0);
    const fired: number[] = [];
    clock.at(T0 - 5, () => fired.push(clock.now()));
    clock.after(1, () => fired.push(-1));
    clock.runDue();
    expect(fired).toEqual([T0]);
    expect(clock.now()).toBe(T0);
  });

  it('cannot go backwards', () => {
    const clock = new ManualClock(T0);
    expect(() => clock.set(T0 - 1)).toThrow(/backwards/);
    expect(() => clock.advance(-1)).toThrow(/backwards/);
    expect(clock.now()).toBe(T0);
  });

  it('keeps order across many timers (heap)', () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    // A deterministic shuffle of due times 0..999, two timers per instant.
    for (let i = 0; i < 2_000; i++) {
      const at = (i * 7919) % 1_000;
      const seq = i;
      clock.at(at, () => fired.push(at * 10_000 + seq));
    }
    clock.set(1_000);
    expect(fired).toHaveLength(2_000);
    expect(fired).toEqual([...fired].sort((a, b) => a - b));
  });
});

describe('SystemClock', () => {
  it('reads the system time', () => {
    const clock = new SystemClock();
    const before = Date.now();
    const now = clock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('fires a timer no earlier than its due time', async () => {
    const clock = new SystemClock();
    const due = Date.now() + 20;
    const firedAt = await new Promise<number>((resolve) => clock.at(due, () => resolve(Date.now())));
    expect(firedAt).toBeGreaterThanOrEqual(due);
    expect(clock.dueCount()).toBe(0);
  });

  it('fires a timer set in the past as soon as possible', async () => {
    const clock = new SystemClock();
    await new Promise<void>((resolve) => clock.at(Date.now() - 1_000, resolve));
  });

  it('cancel prevents firing', async () => {
    const clock = new SystemClock();
    const fired: string[] = [];
    const handle = clock.after(5, () => fired.push('cancelled'));
    handle.cancel();
    // A later timer firing proves the earlier one's moment has passed.
    await new Promise<void>((resolve) => clock.after(30, resolve));
    expect(fired).toEqual([]);
    expect(clock.dueCount()).toBe(0);
  });

  it('counts a timer whose time has come but has not fired yet as due', () => {
    const clock = new SystemClock();
    const handle = clock.at(Date.now() - 1, () => undefined);
    const future = clock.after(60_000, () => undefined);
    expect(clock.dueCount()).toBe(1);
    handle.cancel();
    future.cancel();
    expect(clock.dueCount()).toBe(0);
  });

  it('runs every timer due at one instant in one turn, before promise continuations', async () => {
    const clock = new SystemClock();
    const at = Date.now() + 5;
    const order: string[] = [];
    const done = new Promise<void>((resolve) => {
      clock.at(at, () => {
        order.push('first');
        void Promise.resolve().then(() => order.push('continuation of first'));
      });
      const cancelled = clock.at(at, () => order.push('cancelled'));
      cancelled.cancel();
      clock.at(at, () => order.push('second'));
      clock.at(at, () => resolve());
    });
    await done;
    await Promise.resolve();
    expect(order).toEqual(['first', 'second', 'continuation of first']);
  });

  it('reports a failing callback to onError and still runs the others due at that instant', async () => {
    const errors: unknown[] = [];
    const clock = new SystemClock((error) => errors.push(error));
    const at = Date.now() + 5;
    await new Promise<void>((resolve) => {
      clock.at(at, () => {
        throw new Error('boom');
      });
      clock.at(at, resolve);
    });
    expect(errors).toEqual([new Error('boom')]);
  });
});

describe('backoffMs', () => {
  it('waits the first delay after one failure, doubles after each further one, and stops at the ceiling', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => backoffMs(attempt, 1_000, 30_000))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000,
    ]);
  });
});
