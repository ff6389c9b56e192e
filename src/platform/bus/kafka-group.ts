import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from '../logging.js';
import type { BusObserver, MessageHandler } from './bus.js';
import type { DeliveryPolicy, InFlight } from './delivery.js';
import { topicRoundRobin } from './kafka-assigner.js';
import { handleBatch } from './kafka-batch.js';

/**
 * Group timing, chosen so that a member killed with -9 is replaced quickly: the coordinator drops a silent
 * member after `sessionTimeout` (6 s, the smallest a broker accepts by default), and a rebalance waits at
 * most `rebalanceTimeout` for members to rejoin, so a process restarted after a crash consumes within about
 * 10 s (kafkajs's defaults, 30 s and 60 s, made that 70 s). A rejoin only needs the batch in hand finished,
 * which takes milliseconds. Heartbeats go every second, well inside the session timeout. A fetch waits at most
 * 100 ms for data (kafkajs's 5 s default would hold every quiet partition's messages back; Go's readers wait
 * 50 ms).
 */
export const GROUP_TIMING = {
  sessionTimeout: 6_000,
  rebalanceTimeout: 5_000,
  heartbeatInterval: 1_000,
  maxWaitTimeInMs: 100,
} as const;

/** A group member that has heard nothing from the brokers for this long is not live (readiness). */
const CONTACT_TIMEOUT_MS = 5_000;
/** Restart backoff after a consumer dies: 0.5 s doubling to 15 s; reset by a successful join. */
const BACKOFF_MS = [500, 1_000, 2_000, 4_000, 8_000, 15_000];
/** subscribe() stops waiting for the join after this long; readiness keeps telling the truth meanwhile. */
const JOIN_WAIT_MS = 30_000;

interface TopicEntry {
  readonly handler: MessageHandler;
  readonly start: 'earliest' | 'latest';
  readonly joined: Array<() => void>;
}

export interface GroupDeps {
  readonly kafka: Kafka;
  readonly group: string;
  readonly logger: Logger;
  readonly policy: DeliveryPolicy;
  readonly inFlight: InFlight;
  readonly observer: BusObserver | undefined;
  readonly partitionsConsumedConcurrently: number;
}

/**
 * One consumer group of this process, as ONE kafkajs consumer subscribed to every topic the group reads.
 *
 * Why one consumer and not one per topic (as the Go services have): kafkajs's group leader deals only the
 * topics it subscribed to itself, over every member, so per-topic consumers in one group silently left most
 * topics unread. One member per group and process also means one join, one heartbeat and one fetch loop.
 * The assigner (kafka-assigner.ts) still deals each topic among its own subscribers, for groups shared with
 * Go members that read one topic each.
 *
 * Subscriptions made in the same turn of the event loop (a service starting all its consumers) join once;
 * one added later restarts the consumer with the larger topic set. A closed subscription's topic is paused
 * (nothing more is fetched or committed for it); the consumer leaves the group with the last one. A consumer
 * that dies is built again with backoff, and counted.
 */
export class KafkaGroup {
  private readonly topics = new Map<string, TopicEntry>();
  private consumer: Consumer | undefined;
  private running = new Set<string>();
  private scheduled = false;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private failures = 0;
  private live = false;
  private lastContact = 0;
  private restartCount = 0;
  private assignment: Record<string, number[]> = {};

  constructor(private readonly deps: GroupDeps) {}

