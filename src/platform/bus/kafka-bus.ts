import { type Admin, Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import type { Logger } from '../logging.js';
import type {
  Bus,
  BusMessage,
  BusObserver,
  ConsumerStatus,
  DeadLetter,
  MessageHandler,
  SubscribeOptions,
  Subscription,
} from './bus.js';
import {
  DEFAULT_RETRY_DELAYS,
  DeadLetterStore,
  type DeliveryPolicy,
  InFlight,
  redeliver,
} from './delivery.js';
import { KafkaGroup } from './kafka-group.js';

export interface KafkaBusOptions {
  readonly brokers: readonly string[];
  readonly clientId?: string;
  readonly logger: Logger;
  readonly observer?: BusObserver;
  readonly retryDelaysMs?: readonly number[];
  /** Partitions of a group handled at once; within a partition, keys run in parallel and in order each. */
  readonly partitionsConsumedConcurrently?: number;
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * The Bus on a real Kafka cluster (kafkajs). Each consumer group of this process is one kafkajs consumer over
 * all its topics (kafka-group.ts says why); messages of one key are handled in order, and a failing handler is
 * retried, then dead-lettered, before its offset is committed.
 */
export class KafkaBus implements Bus {
  readonly redelivers = true;
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly groups = new Map<string, KafkaGroup>();
  private readonly policy: DeliveryPolicy;
  private readonly inFlight = new InFlight();
  private admin: Admin | undefined;
  private connected = false;
  private closed = false;

  constructor(private readonly options: KafkaBusOptions) {
    const logger = options.logger.child({ component: 'kafka' });
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'atlas-ts',
      brokers: [...options.brokers],
      logLevel: logLevel.WARN,
      // Connection attempts must fail fast while the broker is away, so a stop never waits on them.
      connectionTimeout: 3_000,
      logCreator:
        () =>
        ({ level, log }) => {
          const { message, ...extra } = log;
          logger[LEVELS[level] ?? 'info'](extra, message);
        },
    });
    // Java-compatible murmur2 by key, so a key's messages stay in one partition (in order). The Go services
    // ignore keys (LeastBytes), which is why consumers never rely on a key living in one partition.
    // A send fails within about a second when the brokers are away: the outbox keeps the messages and its
    // relay tries again, so a long retry here would only hold the relay (and a shutdown) up.
    this.producer = this.kafka.producer({
      allowAutoTopicCreation: true,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1_000 },
    });
    this.producer.on(this.producer.events.DISCONNECT, () => {
      this.connected = false;
    });
    this.producer.on(this.producer.events.CONNECT, () => {
      this.connected = true;
    });
    this.policy = {
      retryDelaysMs: options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS,
      deadLetters: new DeadLetterStore(),
      observer: options.observer,
    };
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  async publish(topic: string, messages: readonly BusMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.producer.send({
      topic,
      messages: messages.map((m) => ({
        key: m.key.length > 0 ? m.key : null,
        value: m.value,
        headers: { ...m.headers },
      })),
    });
  }

  async subscribe(
    topic: string,
    group: string,
    handler: MessageHandler,
    options: SubscribeOptions = { start: 'earliest' },
  ): Promise<Subscription> {
    if (this.closed) throw new Error('bus is closed');
    let member = this.groups.get(group);
    if (!member) {
      member = new KafkaGroup({
        kafka: this.kafka,
        group,
        logger: this.options.logger,
        policy: this.policy,
        inFlight: this.inFlight,
        observer: this.options.observer,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 8,
      });
      this.groups.set(group, member);
    }
    const owner = member;
    await owner.add(topic, handler, options.start);
    return {
      close: async () => {
        await owner.remove(topic);
        if (owner.topicNames.length === 0 && this.groups.get(group) === owner) this.groups.delete(group);
      },
    };
  }

  /** Resolves when no handler runs; what the brokers still hold for us is not knowable here. */
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
    if (!this.connected) return false;
    const now = Date.now();
    for (const group of this.groups.values()) if (!group.isLive(now)) return false;
    return true;
  }

  /** Lag is the brokers' latest offset minus the group's committed one, asked of the brokers now. */
  async consumers(): Promise<ConsumerStatus[]> {
    this.admin ??= this.kafka.admin();
    const admin = this.admin;
    await admin.connect();
    const out: ConsumerStatus[] = [];
    for (const [name, group] of this.groups) {
      const topics = group.topicNames;
      const lags = new Map<string, number | null>();
      try {
        const committed = await admin.fetchOffsets({ groupId: name, topics });
        for (const topic of topics) {
          const latest = await admin.fetchTopicOffsets(topic);
          const ours = committed.find((c) => c.topic === topic)?.partitions ?? [];
          for (const p of latest) {
            const at = Number(ours.find((o) => o.partition === p.partition)?.offset ?? -1);
            lags.set(`${topic}/${p.partition}`, Number(p.high) - (at >= 0 ? at : Number(p.low)));
          }
        }
      } catch (error) {
        this.options.logger.warn({ group: name, err: error }, 'consumer lag could not be read');
      }
      const assigned = group.assigned;
      out.push({
        group: name,
        topics,
        live: group.isLive(),
        restarts: group.restarts,
        partitions: Object.entries(assigned).flatMap(([topic, partitions]) =>
          partitions.map((partition) => ({
            topic,
            partition,
            lag: lags.get(`${topic}/${partition}`) ?? null,
          })),
        ),
      });
    }
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    // Leaving the groups waits for the batches in hand, so handlers in flight finish first.
    await Promise.allSettled([...this.groups.values()].map((g) => g.close()));
    this.groups.clear();
    await Promise.allSettled([this.producer.disconnect(), this.admin?.disconnect()]);
    this.connected = false;
  }
}
