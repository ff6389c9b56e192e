import { z } from 'zod';
import type { Bus, Subscription } from '../../platform/bus/bus.js';
import { consume, type MessageContext, SkipMessage } from '../../platform/bus/consumer.js';
import type { Logger } from '../../platform/logging.js';
import type { Metrics } from '../../platform/metrics.js';
import { describeIssue } from '../../platform/wire/numbers.js';
import { CharacterNotFound } from '../model.js';

export type TypedHandler = (raw: unknown, context: MessageContext) => Promise<void>;

/**
 * A handler for one kind of message: its schema parses the whole message. A bad message, or one naming a
 * character that does not exist, can never succeed: it is skipped and counted instead of retried.
 */
export function typed<S extends z.ZodType>(
  schema: S,
  run: (message: z.infer<S>, context: MessageContext) => Promise<unknown>,
): TypedHandler {
  return async (raw, context) => {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new SkipMessage('schema', describeIssue(parsed.error));
    try {
      await run(parsed.data, context);
    } catch (error) {
      if (error instanceof CharacterNotFound) throw new SkipMessage('unknown character', error.message);
      throw error;
    }
  };
}

export interface TypedConsumerSpec {
  readonly bus: Bus;
  readonly topic: string;
  readonly group: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly handlers: ReadonlyMap<string, TypedHandler>;
}

const ENVELOPE = z.looseObject({ type: z.string() });

/**
 * A consumer of a topic several services share, dispatching on `type`: types it does not handle are
 * ignored silently (they are other services' business); a handled type is handled as `typed` describes;
 * any other failure is retried by the bus.
 */
export function consumeByType(spec: TypedConsumerSpec): Promise<Subscription> {
  return consume({
    bus: spec.bus,
    topic: spec.topic,
    group: spec.group,
    start: 'earliest',
    schema: ENVELOPE,
    logger: spec.logger,
    metrics: spec.metrics,
    handle: async (message, context) => {
      await spec.handlers.get(message.type)?.(message, context);
    },
  });
}
