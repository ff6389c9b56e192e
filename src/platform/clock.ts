/**
 * Time is injected everywhere: the system clock in production, a ManualClock in tests so that a whole
 * day of boats runs in milliseconds. Timers are one-shot; a repeating job re-arms itself.
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `fn` once at or after `at` (epoch ms). A time in the past fires as soon as possible. */
  at(at: number, fn: () => void): TimerHandle;
  /** Runs `fn` once after `ms` milliseconds. */
  after(ms: number, fn: () => void): TimerHandle;
  /** Number of timers that are due (at <= now) and not yet fired: used by `idle()`. */
  dueCount(): number;
}

// setTimeout cannot wait longer than 2^31-1 ms; longer waits are chained.
/**
 * The wait before try `attempt` + 1 after `attempt` failed tries in a row: `firstMs`, doubling, at most `maxMs`.
 */
export function backoffMs(attempt: number, firstMs: number, maxMs: number): number {
  return Math.min(maxMs, firstMs * 2 ** (attempt - 1));
}

const MAX_TIMEOUT = 2_147_483_647;

/**
 * A timer and its own handle (no closure per timer: 12,000 routes re-arm at midnight). Cancelling the last
 * live timer of a bucket clears the bucket's setTimeout.
 */
class SystemTimer implements TimerHandle {
  done = false;

  constructor(
    readonly fn: () => void,
    private readonly bucket: Bucket,
    private readonly buckets: Map<number, Bucket>,
  ) {}

  cancel(): void {
    if (this.done) return;
    this.done = true;
    const bucket = this.bucket;
    if (--bucket.live === 0 && this.buckets.get(bucket.at) === bucket) {
      clearTimeout(bucket.handle);
      this.buckets.delete(bucket.at);
    }
  }
}

interface Bucket {
  readonly at: number;
  readonly timers: SystemTimer[];
  live: number;
  handle: NodeJS.Timeout | undefined;
}

/**
 * Wall-clock timers. Timers due at the same instant share one setTimeout and run back to back in one turn
 * of the event loop, before any promise continuation: when 12,000 routes change state at midnight, every
 * state change happens at the instant, and the messages they cause follow.
 */
export class SystemClock implements Clock {
  private readonly buckets = new Map<number, Bucket>();

  /**
   * `onError` receives what a timer callback throws; the application logs it, so that one failing timer
   * neither stops the others due at the same instant nor crashes the process. Without it the first error is
   * rethrown after the others ran.
   */
  constructor(private readonly onError?: (error: unknown) => void) {}

  now(): number {
    return Date.now();
  }

  at(at: number, fn: () => void): TimerHandle {
    let bucket = this.buckets.get(at);
    if (!bucket) {
      bucket = { at, timers: [], live: 0, handle: undefined };
      this.buckets.set(at, bucket);
      this.arm(bucket);
    }
    const timer = new SystemTimer(fn, bucket, this.buckets);
    bucket.timers.push(timer);
    bucket.live++;
    return timer;
  }

  after(ms: number, fn: () => void): TimerHandle {
    return this.at(Date.now() + ms, fn);
  }

  dueCount(): number {
    const now = Date.now();
    let due = 0;
    for (const bucket of this.buckets.values()) if (bucket.at <= now) due += bucket.live;
    return due;
  }

  private arm(bucket: Bucket): void {
    const wait = Math.min(Math.max(0, bucket.at - Date.now()), MAX_TIMEOUT);
    bucket.handle = setTimeout(() => this.fire(bucket), wait);
  }

  private fire(bucket: Bucket): void {
    // setTimeout may wake a millisecond early, and waits longer than MAX_TIMEOUT are chained.
    if (Date.now() < bucket.at) {
      this.arm(bucket);
      return;
    }
    this.buckets.delete(bucket.at);
    let failure: { error: unknown } | undefined;
    for (const timer of bucket.timers) {
      if (timer.done) continue;
      timer.done = true;
      try {
        timer.fn();
      } catch (error) {
        // One failing callback must not cancel the others due at the same instant.
        if (this.onError) this.onError(error);
        else failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }
}

/** A manual timer is its own handle, as a system one is. */
class ManualTimer implements TimerHandle {
  cancelled = false;

  constructor(
    readonly at: number,
    readonly seq: number,
    readonly fn: () => void,
  ) {}

  cancel(): void {
    this.cancelled = true;
  }
}

function earlier(a: ManualTimer, b: ManualTimer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** A binary min-heap on (due time, creation order): a simulated day fires hundreds of thousands of timers. */
class TimerHeap {
  private readonly items: ManualTimer[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): ManualTimer | undefined {
    return this.items[0];
  }

  push(timer: ManualTimer): void {
    const items = this.items;
    items.push(timer);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): ManualTimer | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && earlier(items[l]!, items[m]!)) m = l;
        if (r < items.length && earlier(items[r]!, items[m]!)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m]!, items[i]!];
        i = m;
      }
    }
    return top;
  }

  *[Symbol.iterator](): IterableIterator<ManualTimer> {
    yield* this.items;
  }
}

/**
 * A clock that only moves when told. `set` and `advance` fire every timer that falls due on the way, in
 * order of due time (ties in creation order), with the clock reading each timer's own due time while it
 * runs, so code observes exactly the instants it scheduled. Timers created by a firing timer are honoured
 * in the same move if they fall due before its end.
 */
export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private readonly timers = new TimerHeap();

  constructor(start: Date | number = Date.UTC(2026, 0, 1)) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  at(at: number, fn: () => void): TimerHandle {
    const timer = new ManualTimer(at, this.seq++, fn);
    this.timers.push(timer);
    return timer;
  }

  after(ms: number, fn: () => void): TimerHandle {
    return this.at(this.current + ms, fn);
  }

  dueCount(): number {
    let due = 0;
    for (const t of this.timers) if (!t.cancelled && t.at <= this.current) due++;
    return due;
  }

  /** Earliest pending timer's due time, if any. */
  nextDue(): number | undefined {
    this.dropCancelled();
    return this.timers.peek()?.at;
  }

  advance(ms: number): void {
    this.set(this.current + ms);
  }

  set(target: Date | number): void {
    const to = typeof target === 'number' ? target : target.getTime();
    if (to < this.current) throw new Error('ManualClock cannot go backwards');
    for (;;) {
      this.dropCancelled();
      const next = this.timers.peek();
      if (!next || next.at > to) break;
      this.timers.pop();
      this.current = Math.max(this.current, next.at);
      next.fn();
    }
    this.current = to;
  }

  /** Fires timers that are already due at the current instant (for example just created with a past time). */
  runDue(): void {
    this.set(this.current);
  }

  private dropCancelled(): void {
    while (this.timers.peek()?.cancelled) this.timers.pop();
  }
}
