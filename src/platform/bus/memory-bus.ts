import type {
  Bus,
  BusMessage,
  BusObserver,
  ConsumerStatus,
  DeadLetter,
  DeliveredMessage,
  MessageHandler,
  SubscribeOptions,
  Subscription,
} from './bus.js';
import {
  DEFAULT_RETRY_DELAYS,
  DeadLetterStore,
  type DeliveryPolicy,
  deliver,
  InFlight,
  redeliver,
} from './delivery.js';

export interface MemoryBusOptions {
  /**
   * Messages kept per topic for groups that subscribe later with `earliest` (between this many and twice as
   * many). Default 2,000: enough for what services send while the others start, and small enough that the
   * kept messages stay cheap for the young-generation collector; at 10,000 (up to 20,000 kept, ~12 MB on
   * the movement topic) every scavenge copied them and publishing cost twice as much.
   */
  readonly retention?: number;
  /** Delays before each retry of a failing handler; its length is the number of retries. */
  readonly retryDelaysMs?: readonly number[];
  /** Dead letters kept for the operator (oldest dropped first). */
  readonly deadLetterLimit?: number;
  readonly observer?: BusObserver;
}

interface Member {
  readonly handler: MessageHandler;
}

/** One consumer group on one topic: per-key queues, each drained by at most one runner at a time. */
class GroupConsumer {
  readonly members: Member[] = [];
  private readonly queues = new Map<number | string, DeliveredMessage[]>();
  private closed = false;

  constructor(
    readonly topic: string,
    readonly group: string,
    private readonly bus: MemoryBus,
  ) {}

  /** Messages queued or being handled: the group's lag. */
  pending = 0;

  enqueue(message: DeliveredMessage): void {
    if (this.closed) return;
    const key = queueKey(message.key);
    this.bus.track(1);
    this.pending++;
    const queue = this.queues.get(key);
    if (queue) {
      queue.push(message);
      return;
    }
    this.queues.set(key, [message]);
    // Never inside publish: handlers run on a later microtask, so a producer never re-enters itself.
    queueMicrotask(() => this.drain(key));
  }

  close(): void {
    // Queued messages are still drained (without delivery) so that idle() bookkeeping settles.
    this.closed = true;
  }

  /** Delivers a key's queue in order; only an asynchronous handler makes it wait (and resume later). */
  private drain(key: number | string): void {
    const queue = this.queues.get(key);
    while (queue && queue.length > 0) {
      const message = queue[0]!;
      const member = this.closed ? undefined : this.pickMember(message.key);
      const pending = member ? deliver(this.bus.policy, this.group, member.handler, message) : undefined;
      if (pending) {
        void pending.then(() => {
          queue.shift();
          this.pending--;
          this.bus.track(-1);
          this.drain(key);
        });
        return;
      }
      queue.shift();
      this.pending--;
      this.bus.track(-1);
    }
    this.queues.delete(key);
  }

  // Like Kafka partitions: one key always goes to the same member of the group.
  private pickMember(key: Buffer): Member | undefined {
    if (this.members.length <= 1) return this.members[0];
    let hash = 0;
    for (const byte of key) hash = (hash * 31 + byte) >>> 0;
    return this.members[hash % this.members.length];
  }
}

/**
 * The per-key queue's name: an 8-byte Atlas integer key (character, map ids: the busy topics) as its number,
 * which makes no string per message; any other key as its bytes in a string. A number and a string never
 * collide in a Map, and equal integer keys have equal bytes, so each key keeps one queue as before.
 */
function queueKey(key: Buffer): number | string {
  if (key.length === 8 && key.readUInt32LE(4) === 0) return key.readUInt32LE(0);
  return key.toString('latin1');
}

/** A settled answer shared by every publish: the in-process bus has nothing to wait for. */
const PUBLISHED: Promise<void> = Promise.resolve();

interface TopicLog {
  messages: DeliveredMessage[];
  nextOffset: number;
  readonly groups: Map<string, GroupConsumer>;
  /** The groups' consumers as an array, read for every message published (no iterator per message). */
  consumers: GroupConsumer[];
  /** Where a group that left resumes, as Kafka resumes a group from its committed offset. */
  readonly resumeAt: Map<string, number>;
}

/**
 * The embedded default: topics, consumer groups and per-key ordering inside one process, carrying the same
 * bytes Kafka would. Handlers run on later microtasks, never inside `publish`, so a producer never re-enters
 * itself.
 */
