import type { z } from 'zod';
import { AlreadyConsumed, Delivery } from '../db/inbox.js';
import type { Logger } from '../logging.js';
import type { Metrics } from '../metrics.js';
import type { Tenant } from '../tenant.js';
import { decodeJson } from '../wire/envelope.js';
import { type Headers, tenantFromHeaders } from '../wire/headers.js';
import { describeIssue } from '../wire/numbers.js';
import type { Bus, DeliveredMessage, Subscription } from './bus.js';

/**
 * Thrown by a handler for a message that can never succeed (it names a character that does not exist, say):
 * logged, counted and skipped, not retried.
 */
export class SkipMessage extends Error {
  constructor(
    readonly reason: string,
    detail: string,
  ) {
    super(detail);
  }
}

/**
 * The second step of reading a topic that carries many types: once `type` says this service handles the
 * message, its full shape must parse, or the message can never succeed and is skipped (SkipMessage).
 */
export function parseBody<S extends z.ZodType>(schema: S, value: unknown, type: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new SkipMessage('schema', `${type} ${describeIssue(parsed.error)}`);
}

export interface MessageContext {
  readonly topic: string;
  readonly key: Buffer;
  readonly headers: Headers;
  /** From the headers; with `tenant: 'optional'` and no valid headers, a placeholder whose id is empty. */
  readonly tenant: Tenant;
  /**
   * Present when the bus may deliver this message again after a crash (Kafka): a handler that changes state
   * records it in the inbox within the transaction of its effect (db/inbox.ts), so the effect happens once.
   */
  readonly delivery?: Delivery;
}

export interface ConsumerSpec<S extends z.ZodType> {
  readonly bus: Bus;
  readonly topic: string;
  readonly group: string;
  readonly start: 'earliest' | 'latest';
  readonly schema: S;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** 'required' (default): a message without valid tenant headers is skipped as malformed. */
  readonly tenant?: 'required' | 'optional';
  readonly handle: (value: z.infer<S>, context: MessageContext) => Promise<void> | void;
}

const NO_TENANT: Tenant = { id: '', region: '', majorVersion: 0, minorVersion: 0 };

/**
 * The edge where bytes become typed values: JSON parse, schema check, tenant check. Anything malformed is
 * logged with the raw value, counted and skipped: one bad message never blocks a topic and is never retried.
 * Handler failures other than SkipMessage propagate, so the bus retries and finally dead-letters them.
 */
export function consume<S extends z.ZodType>(spec: ConsumerSpec<S>): Promise<Subscription> {
  const { logger, metrics, topic, group } = spec;
  const skip = (reason: string, message: DeliveredMessage, detail: string) => {
    metrics.busMalformed.inc({ topic, group, reason });
    logger.warn(
      { topic, group, offset: message.offset, reason, detail, value: message.value.toString('utf8') },
      'message skipped',
    );
  };
  return spec.bus.subscribe(
    topic,
    group,
    async (message) => {
      let raw: unknown;
      try {
        raw = decodeJson(message.value);
      } catch (error) {
        skip('json', message, (error as Error).message);
        return;
      }
      const parsed = spec.schema.safeParse(raw);
      if (!parsed.success) {
        // Schemas are envelopes open in `type` (handlers sharing a topic filter on it, silently), so a
        // failure here is a malformed message, not one meant for another handler.
        skip('schema', message, describeIssue(parsed.error));
        return;
      }
      const tenant = tenantFromHeaders(message.headers);
      if (!tenant && spec.tenant !== 'optional') {
        skip('tenant', message, 'missing or invalid tenant headers');
        return;
      }
      try {
        await spec.handle(parsed.data, {
          topic,
          key: message.key,
          headers: message.headers,
          tenant: tenant ?? NO_TENANT,
          delivery: spec.bus.redelivers
            ? new Delivery(group, topic, message.partition, message.offset)
            : undefined,
        });
      } catch (error) {
        if (error instanceof SkipMessage) {
          skip(error.reason, message, error.message);
          return;
        }
        if (error instanceof AlreadyConsumed) {
          metrics.busDuplicates.inc({ topic, group });
          logger.debug(
            { topic, group, partition: message.partition, offset: message.offset },
            'already consumed',
          );
          return;
        }
        throw error;
      }
    },
    { start: spec.start },
  );
}
