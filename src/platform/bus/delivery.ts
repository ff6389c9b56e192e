import type { Headers } from '../wire/headers.js';
import type { BusObserver, DeadLetter, DeliveredMessage, MessageHandler } from './bus.js';

export const DEFAULT_RETRY_DELAYS: readonly number[] = [10, 50, 250];

function printableHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] =
      name.endsWith('_VERSION') && value.length === 2
        ? String(value.readUInt16BE(0))
        : value.toString('utf8');
  }
  return out;
}

/** Counts messages queued or being handled, and wakes whoever waits for that count to reach zero. */
export class InFlight {
  private count = 0;
  private waiters: Array<() => void> = [];

  get size(): number {
    return this.count;
  }

  add(delta: number): void {
    this.count = Math.max(0, this.count + delta);
    if (this.count === 0 && this.waiters.length > 0) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  idle(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

interface HeldLetter {
  readonly letter: DeadLetter;
  readonly message: DeliveredMessage;
  readonly handler: MessageHandler;
}

/**
 * The messages an operator can read after their handler kept failing; the oldest go first when full. Each
 * keeps its message and handler, so that an operator can hand it back once the cause is fixed.
 */
export class DeadLetterStore {
  private readonly letters = new Map<string, HeldLetter>();
  private lastId = 0;

  constructor(private readonly limit = 1_000) {}

  add(
    group: string,
    message: DeliveredMessage,
    error: unknown,
    attempts: number,
    handler: MessageHandler,
  ): DeadLetter {
    const letter: DeadLetter = {
      id: String(++this.lastId),
      topic: message.topic,
      group,
      offset: message.offset,
      key: message.key.toString('hex'),
      headers: printableHeaders(message.headers),
      value: message.value.toString('utf8'),
      error: error instanceof Error ? error.message : String(error),
      attempts,
      at: new Date().toISOString(),
    };
    this.letters.set(letter.id, { letter, message, handler });
    // A Map iterates in insertion order: the first key is the oldest letter.
    if (this.letters.size > this.limit) this.letters.delete(this.letters.keys().next().value!);
    return letter;
  }

  list(): readonly DeadLetter[] {
    return [...this.letters.values()].map((held) => held.letter);
  }

  /** Removes the letter and returns what is needed to deliver it again. */
  take(id: string): { group: string; message: DeliveredMessage; handler: MessageHandler } | undefined {
    const held = this.letters.get(id);
    if (!held) return undefined;
    this.letters.delete(id);
    return { group: held.letter.group, message: held.message, handler: held.handler };
  }
}

/** An operator's retry of a dead letter: delivered as a fresh message would be, counted in flight for idle(). */
export async function redeliver(policy: DeliveryPolicy, inFlight: InFlight, id: string): Promise<boolean> {
  const taken = policy.deadLetters.take(id);
  if (!taken) return false;
  inFlight.add(1);
  try {
    await deliver(policy, taken.group, taken.handler, taken.message);
  } finally {
    inFlight.add(-1);
  }
  return true;
}

export interface DeliveryPolicy {
  readonly retryDelaysMs: readonly number[];
  readonly deadLetters: DeadLetterStore;
  readonly observer: BusObserver | undefined;
}

/**
 * At-least-once delivery of one message to one handler: retried with backoff, then set aside as a dead letter
 * so that one bad message never stops its topic. Shared by every Bus implementation. A handler that finishes
 * synchronously costs no promise (movement commands arrive by the hundred thousand): the result is undefined
 * then, and a promise only when the handler is asynchronous or failed.
 */
export function deliver(
  policy: DeliveryPolicy,
  group: string,
  handler: MessageHandler,
  message: DeliveredMessage,
): Promise<void> | undefined {
  let result: Promise<void> | void;
  try {
    result = handler(message);
  } catch (error) {
    return retry(policy, group, handler, message, error);
  }
  if (result && typeof result.then === 'function') {
    return result.then(
      () => policy.observer?.handled(message.topic, group),
      (error: unknown) => retry(policy, group, handler, message, error),
    );
  }
  policy.observer?.handled(message.topic, group);
  return undefined;
}

async function retry(
  policy: DeliveryPolicy,
  group: string,
  handler: MessageHandler,
  message: DeliveredMessage,
  firstError: unknown,
): Promise<void> {
  const delays = policy.retryDelaysMs;
  let error = firstError;
  for (let attempt = 1; ; attempt++) {
    if (attempt > delays.length) {
      const letter = policy.deadLetters.add(group, message, error, attempt, handler);
      policy.observer?.failed(message.topic, group, letter, error);
      return;
    }
    policy.observer?.retried(message.topic, group, attempt, error);
    await new Promise((resolve) => setTimeout(resolve, delays[attempt - 1]));
    try {
      await handler(message);
      policy.observer?.handled(message.topic, group);
      return;
    } catch (next) {
      error = next;
    }
  }
}
