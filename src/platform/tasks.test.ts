import { describe, expect, it } from 'vitest';
import { deferred, flush, watch } from '../../test/support/deferred.js';
import { TaskTracker } from './tasks.js';

describe('TaskTracker', () => {
  it('counts running work and forgets it once settled, even when it fails', async () => {
    const tasks = new TaskTracker();
    const ok = deferred<number>();
    const bad = deferred<number>();
    const tracked = tasks.track(ok.promise);
    void tasks.track(bad.promise).catch(() => undefined);
    expect(tasks.size).toBe(2);
    ok.resolve(7);
    expect(await tracked).toBe(7);
    bad.reject(new Error('failed'));
    await tasks.settled();
    expect(tasks.size).toBe(0);
  });

  it('settled waits for work started while it waits', async () => {
    const tasks = new TaskTracker();
    const first = deferred();
    const second = deferred();
    void tasks.track(first.promise.then(() => void tasks.track(second.promise)));
    const settled = watch(tasks.settled());
    first.resolve();
    await flush();
    expect(settled.done).toBe(false);
    expect(tasks.size).toBe(1);
    second.resolve();
    await tasks.settled();
    expect(tasks.size).toBe(0);
  });
});
