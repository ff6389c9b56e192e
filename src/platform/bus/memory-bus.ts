import type { Headers } from '../wire/headers.js';
import type {
  Bus,
  BusMessage,
  BusObserver,
  DeadLetter,
  DeliveredMessage,
  MessageHandler,
  SubscribeOptions,
  Subscription,
} from './bus.js';

export interface MemoryBusOptions {
  /** Messages kept per topic for groups that subscribe later with `earliest`. */
  readonly retention?: number;
  /** Delays before each retry of a failing handler; its length is the number of retries. */
  readonly retryDelaysMs?: readonly number[];
  /** Dead letters kept for the operator (oldest dropped first). */
  readonly deadLetterLimit?: number;
  readonly observer?: BusObserver;
}

const DEFAULT_RETRY_DELAYS = [10, 50, 250];

interface Member {
  readonly handler: MessageHandler;
}

/** One consumer group on one topic: per-key queues, each drained by at most one runner at a time. */
class GroupConsumer {
  readonly members: Member[] = [];
  private readonly queues = new Map<string, DeliveredMessage[]>();
  private closed = false;

  constructor(
    readonly topic: string,
    readonly group: string,
    private readonly bus: MemoryBus,
  ) {}

  enqueue(message: DeliveredMessage): void {
    if (this.closed) return;
    const key = message.key.toString('latin1');
    this.bus.track(1);
    const queue = this.queues.get(key);
    if (queue) {
      queue.push(message);
      return;
    }
    this.queues.set(key, [message]);
    queueMicrotask(() => {
      void this.drain(key);
    });
  }

  close(): void {
    // Queued messages are still drained (without delivery) so that idle() bookkeeping settles.
    this.closed = true;
  }

  private async drain(key: string): Promise<void> {
    const queue = this.queues.get(key);
    while (queue && queue.length > 0) {
      const message = queue[0]!;
      if (!this.closed) await this.deliver(message);
      queue.shift();
      this.bus.track(-1);
    }
    this.queues.delete(key);
  }

  private async deliver(message: DeliveredMessage): Promise<void> {
    const delays = this.bus.retryDelays;
    for (let attempt = 1; ; attempt++) {
      const member = this.pickMember(message.key);
      if (!member) return;
      try {
        await member.handler(message);
        this.bus.observer?.handled(this.topic, this.group);
        return;
      } catch (error) {
        if (attempt > delays.length) {
          this.bus.deadLetter(this.group, message, error, attempt);
          return;
        }
        this.bus.observer?.retried(this.topic, this.group, attempt, error);
        await new Promise((resolve) => setTimeout(resolve, delays[attempt - 1]));
      }
    }
  }

  // Like Kafka partitions: one key always goes to the same member of the group.
  private pickMember(key: Buffer): Member | undefined {
    if (this.members.length <= 1) return this.members[0];
    let hash = 0;
    for (const byte of key) hash = (hash * 31 + byte) >>> 0;
    return this.members[hash % this.members.length];
  }
}

interface TopicLog {
  messages: DeliveredMessage[];
  nextOffset: number;
  readonly groups: Map<string, GroupConsumer>;
}

/**
 * The embedded default: topics, consumer groups and per-key ordering inside one process, carrying the same
 * bytes Kafka would. Handlers run on later microtasks, never inside `publish`, so a producer never re-enters
 * itself.
 */
export class MemoryBus implements Bus {
  readonly retryDelays: readonly number[];
  readonly observer: BusObserver | undefined;
  private readonly retention: number;
  private readonly deadLetterLimit: number;
  private readonly topics = new Map<string, TopicLog>();
  private readonly letters: DeadLetter[] = [];
  private inFlight = 0;
  private waiters: Array<() => void> = [];
  private closed = false;

  constructor(options: MemoryBusOptions = {}) {
    this.retention = options.retention ?? 10_000;
    this.retryDelays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS;
    this.deadLetterLimit = options.deadLetterLimit ?? 1_000;
    this.observer = options.observer;
  }

  async publish(topic: string, messages: readonly BusMessage[]): Promise<void> {
    if (this.closed) throw new Error('bus is closed');
    const log = this.log(topic);
    for (const message of messages) {
      const delivered: DeliveredMessage = {
        topic,
        offset: log.nextOffset++,
        key: message.key,
        value: message.value,
        headers: message.headers,
      };
      log.messages.push(delivered);
      for (const consumer of log.groups.values()) consumer.enqueue(delivered);
    }
    if (log.messages.length > this.retention * 2) log.messages = log.messages.slice(-this.retention);
  }

  async subscribe(
    topic: string,
    group: string,
    handler: MessageHandler,
    options: SubscribeOptions = { start: 'earliest' },
  ): Promise<Subscription> {
    const log = this.log(topic);
    let consumer = log.groups.get(group);
    const isNewGroup = !consumer;
    if (!consumer) {
      consumer = new GroupConsumer(topic, group, this);
      log.groups.set(group, consumer);
    }
    const member: Member = { handler };
    consumer.members.push(member);
    if (isNewGroup && options.start === 'earliest') {
      for (const message of log.messages.slice(-this.retention)) consumer.enqueue(message);
    }
    const owner = consumer;
    return {
      close: async () => {
        const index = owner.members.indexOf(member);
        if (index >= 0) owner.members.splice(index, 1);
        if (owner.members.length === 0 && log.groups.get(group) === owner) {
          log.groups.delete(group);
          owner.close();
        }
      },
    };
  }

  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  pending(): number {
    return this.inFlight;
  }

  deadLetters(): readonly DeadLetter[] {
    return this.letters;
  }

  ready(): boolean {
    return !this.closed;
  }

  async close(timeoutMs = 5_000): Promise<void> {
    this.closed = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.idle(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    if (timer) clearTimeout(timer);
    for (const log of this.topics.values()) for (const consumer of log.groups.values()) consumer.close();
    this.topics.clear();
  }

  /** @internal bookkeeping of queued + in-flight deliveries, for `idle()`. */
  track(delta: number): void {
    this.inFlight += delta;
    if (this.inFlight <= 0) {
      this.inFlight = 0;
      const waiters = this.waiters;
      this.waiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /** @internal a message whose handler kept failing: logged by the observer, kept for the operator. */
  deadLetter(group: string, message: DeliveredMessage, error: unknown, attempts: number): void {
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
    if (this.letters.length > this.deadLetterLimit) this.letters.shift();
    this.observer?.failed(message.topic, group, letter, error);
  }

  private log(topic: string): TopicLog {
    let log = this.topics.get(topic);
    if (!log) {
      log = { messages: [], nextOffset: 0, groups: new Map() };
      this.topics.set(topic, log);
    }
    return log;
  }
}

function printableHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = name.endsWith('_VERSION')
      ? String(value.length === 2 ? value.readUInt16BE(0) : value.toString('hex'))
      : value.toString('utf8');
  }
  return out;
}
