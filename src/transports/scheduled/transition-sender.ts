import type { OutgoingMessage } from '../../platform/bus/messages.js';
import { AlreadyConsumed, type Delivery } from '../../platform/db/inbox.js';
import type { Tenant } from '../../platform/tenant.js';
import type { ChannelRegistry } from '../channels.js';
import type { RouteState, ScheduledRoute } from '../core/model.js';
import type { ScheduledRunnerDeps } from './runner.js';
import type { TransitionAction } from './transition.js';
import { transitionMessages } from './transition-messages.js';

/** What the sender needs of a route: who it is, and the chain its transitions' sends run on, in order. */
export interface SendingRoute {
  readonly tenant: Tenant;
  readonly route: ScheduledRoute;
  /** The route's transitions run one after another, in boundary order, even when look-ups are slow. */
  work: Promise<void>;
}

interface QueuedTransition {
  readonly run: SendingRoute;
  readonly actions: readonly TransitionAction[];
  readonly channels: ReturnType<ChannelRegistry['list']>;
  readonly to: RouteState;
  readonly at: number;
  readonly step: Delivery | undefined;
}

export const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The half of the runner that sends: a transition's look-ups and messages, after the state change decided
 * them. `step` is the transition's record, written with its messages (see steps.ts).
 */
export class TransitionSender {
  private inFlight = 0;
  private queued: QueuedTransition[] = [];
  private flushScheduled = false;

  constructor(private readonly deps: ScheduledRunnerDeps) {}

  /** Transitions whose warps and events are still being collected or sent. */
  pending(): number {
    return this.inFlight;
  }

  enqueue(
    run: SendingRoute,
    actions: readonly TransitionAction[],
    to: RouteState,
    at: number,
    step: Delivery | undefined,
  ): void {
    // Channels as they are at the boundary: a channel starting a moment later has nobody aboard yet.
    const channels = this.deps.channels.list(run.tenant.id);
    this.inFlight++;
    this.queued.push({ run, actions, channels, to, at, step });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /**
   * Look-ups and messages of the transitions queued in this turn. Deferring them lets every state change
   * due at one instant (12,000 routes at midnight) happen at that instant before any of them does I/O.
   */
  private flush(): void {
    this.flushScheduled = false;
    const queued = this.queued;
    this.queued = [];
    const { logger } = this.deps;
    for (const { run, actions, channels, to, at, step } of queued) {
      run.work = run.work
        .then(() => this.perform(run, actions, channels, at, step))
        .catch((error) => {
          if (error instanceof AlreadyConsumed) {
            // Another replica performed this boundary first (a takeover overlapping its last moments).
            this.deps.metrics.stepsElsewhere.inc();
            logger.debug(
              { tenantId: run.tenant.id, route: run.route.name, at: iso(at) },
              'performed elsewhere',
            );
            return;
          }
          logger.error(
            { tenantId: run.tenant.id, route: run.route.name, state: to, at: iso(at), err: error },
            'transition messages could not be sent',
          );
        })
        .finally(() => {
          this.inFlight--;
        });
      this.deps.track(run.work);
    }
  }

  private async perform(
    run: SendingRoute,
    actions: readonly TransitionAction[],
    channels: ReturnType<ChannelRegistry['list']>,
    at: number,
    step: Delivery | undefined,
  ): Promise<void> {
    const { parts, voyages } = await transitionMessages(this.deps, run, actions, channels, at);
    if (voyages) await this.deps.voyages.send(parts, step);
    else {
      const outgoing = (parts as OutgoingMessage[][]).flat();
      if (outgoing.length > 0 || step) await this.deps.publish(outgoing, step);
    }
  }
}
