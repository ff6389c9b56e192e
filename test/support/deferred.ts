/** A promise with its resolve and reject at hand: lets a test hold a handler open and release it at will. */
export interface Deferred<T = void> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
  readonly settled: boolean;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  let settled = false;
  const promise = new Promise<T>((res, rej) => {
    resolve = (value) => {
      settled = true;
      res(value);
    };
    reject = (error) => {
      settled = true;
      rej(error);
    };
  });
  return {
    promise,
    resolve: (value) => resolve(value),
    reject: (error) => reject(error),
    get settled() {
      return settled;
    },
  };
}

/**
 * Lets every queued microtask and one round of I/O callbacks run: work that could happen without waiting on
 * anything external has happened after this.
 */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Tracks whether a promise has settled, to assert that it has not (yet). */
export function watch<T>(promise: Promise<T>): { readonly done: boolean } {
  const state = { done: false };
  promise.then(
    () => {
      state.done = true;
    },
    () => {
      state.done = true;
    },
  );
  return state;
}
