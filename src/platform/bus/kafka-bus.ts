import {
  type Consumer,
  type IHeaders,
  Kafka,
  logLevel,
  type PartitionAssigner,
  PartitionAssigners,
  type Producer,
} from 'kafkajs';
import type { Logger } from '../logging.js';
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
import { DEFAULT_RETRY_DELAYS, DeadLetterStore, type DeliveryPolicy, deliver, InFlight } from './delivery.js';

export interface KafkaBusOptions {
  readonly brokers: readonly string[];
  readonly clientId?: string;
  readonly logger: Logger;
  readonly observer?: BusObserver;
  readonly retryDelaysMs?: readonly number[];
  /** Partitions of one topic handled at once; within a partition (so within a key) order is kept. */
  readonly partitionsConsumedConcurrently?: number;
}

function toHeaders(headers: IHeaders | undefined): Headers {
  const out: Headers = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first === undefined) continue;
    out[name] = Buffer.isBuffer(first) ? first : Buffer.from(first, 'utf8');
  }
  return out;
}

/**
 * kafkajs offers its round-robin assignment as protocol "RoundRobinAssigner"; the Go services (kafka-go)
 * offer "range" and "roundrobin". Offering the same algorithm under the standard name lets our consumers join
 * a group that Go members are in, so the Go services can be replaced one replica at a time.
 */
export const roundRobin: PartitionAssigner = (config) => ({
  ...PartitionAssigners.roundRobin(config),
  name: 'roundrobin',
});

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * The Bus on a real Kafka cluster. Like the Go services, each topic gets its own consumer joined to the
 * service's group; unlike them, a partition's messages are handled one after another (so per key, in order)
 * and a failing handler is retried, then dead-lettered, before the offset moves on.
 */
export class KafkaBus implements Bus {
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly consumers = new Set<Consumer>();
  private readonly policy: DeliveryPolicy;
  private connected = false;
  private readonly inFlight = new InFlight();

  constructor(private readonly options: KafkaBusOptions) {
    const logger = options.logger.child({ component: 'kafka' });
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'atlas-ts',
      brokers: [...options.brokers],
      logLevel: logLevel.WARN,
      logCreator:
        () =>
        ({ level, log }) => {
          const { message, ...extra } = log;
          logger[LEVELS[level] ?? 'info'](extra, message);
        },
    });
    this.producer = this.kafka.producer({ allowAutoTopicCreation: true });
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
    const consumer = this.kafka.consumer({
      groupId: group,
      allowAutoTopicCreation: true,
      partitionAssigners: [roundRobin],
    });
    this.consumers.add(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: options.start === 'earliest' });
    // A subscription counts as live once the group has been joined and partitions assigned, so that a
    // 'latest' subscriber sees everything published after subscribe() resolves.
    const joined = new Promise<void>((resolve) => {
      const off = consumer.on(consumer.events.GROUP_JOIN, () => {
        off();
        resolve();
      });
    });
    await consumer.run({
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 4,
      eachMessage: async ({ topic: from, message }) => {
        const delivered: DeliveredMessage = {
          topic: from,
          offset: Number(message.offset),
          key: message.key ?? Buffer.alloc(0),
          value: message.value ?? Buffer.alloc(0),
          headers: toHeaders(message.headers),
        };
        this.track(1);
        try {
          await deliver(this.policy, group, handler, delivered);
        } finally {
          this.track(-1);
        }
      },
    });
    await Promise.race([joined, new Promise((resolve) => setTimeout(resolve, 30_000).unref())]);
    return {
      close: async () => {
        this.consumers.delete(consumer);
        await consumer.disconnect();
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

  ready(): boolean {
    return this.connected;
  }

  async close(): Promise<void> {
    this.connected = false;
    // Disconnecting a consumer waits for its running eachMessage, so handlers in flight finish first.
    await Promise.allSettled([...this.consumers].map((c) => c.disconnect()));
    this.consumers.clear();
    await this.producer.disconnect();
  }

  private track(delta: number): void {
    this.inFlight.add(delta);
  }
}
