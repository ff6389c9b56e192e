import type { OutgoingMessage } from '../../platform/bus/messages.js';
import type { Clock } from '../../platform/clock.js';
import type { FieldDirectory } from '../../platform/fields.js';
import { createLogger } from '../../platform/logging.js';
import { Metrics } from '../../platform/metrics.js';
import { ChannelRegistry } from '../channels.js';
import { NO_PORTAL_DATA } from '../lookups/portals.js';
import { type TransportMetrics, transportMetrics } from '../metrics.js';
import type { TransportMessages } from '../producer.js';
import { ScheduledRunner } from '../scheduled/runner.js';
import type { RouteOwnership } from '../scheduled/steps.js';

export interface RunnerRigOptions {
  readonly metrics?: TransportMetrics;
  readonly channels?: ChannelRegistry;
  /** Who stands where; by default nobody anywhere. */
  readonly directory?: FieldDirectory;
  /** Told of each send's messages, voyage steps included; by default they are collected in `published`. */
  readonly sent?: (messages: readonly OutgoingMessage[]) => void;
  readonly ownership?: RouteOwnership;
}

/**
 * A scheduled runner alone on `clock`, with no database (every voyage step counts as a first announcement),
 * for tests and the benchmarks; `settle` waits until every transition's look-ups and sends are done.
 */
export function runnerRig(clock: Clock, messages: TransportMessages, options: RunnerRigOptions = {}) {
  const logger = createLogger('silent');
  const metrics = options.metrics ?? transportMetrics(new Metrics());
  const published: OutgoingMessage[] = [];
  const sent =
    options.sent ??
    ((outgoing: readonly OutgoingMessage[]) => {
      published.push(...outgoing);
    });
  const pending = new Set<Promise<unknown>>();
  const runner = new ScheduledRunner({
    clock,
    logger,
    metrics,
    channels: options.channels ?? new ChannelRegistry(),
    warps: {
      directory: options.directory ?? { charactersIn: async () => [] },
      portals: NO_PORTAL_DATA,
      random: Math.random,
      logger,
      metrics,
    },
    messages,
    voyages: {
      send: async (parts) => sent(parts.flatMap((part) => ('messages' in part ? part.messages : part))),
      unarrived: async () => [],
    },
    publish: async (outgoing) => sent(outgoing),
    track: (work) => {
      pending.add(work);
      void work.finally(() => pending.delete(work));
    },
    ownership: options.ownership,
  });
  const settle = async () => {
    // Transitions queue their look-ups and messages for the next turn (setImmediate): let them start.
    do {
      await new Promise((resolve) => setImmediate(resolve));
      await Promise.all([...pending]);
    } while (pending.size > 0 || runner.pending() > 0);
  };
  return { runner, published, settle };
}
