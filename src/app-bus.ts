import { randomUUID } from 'node:crypto';
import type { Bus, DeadLetter } from './platform/bus/bus.js';
import type { MessageFactory, OutgoingMessage } from './platform/bus/messages.js';
import type { Tenant } from './platform/tenant.js';
import { isTopicVariable, type TopicVariable } from './platform/topics.js';
import { decodeJson } from './platform/wire/envelope.js';
import type { Headers } from './platform/wire/headers.js';

/** The bus as tests and embedding hosts see it: topics by their variable, JSON values, Atlas keys. */
export interface PublishOptions {
  /** A number is written as the 8-byte Atlas integer key, a string as UUID text, a Buffer as is. */
  key?: number | string | Buffer;
  tenant?: Tenant;
  headers?: Headers;
}

export interface ReceivedMessage {
  readonly topic: string;
  readonly key: Buffer;
  readonly headers: Headers;
  readonly value: unknown;
}

export interface Unsubscribe {
  (): Promise<void>;
  readonly ready: Promise<void>;
}

export interface AppBus {
  publish(topicVariable: TopicVariable, value: unknown, options?: PublishOptions): Promise<void>;
  /**
   * Receives every message published on the topic once the subscription is live (`ready`: at once on the
   * in-process bus, after the group join on Kafka); returns the unsubscribe function.
   */
  subscribe(
    topicVariable: TopicVariable,
    handler: (message: ReceivedMessage) => void | Promise<void>,
    /**
     * `earliest` also receives what the bus still retains (the in-process bus keeps recent messages): what
     * a service sent during its own start-up, before anyone could subscribe. Default `latest`.
     */
    options?: { readonly start?: 'earliest' | 'latest' },
  ): Unsubscribe;
  deadLetters(): readonly DeadLetter[];
}

function topicOf(variable: string): TopicVariable {
  if (!isTopicVariable(variable)) throw new Error(`unknown topic variable ${variable}`);
  return variable;
}

export function appBus(bus: Bus, messages: MessageFactory): AppBus {
  return {
    // Not async (publishing is the hot path of the movement benchmark): the bus's own promise is the answer,
    // and a message that cannot be made is still a rejection, never a throw.
    publish(variable, value, options = {}) {
      let message: OutgoingMessage;
      try {
        message = messages.create(topicOf(variable), options.key ?? Buffer.alloc(0), value, {
          tenant: options.tenant,
          traced: false,
        });
      } catch (error) {
        return Promise.reject(error);
      }
      const extra = options.headers;
      return bus.publish(message.topic, [
        extra ? { ...message, headers: { ...message.headers, ...extra } } : message,
      ]);
    },
    subscribe(variable, handler, options) {
      // A group of its own, never reused: on Kafka a reused name would resume where an earlier run (or
      // another process) left off, or split the messages with it, instead of starting at the latest.
      const group = `atlas-ts observer ${randomUUID()}`;
      const subscription = bus.subscribe(
        messages.topic(topicOf(variable)),
        group,
        (m) => handler({ topic: m.topic, key: m.key, headers: m.headers, value: decodeJson(m.value) }),
        { start: options?.start ?? 'latest' },
      );
      const ready = subscription.then(() => undefined);
      // Callers may never look at `ready`: a failed subscription must not become an unhandled rejection.
      ready.catch(() => undefined);
      const unsubscribe = () =>
        subscription.then(
          (s) => s.close(),
          () => undefined,
        );
      return Object.assign(unsubscribe, { ready });
    },
    deadLetters: () => bus.deadLetters(),
  };
}