  add(topic: string, handler: MessageHandler, start: 'earliest' | 'latest'): Promise<void> {
    if (this.closed) return Promise.reject(new Error('consumer group is closed'));
    if (this.topics.has(topic)) {
      throw new Error(`topic ${topic} already has a handler in group ${this.deps.group}`);
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.deps.logger.warn({ group: this.deps.group, topic }, 'group not joined yet; going on');
        resolve();
      }, JOIN_WAIT_MS);
      timer.unref();
      this.topics.set(topic, {
        handler,
        start,
        joined: [
          () => {
            clearTimeout(timer);
            resolve();
          },
        ],
      });
      this.schedule(0);
    });
  }

  async remove(topic: string): Promise<void> {
    this.topics.delete(topic);
    if (this.topics.size === 0) {
      await this.close();
      return;
    }
    // Paused, not resubscribed: the others keep their partitions, and nothing more of this topic is
    // fetched or committed. (A consumer between two starts holds nothing to pause.)
    if (this.running.has(topic)) {
      try {
        this.consumer?.pause([{ topic }]);
      } catch (error) {
        this.deps.logger.debug({ group: this.deps.group, topic, err: error }, 'nothing to pause');
      }
    }
  }

  get topicNames(): string[] {
    return [...this.topics.keys()];
  }

  get restarts(): number {
    return this.restartCount;
  }

  get assigned(): Record<string, number[]> {
    return this.assignment;
  }

  /** Joined, and the brokers answered lately. */
  isLive(now = Date.now()): boolean {
    return this.live && now - this.lastContact < CONTACT_TIMEOUT_MS;
  }

  /** Leaves the group; waits for the batch in hand (kafkajs's disconnect does) and gives up nothing else. */
  async close(): Promise<void> {
    this.closed = true;
    for (const entry of this.topics.values()) for (const resolve of entry.joined.splice(0)) resolve();
    await this.enqueue(() => this.stopConsumer());
  }

  private schedule(delayMs: number): void {
    if (this.closed || this.scheduled) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      void this.enqueue(() => this.restart());
    };
    if (delayMs === 0) setImmediate(run);
    else setTimeout(run, delayMs).unref();
  }

  /** Restarts and stops run one after another, never overlapping. */
  private enqueue(work: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(work, work);
    return this.chain;
  }

  private async restart(): Promise<void> {
    const wanted = [...this.topics.keys()];
    if (this.closed || wanted.length === 0) return;
    const same = wanted.length === this.running.size && wanted.every((t) => this.running.has(t));
    if (same && this.consumer) return;
    await this.stopConsumer();
    try {
      await this.startConsumer(wanted);
    } catch (error) {
      this.deps.logger.warn({ group: this.deps.group, err: error }, 'consumer could not start; retrying');
      await this.stopConsumer();
      this.retryLater(error);
    }
  }

  private retryLater(error: unknown): void {
    const delay = BACKOFF_MS[Math.min(this.failures, BACKOFF_MS.length - 1)]!;
    this.failures++;
    this.restartCount++;
    this.deps.observer?.restarted?.(this.deps.group, error);
    this.running = new Set();
    this.schedule(delay);
  }

  private async startConsumer(topics: string[]): Promise<void> {
    const { kafka, group } = this.deps;
    const consumer = kafka.consumer({
      groupId: group,
      allowAutoTopicCreation: true,
      partitionAssigners: [topicRoundRobin],
      ...GROUP_TIMING,
      // One way back from a crash: ours (a new consumer, with backoff, counted), never kafkajs's own.
      retry: { retries: 5, restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    this.running = new Set(topics);
    const contact = () => {
      this.lastContact = Date.now();
    };
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.live = true;
      this.failures = 0;
      contact();
      this.assignment = payload.memberAssignment;
      for (const topic of topics)
        for (const resolve of this.topics.get(topic)?.joined.splice(0) ?? []) resolve();
    });
    consumer.on(consumer.events.FETCH, contact);
    consumer.on(consumer.events.HEARTBEAT, contact);
    consumer.on(consumer.events.COMMIT_OFFSETS, ({ payload }) => {
      for (const { topic, partitions } of payload.topics)
        for (const { partition, offset } of partitions)
          this.deps.observer?.committed?.(group, topic, Number(partition), Number(offset));
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (this.consumer !== consumer) return;
      this.live = false;
      this.deps.logger.error({ group, err: payload.error }, 'consumer crashed; starting it again');
      this.consumer = undefined;
      this.retryLater(payload.error);
    });
    await consumer.connect();
    const earliest = topics.filter((t) => this.topics.get(t)?.start === 'earliest');
    const latest = topics.filter((t) => this.topics.get(t)?.start !== 'earliest');
    if (earliest.length > 0) await consumer.subscribe({ topics: earliest, fromBeginning: true });
    if (latest.length > 0) await consumer.subscribe({ topics: latest, fromBeginning: false });
    await consumer.run({
      partitionsConsumedConcurrently: this.deps.partitionsConsumedConcurrently,
      eachBatchAutoResolve: false,
      // Offsets are committed in bulk: a crash redelivers at most about a second of messages, which the
      // inbox (db/inbox.ts) recognises, instead of one commit round trip per message (a long batch commits as
      // it goes: see handleBatch).
      autoCommitInterval: 1_000,
      autoCommitThreshold: 5_000,
      eachBatch: async ({
        batch,
        resolveOffset,
        heartbeat,
        commitOffsetsIfNecessary,
        isRunning,
        isStale,
      }) => {
        const entry = this.topics.get(batch.topic);
        if (!entry) return;
        const active = () => isRunning() && !isStale() && this.topics.get(batch.topic) === entry;
        const upTo = await handleBatch(batch, group, entry.handler, this.deps.policy, this.deps.inFlight, {
          active,
          heartbeat,
          resolve: resolveOffset,
          commit: () => commitOffsetsIfNecessary(),
        });
        if (upTo !== undefined) resolveOffset(upTo);
        contact();
      },
    });
  }

  private async stopConsumer(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    this.live = false;
    this.running = new Set();
    this.assignment = {};
    if (consumer) await consumer.disconnect().catch(() => undefined);
  }
}
