import type { OutgoingMessage } from '../../platform/bus/messages.js';
import type { Clock, TimerHandle } from '../../platform/clock.js';
import type { Logger } from '../../platform/logging.js';
import type { Tenant } from '../../platform/tenant.js';
import type { ChannelRegistry } from '../channels.js';
import type { RouteState, ScheduledRoute } from '../core/model.js';
import { evaluateSchedule, type RouteSchedule, type Voyage, voyageAt } from '../core/schedule.js';
import type { TransportMetrics } from '../metrics.js';
import type { TransportMessages } from '../producer.js';
import type { LoadedTenant } from '../tenants/loaded-tenant.js';
import { arrivalWarp, type TransitionAction, transitionActions, withVoyages } from './transition.js';
import { transitionMessages } from './transition-messages.js';
import type { Voyages } from './voyages.js';
import type { WarpDeps } from './warps.js';

export interface ScheduledRunnerDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: TransportMetrics;
  readonly channels: ChannelRegistry;
  readonly warps: WarpDeps;
  readonly messages: TransportMessages;
  readonly publish: (messages: readonly OutgoingMessage[]) => Promise<void>;
  readonly voyages: Voyages;
  /** Registers async work so that the application's idle() and shutdown wait for it. */
  readonly track: (work: Promise<unknown>) => void;
}

interface RouteRun {
  readonly tenant: Tenant;
  readonly route: ScheduledRoute;
  readonly schedule: RouteSchedule;
  state: RouteState;
  /** The trip aboard while in transit: its arrival is announced when the route leaves in_transit. */
  voyage: Voyage | undefined;
  timer: TimerHandle | undefined;
  /** The route's transitions run one after another, in boundary order, even when look-ups are slow. */
  work: Promise<void>;
}

interface QueuedTransition {
  readonly run: RouteRun;
  readonly actions: readonly TransitionAction[];
  readonly channels: ReturnType<ChannelRegistry['list']>;
  readonly to: RouteState;
  readonly at: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Drives every scheduled route with one timer on its next boundary (decisions C3), not a polling ticker:
 * a transition runs at its instant. A timer that fires late (a pause, a long GC, a suspended laptop) walks
 * every boundary it missed, in order, and performs each one's actions, so passengers are still delivered.
 */
export class ScheduledRunner {
  private readonly tenants = new Map<string, Map<string, RouteRun>>();
  private inFlight = 0;
  private stopped = false;
  private queued: QueuedTransition[] = [];
  private flushScheduled = false;

  constructor(private readonly deps: ScheduledRunnerDeps) {}

  /**
   * Starts serving a tenant's routes, or swaps in its reloaded configuration. The state at start-up is not
   * a transition (no event, no departure warp), but a route that is not travelling sweeps its en-route
   * maps to the destination: whoever is still aboard missed an arrival while the service was down (the
   * reference's start-up `awaiting_return` did the same), and voyages announced departed before the stop
   * whose arrival passed meanwhile are announced arrived. After a reload, a route whose state the new
   * timetable changes performs that transition now, so a trip cut short still delivers its passengers (a
   * travel-rate change instead hands over at the next boundary: see RouteSchedule). A route that disappears
   * while travelling delivers them too.
   */
  apply(loaded: LoadedTenant): void {
    const now = this.deps.clock.now();
    const tenantId = loaded.tenant.id;
    const previous = this.tenants.get(tenantId) ?? new Map<string, RouteRun>();
    const next = new Map<string, RouteRun>();
    for (const route of loaded.routes) {
      const schedule = loaded.schedules.get(route.id)!;
      const evaluation = evaluateSchedule(schedule, now);
      const old = previous.get(route.id);
      old?.timer?.cancel();
      const state = old?.state ?? evaluation.state;
      const run: RouteRun = {
        tenant: loaded.tenant,
        route,
        schedule,
        state,
        voyage: old ? old.voyage : state === 'in_transit' ? voyageAt(schedule, tenantId, now) : undefined,
        timer: undefined,
        work: old?.work ?? Promise.resolve(),
      };
      this.moveTo(run, evaluation.state, now, now);
      if (!old) {
        const sweep: TransitionAction[] = run.state === 'in_transit' ? [] : [arrivalWarp(route)];
        sweep.push({ kind: 'recover-voyages', sailing: run.voyage?.id });
        this.enqueue(run, sweep, run.state, now);
      }
      this.arm(run, evaluation.nextTransitionAt);
      next.set(route.id, run);
    }
    for (const [routeId, old] of previous) {
      if (next.has(routeId)) continue;
      old.timer?.cancel();
      this.moveTo(old, 'out_of_service', now, now);
    }
    this.tenants.set(tenantId, next);
  }