export class MemoryBus implements Bus {
  /** A crash takes the queues with it: nothing is delivered twice across a restart. */
  readonly redelivers = false;
  readonly policy: DeliveryPolicy;
  private readonly retention: number;
  private readonly topics = new Map<string, TopicLog>();
  private readonly inFlight = new InFlight();
  private closed = false;

  constructor(options: MemoryBusOptions = {}) {
    this.retention = options.retention ?? 2_000;
    this.policy = {
      retryDelaysMs: options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS,
      deadLetters: new DeadLetterStore(options.deadLetterLimit),
      observer: options.observer,
    };
  }

  // Not async: publishing is the hot path of the busiest topic, and an async function makes a promise per
  // call. A closed bus still answers with a rejection, never a throw.
  publish(topic: string, messages: readonly BusMessage[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('bus is closed'));
    const log = this.log(topic);
    const consumers = log.consumers;
    for (const message of messages) {
      const delivered: DeliveredMessage = {
        topic,
        partition: 0,
        offset: log.nextOffset++,
        key: message.key,
        value: message.value,
        headers: message.headers,
      };
      log.messages.push(delivered);
      for (let c = 0; c < consumers.length; c++) consumers[c]!.enqueue(delivered);
    }
    if (log.messages.length > this.retention * 2)
      log.messages = log.messages.slice(log.messages.length - this.retention); // not slice(-0)
    return PUBLISHED;
  }

  async subscribe(
    topic: string,
    group: string,
    handler: MessageHandler,
    options: SubscribeOptions = { start: 'earliest' },
  ): Promise<Subscription> {
    if (this.closed) throw new Error('bus is closed');
    const log = this.log(topic);
    let consumer = log.groups.get(group);
    const isNewGroup = !consumer;
    if (!consumer) {
      consumer = new GroupConsumer(topic, group, this);
      log.groups.set(group, consumer);
      log.consumers = [...log.groups.values()];
    }
    const member: Member = { handler };
    consumer.members.push(member);
    const resumeAt = log.resumeAt.get(group);
    if (isNewGroup && (resumeAt !== undefined || options.start === 'earliest')) {
      const from = resumeAt ?? 0;
      for (const message of log.messages.slice(Math.max(0, log.messages.length - this.retention)))
        if (message.offset >= from) consumer.enqueue(message);
    }
    const owner = consumer;
    return {
      close: async () => {
        const index = owner.members.indexOf(member);
        if (index >= 0) owner.members.splice(index, 1);
        if (owner.members.length === 0 && log.groups.get(group) === owner) {
          log.groups.delete(group);
          log.consumers = [...log.groups.values()];
          log.resumeAt.set(group, log.nextOffset);
          owner.close();
        }
      },
    };
  }

  idle(): Promise<void> {
    return this.inFlight.idle();
  }

  pending(): number {
    return this.inFlight.size;
  }

  deadLetters(): readonly DeadLetter[] {
    return this.policy.deadLetters.list();
  }

  retryDeadLetter(id: string): Promise<boolean> {
    return redeliver(this.policy, this.inFlight, id);
  }

  discardDeadLetter(id: string): boolean {
    return this.policy.deadLetters.take(id) !== undefined;
  }

  ready(): boolean {
    return !this.closed;
  }

  async consumers(): Promise<ConsumerStatus[]> {
    const groups = new Map<
      string,
      { topics: string[]; partitions: ConsumerStatus['partitions'][number][] }
    >();
    for (const [topic, log] of this.topics) {
      for (const [group, consumer] of log.groups) {
        const entry = groups.get(group) ?? { topics: [], partitions: [] };
        entry.topics.push(topic);
        entry.partitions.push({ topic, partition: 0, lag: consumer.pending });
        groups.set(group, entry);
      }
    }
    return [...groups].map(([group, { topics, partitions }]) => ({
      group,
      topics,
      live: !this.closed,
      restarts: 0,
      partitions,
    }));
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
    this.inFlight.add(delta);
  }

  private log(topic: string): TopicLog {
    let log = this.topics.get(topic);
    if (!log) {
      log = { messages: [], nextOffset: 0, groups: new Map(), consumers: [], resumeAt: new Map() };
      this.topics.set(topic, log);
    }
    return log;
  }
}
