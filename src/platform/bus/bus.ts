import type { Headers } from '../wire/headers.js';

/** A message as Kafka carries it: bytes for key, value and each header. */
export interface BusMessage {
  readonly key: Buffer;
  readonly value: Buffer;
  readonly headers: Headers;
}

export interface DeliveredMessage extends BusMessage {
  readonly topic: string;
  readonly offset: number;
}

export type MessageHandler = (message: DeliveredMessage) => Promise<void> | void;

export interface SubscribeOptions {
  /** Where a group with no committed position starts: the oldest retained message or only new ones. */
  readonly start: 'earliest' | 'latest';
}

export interface Subscription {
  close(): Promise<void>;
}

export interface DeadLetter {
  readonly topic: string;
  readonly group: string;
  readonly offset: number;
  readonly key: string;
  readonly headers: Record<string, string>;
  readonly value: string;
  readonly error: string;
  readonly attempts: number;
  readonly at: string;
}

/** What the bus reports, so metrics and logs stay out of its delivery loop. */
export interface BusObserver {
  handled(topic: string, group: string): void;
  failed(topic: string, group: string, letter: DeadLetter, error: unknown): void;
  retried(topic: string, group: string, attempt: number, error: unknown): void;
}

/**
 * The one messaging interface every domain uses, shaped like Kafka so that a Kafka adapter can replace the
 * in-process implementation without touching domain code. Delivery is at-least-once, in order per key within
 * a consumer group, parallel across keys.
 */
export interface Bus {
  publish(topic: string, messages: readonly BusMessage[]): Promise<void>;
  subscribe(
    topic: string,
    group: string,
    handler: MessageHandler,
    options?: SubscribeOptions,
  ): Promise<Subscription>;
  /** Resolves when no message is queued or being handled. */
  idle(): Promise<void>;
  /** Messages published but not yet settled by every group. */
  pending(): number;
  deadLetters(): readonly DeadLetter[];
  /** True once the bus can publish and deliver (readiness). */
  ready(): boolean;
  /** Stops delivering, waits for handlers in flight (up to `timeoutMs`). */
  close(timeoutMs?: number): Promise<void>;
}