  /** Transitions whose warps and events are still being collected or sent. */
  pending(): number {
    return this.inFlight;
  }

  stop(): void {
    this.stopped = true;
    for (const runs of this.tenants.values()) for (const run of runs.values()) run.timer?.cancel();
  }

  // Label look-ups cost more than the increment; thousands of routes change at midnight.
  private readonly counters = new Map<RouteState, { inc(): void }>();

  private transitionCounter(state: RouteState): { inc(): void } {
    let counter = this.counters.get(state);
    if (!counter) {
      counter = this.deps.metrics.transitions.labels({ state });
      this.counters.set(state, counter);
    }
    return counter;
  }

  private arm(run: RouteRun, at: number | null): void {
    run.timer = undefined;
    if (at === null || this.stopped) return;
    run.timer = this.deps.clock.at(at, () => this.fire(run, at));
  }

  private fire(run: RouteRun, due: number): void {
    if (this.stopped) return;
    const now = this.deps.clock.now();
    let boundary: number | null = due;
    while (boundary !== null && boundary <= now) {
      const evaluation = evaluateSchedule(run.schedule, boundary);
      this.moveTo(run, evaluation.state, boundary, now);
      boundary = evaluation.nextTransitionAt;
    }
    this.arm(run, boundary);
  }

  private moveTo(run: RouteRun, to: RouteState, at: number, now: number): void {
    const from = run.state;
    const departing = to === 'in_transit' ? voyageAt(run.schedule, run.tenant.id, at) : undefined;
    if (from === to) {
      if (to !== 'in_transit' || departing?.id === run.voyage?.id) return;
      // Another trip is in transit from this instant (a reload or a travel-rate handover changed the
      // timetable): the trip aboard arrives first, then the new one departs.
      this.moveTo(run, 'awaiting_return', at, now);
      this.moveTo(run, 'in_transit', at, now);
      return;
    }
    const arriving = from === 'in_transit' ? run.voyage : undefined;
    run.state = to;
    run.voyage = departing;
    const { metrics, logger } = this.deps;
    this.transitionCounter(to).inc();
    metrics.lateness.observe(Math.max(0, now - at) / 1000);
    // At midnight thousands of routes change at once: build log fields only when they will be written.
    const departed = to === 'in_transit';
    const arrived = from === 'in_transit';
    const level = departed || arrived ? 'info' : 'debug';
    if (logger.isLevelEnabled(level)) {
      const fields = { tenantId: run.tenant.id, route: run.route.name, state: to, at: iso(at) };
      const text = departed ? 'departed' : arrived ? 'arrived' : `is ${to}`;
      logger[level](fields, `${run.route.name} ${text}`);
    }
    this.enqueue(run, withVoyages(transitionActions(run.route, from, to), arriving, departing), to, at);
  }

  private enqueue(run: RouteRun, actions: readonly TransitionAction[], to: RouteState, at: number): void {
    if (actions.length === 0) return;
    // Channels as they are at the boundary: a channel starting a moment later has nobody aboard yet.
    const channels = this.deps.channels.list(run.tenant.id);
    this.inFlight++;
    this.queued.push({ run, actions, channels, to, at });
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
    for (const { run, actions, channels, to, at } of queued) {
      run.work = run.work
        .then(() => this.perform(run, actions, channels, at))
        .catch((error) =>
          logger.error(
            { tenantId: run.tenant.id, route: run.route.name, state: to, at: iso(at), err: error },
            'transition messages could not be sent',
          ),
        )
        .finally(() => {
          this.inFlight--;
        });
      this.deps.track(run.work);
    }
  }

  private async perform(
    run: RouteRun,
    actions: readonly TransitionAction[],
    channels: ReturnType<ChannelRegistry['list']>,
    at: number,
  ): Promise<void> {
    const { parts, voyages } = await transitionMessages(this.deps, run, actions, channels, at);
    if (voyages) await this.deps.voyages.send(parts);
    else {
      const outgoing = (parts as OutgoingMessage[][]).flat();
      if (outgoing.length > 0) await this.deps.publish(outgoing);
    }
  }
}
