import type { Bus } from '../../platform/bus/bus.js';
import type { MessageFactory } from '../../platform/bus/messages.js';
import type { Logger } from '../../platform/logging.js';
import type { Metrics } from '../../platform/metrics.js';
import type { OperationContext } from '../processor/context.js';

/** What every consumer of the character service is built from. */
export interface ConsumerDeps {
  readonly ctx: OperationContext;
  readonly bus: Bus;
  readonly messages: MessageFactory;
  readonly group: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** The consumer-spec fields every subscription shares. */
export function subscriptionOf(deps: Omit<ConsumerDeps, 'ctx'>) {
  return { bus: deps.bus, group: deps.group, logger: deps.logger, metrics: deps.metrics };
}
