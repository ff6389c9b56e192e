/**
 * Work a service starts outside the bus (a transition's warps, a timer's follow-up) is tracked here so that
 * `idle()` can wait for it and shutdown can drain it.
 */
export class TaskTracker {
  private readonly running = new Set<Promise<unknown>>();

  track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    const done = () => this.running.delete(work);
    work.then(done, done);
    return work;
  }

  get size(): number {
    return this.running.size;
  }

  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
