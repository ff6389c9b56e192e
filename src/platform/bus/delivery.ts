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

/** The messages an operator can read after their handler kept failing; the oldest go first when full. */
export class DeadLetterStore {
  private readonly letters: DeadLetter[] = [];

  constructor(private readonly limit = 1_000) {}

  add(group: string, message: DeliveredMessage, error: unknown, attempts: number): DeadLetter {
    const letter: DeadLetter = {
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
    this.letters.push(letter);
    if (this.letters.length > this.limit) this.letters.shift();
    return letter;
  }

  list(): readonly DeadLetter[] {
    return this.letters;
  }
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
      const letter = policy.deadLetters.add(group, message, error, attempt);
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
