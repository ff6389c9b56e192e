import type { Headers } from '../wire/headers.js';

/** A message as Kafka carries it: bytes for key, value and each header. */
export interface BusMessage {
  readonly key: Buffer;
  readonly value: Buffer;
  readonly headers: Headers;
}

export interface DeliveredMessage extends BusMessage {
  readonly topic: string;
  /** Kafka's partition; the in-process bus has one per topic (0). */
  readonly partition: number;
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
  /** Stable for the letter's life in this process (1, 2, ...): what retry and discard name. */
  readonly id: string;
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
  /** A consumer died and is being started again. */
  restarted?(group: string, error: unknown): void;
  /** Offsets below `offset` will never be delivered to the group again (Kafka commits). */
  committed?(group: string, topic: string, partition: number, offset: number): void;
}

/** One consumer group's view for operators (`/api/debug/consumers`). */
export interface ConsumerStatus {
  readonly group: string;
  readonly topics: readonly string[];
  /** Joined and fetching (Kafka), or subscribed (in-process). */
  readonly live: boolean;
  readonly restarts: number;
  readonly partitions: readonly {
    readonly topic: string;
    readonly partition: number;
    /** Messages published but not yet handled by the group; null when the broker could not say. */
    readonly lag: number | null;
  }[];
}

/**
 * The one messaging interface every domain uses, shaped like Kafka so that a Kafka adapter can replace the
 * in-process implementation without touching domain code. Delivery is at-least-once, in order per key within
 * a consumer group, parallel across keys.
 */
export interface Bus {
  /**
   * True when a message may be delivered again after this process dies (Kafka resumes from committed
   * offsets): handlers that change state then record what they consumed with the effect (the inbox).
   */
  readonly redelivers: boolean;
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
  /**
   * Hands a dead letter to its group's handler once more (with the usual retries; failing again makes a new
   * letter). False when no letter has that id.
   */
  retryDeadLetter(id: string): Promise<boolean>;
  /** Forgets a dead letter; false when no letter has that id. */
  discardDeadLetter(id: string): boolean;
  /** True when the bus can publish and every subscription has a live consumer (readiness). */
  ready(): boolean;
  /** Every consumer group of this process, its topics, partitions and lag. */
  consumers(): Promise<ConsumerStatus[]>;
  /** Stops delivering, waits for handlers in flight (up to `timeoutMs`). */
  close(timeoutMs?: number): Promise<void>;
}
