/**
 * Runs work one at a time per key, in arrival order: a session's events, its logout timer and a channel
 * shutdown never interleave, so a late logout can never close the row a new login just opened.
 */
export class SerialQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  get busy(): boolean {
    return this.tails.size > 0;
  }
}
