import type { Batch, KafkaMessage } from 'kafkajs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeadLetterStore, type DeliveryPolicy, InFlight } from './delivery.js';
import { BATCH_HEARTBEAT_MS, type BatchControl, handleBatch } from './kafka-batch.js';

// A batch as kafkajs hands it over, handled with kafkajs's controls recorded. The timers (the heartbeat's and
// the handlers' slowness) are vitest's fake ones: seconds of handling pass in no time.

const policy: DeliveryPolicy = {
  retryDelaysMs: [],
  deadLetters: new DeadLetterStore(),
  observer: undefined,
};

/** `count` messages from offset 100, all of one key unless `keys` says otherwise. */
function batchOf(count: number, keys = 1): Batch {
  const messages = Array.from(
    { length: count },
    (_, i) =>
      ({
        key: Buffer.from(`k${i % keys}`),
        value: Buffer.from(String(i)),
        offset: String(100 + i),
        headers: {},
        timestamp: '0',
        attributes: 0,
      }) as unknown as KafkaMessage,
  );
  return { topic: 'T', partition: 0, messages } as unknown as Batch;
}

function recorder(heartbeat: () => Promise<void> = async () => undefined) {
  const calls = { beats: 0, resolved: [] as string[], commits: [] as string[] };
  const control: BatchControl = {
    active: () => true,
    heartbeat: () => {
      calls.beats++;
      return heartbeat();
    },
    resolve: (offset) => calls.resolved.push(offset),
    commit: async () => {
      calls.commits.push(calls.resolved.at(-1)!);
    },
  };
  return { calls, control };
}

/** A handler that takes `ms` per message (on the fake clock) and records what it handled. */
function slowHandler(ms: number, handled: number[]) {
  return async (message: { offset: number }) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    handled.push(message.offset);
  };
}

describe('a Kafka batch handled', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps the member alive and commits as it goes when the batch outlasts the session', async () => {
    // 40 messages of one key at 500 ms each: 20 s, more than three 6 s sessions.
    const { calls, control } = recorder();
    const handled: number[] = [];
    const done = handleBatch(batchOf(40), 'G', slowHandler(500, handled), policy, new InFlight(), control);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(await done).toBe('139');
    expect(handled).toEqual(Array.from({ length: 40 }, (_, i) => 100 + i));
    // A heartbeat every second throughout, never a gap the coordinator would evict for.
    expect(calls.beats).toBeGreaterThanOrEqual(20_000 / BATCH_HEARTBEAT_MS - 1);
    // Each handled message resolved in order, and progress committed about once a second.
    expect(calls.resolved).toEqual(handled.map(String));
    expect(calls.commits.length).toBeGreaterThanOrEqual(18);
    expect(calls.commits.map(Number)).toEqual([...calls.commits.map(Number)].sort((a, b) => a - b));
    // No heartbeat once the batch is over.
    const beats = calls.beats;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(calls.beats).toBe(beats);
  });

  it('resolves only the handled prefix when keys finish out of order', async () => {
    // Two keys: k0 is slow (messages 100, 102, ...), k1 fast; a fast message past a slow one waits for it.
    const { calls, control } = recorder();
    const handler = async (message: { offset: number }) => {
      await new Promise((resolve) => setTimeout(resolve, message.offset % 2 === 0 ? 300 : 10));
    };
    const done = handleBatch(batchOf(6, 2), 'G', handler, policy, new InFlight(), control);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await done).toBe('105');
    // k1's messages are handled at 10, 20 and 30 ms, k0's at 300, 600 and 900: each slow one completes a
    // prefix that ends with the fast one after it.
    expect(calls.resolved).toEqual(['101', '103', '105']);
  });

  it('stops at the next message once a heartbeat says the member must rejoin', async () => {
    let evicted = false;
    const { control } = recorder(async () => {
      if (evicted) throw new Error('The coordinator is not aware of this member');
    });
    const handled: number[] = [];
    const done = handleBatch(batchOf(40), 'G', slowHandler(500, handled), policy, new InFlight(), control);
    await vi.advanceTimersByTimeAsync(3_200);
    evicted = true;
    await vi.advanceTimersByTimeAsync(2_000);
    const upTo = await done;
    // Handled until the failed heartbeat (at 4 s) and the message then in hand; nothing after.
    expect(handled.length).toBeGreaterThanOrEqual(7);
    expect(handled.length).toBeLessThanOrEqual(9);
    expect(upTo).toBe(String(handled.at(-1)));
    await vi.advanceTimersByTimeAsync(20_000);
    expect(handled.length).toBeLessThanOrEqual(9);
  });
});
