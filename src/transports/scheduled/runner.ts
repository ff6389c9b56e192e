import type { OutgoingMessage } from '../../platform/bus/messages.js';
import type { Clock, TimerHandle } from '../../platform/clock.js';
import { Delivery } from '../../platform/db/inbox.js';
import type { Logger } from '../../platform/logging.js';
import type { ChannelRegistry } from '../channels.js';
import type { RouteEvaluation } from '../core/evaluate.js';
import type { RouteState } from '../core/model.js';
import { evaluateSchedule, voyageAt } from '../core/schedule.js';
import type { TransportMetrics } from '../metrics.js';
import type { TransportMessages } from '../producer.js';
import type { LoadedTenant } from '../tenants/loaded-tenant.js';
import { Ahead } from './ahead.js';
import { catchesUp } from './catch-up.js';
import type { RouteRun } from './route-run.js';
import { type RecordedStep, type RouteOwnership, stateOrdinal, stepTopic, TIMETABLE_GROUP } from './steps.js';
import { arrivalWarp, type TransitionAction, transitionActions, withVoyages } from './transition.js';
import { iso, TransitionSender } from './transition-sender.js';
import { VoyageRef } from './voyage-ref.js';
import type { Voyages } from './voyages.js';
import type { WarpDeps } from './warps.js';

export interface ScheduledRunnerDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: TransportMetrics;
  readonly channels: ChannelRegistry;
  readonly warps: WarpDeps;
  readonly messages: TransportMessages;
  /** The durable send; `step` is the transition's record, written with its messages (see Delivery). */
  readonly publish: (messages: readonly OutgoingMessage[], step?: Delivery) => Promise<void>;
  readonly voyages: Voyages;
  /**
   * Which routes this replica drives and where their last recorded step left them (decisions E5). Without
   * it (one process, the benchmark) every route is this process's and starts from its timetable.
   */
  readonly ownership?: RouteOwnership;
  /** Registers async work so that the application's idle() and shutdown wait for it. */
  readonly track: (work: Promise<unknown>) => void;
}

/** How long after a failed takeover (its routes' last steps could not be read) it is tried again. */
const ACQUIRE_RETRY_MS = 1_000;

/** A state change made at its instant, whose consequences (counts, log, actions) follow in the same turn. */
interface Settling {
  readonly run: RouteRun;
  readonly from: RouteState;
  readonly to: RouteState;
  readonly at: number;
  readonly lateMs: number;
  readonly arriving: VoyageRef | undefined;
  readonly departing: VoyageRef | undefined;
}

/**
 * Drives every scheduled route with one timer on its next boundary (decisions C3), not a polling ticker:
 * a transition runs at its instant. A timer that fires late (a pause, a long GC, a suspended laptop) walks
 * every boundary it missed, in order, and performs each one's actions, so passengers are still delivered.
 *
 * With several replicas (decisions E5) each route is driven by the replica that owns it (see Fleet). A route
 * taken over (its owner died or left, or this replica just started) resumes from its last recorded step: the
 * boundaries due since are walked as a late timer walks them, so what the dead owner did not do is done once,
 * late, and what it did is not done again (the step's inbox record refuses it).
 */
export class ScheduledRunner {
  private readonly tenants = new Map<string, Map<string, RouteRun>>();
  private stopped = false;
  private readonly sender: TransitionSender;
  private acquiring: Promise<void> = Promise.resolve();
  private readonly ahead: Ahead;
  private retryAcquire: TimerHandle | undefined;

  constructor(private readonly deps: ScheduledRunnerDeps) {
    this.sender = new TransitionSender(deps);
    this.ahead = new Ahead(deps.clock);
  }

  /**
   * Starts serving a tenant's routes, or swaps in its reloaded configuration. A route seen for the first time
   * is resumed (see `resume`) once this replica owns it. After a reload, a route whose state the new
   * timetable changes performs that transition now, so a trip cut short still delivers its passengers (a
   * travel-rate change instead hands over at the next boundary: see RouteSchedule). A route that disappears
   * while travelling delivers them too.
   */
  apply(loaded: LoadedTenant): void {
    const now = this.deps.clock.now();
    const tenantId = loaded.tenant.id;
    const previous = this.tenants.get(tenantId) ?? new Map<string, RouteRun>();
    const next = new Map<string, RouteRun>();
    const fresh: RouteRun[] = [];
    for (const route of loaded.routes) {
      const schedule = loaded.schedules.get(route.id)!;
      const old = previous.get(route.id);
      old?.timer?.cancel();
      const run: RouteRun = {
        tenant: loaded.tenant,
        route,
        schedule,
        state: old?.state ?? 'out_of_service',
        changedAt: old?.changedAt,
        voyage: old?.voyage,
        timer: undefined,
        // Every field from the start: one shape for every run, whatever it has been through.
        armedAt: undefined,
        armedState: undefined,
        prepared: undefined,
        onTimer: () => this.fire(run),
        work: old?.work ?? Promise.resolve(),
        phase: old?.phase ?? 'unowned',
      };
      next.set(route.id, run);
      if (run.phase === 'owned') {
        const evaluation = evaluateSchedule(schedule, now);
        this.moveTo(run, evaluation.state, now, now);
        this.arm(run, evaluation.nextTransitionAt, evaluation.nextState);
      } else if (!old) fresh.push(run);
    }
    for (const [routeId, old] of previous) {
      if (next.has(routeId)) continue;
      old.timer?.cancel();
      if (old.phase === 'owned') this.moveTo(old, 'out_of_service', now, now);
      old.phase = 'unowned';
    }
    this.tenants.set(tenantId, next);
    if (!this.deps.ownership) {
      for (const run of fresh) {
        run.phase = 'owned';
        this.resume(run, undefined, now);
      }
    }
  }

  /**
   * A route's controls changed at `at` (issue 14): `loaded` carries its overlaid schedule. The route the
   * replica drives is walked again from that instant (or from its last state change, if later: a control
   * learned after a boundary it would have changed does not undo the boundary), as a late timer walks, so the
   * change's transitions are performed, recorded and announced as scheduled ones are.
   */
  controlsChanged(loaded: LoadedTenant, routeId: string, at: number): number | undefined {
    const run = this.tenants.get(loaded.tenant.id)?.get(routeId);
    const schedule = loaded.schedules.get(routeId);
    if (!run || !schedule) return undefined;
    const now = this.deps.clock.now();
    const from = Math.min(now, Math.max(at, run.changedAt ?? at));
    const sailing = run.state === 'in_transit' ? run.voyage?.get()?.id : undefined;
    // Learned after the departure it would have stopped: the voyage stands; its instant goes back to the caller.
    if (run.phase === 'owned' && sailing && voyageAt(schedule, run.tenant.id, from)?.id !== sailing)
      return run.changedAt;
    run.schedule = schedule;
    if (run.phase !== 'owned' || this.stopped) return undefined;
    run.timer?.cancel();
    this.walk(run, from, now);
    return undefined;
  }

  /**
   * Takes the routes this replica now owns and lets go of those it no longer owns. Called after every
   * membership change and after loading tenants. Acquisitions run one after another, so a route is never
   * resumed twice at once.
   */
  rebalance(): Promise<void> {
    const ownership = this.deps.ownership;
    if (!ownership || this.stopped) return this.acquiring;
    this.acquiring = this.acquiring.then(() => this.acquire(ownership));
    return this.acquiring;
  }

  /** Routes this replica drives now. */
  owned(): number {
    let count = 0;
    for (const runs of this.tenants.values())
      for (const run of runs.values()) if (run.phase === 'owned') count++;
    return count;
  }

  /**
   * How long the most overdue boundary of a route this replica drives has been waiting for its timer, 0 when
   * none is: a blocked event loop or a timer lost would show here before any lateness is observed (the
   * lateness histogram only learns of a transition once it runs). One pass over the routes, at scrape time.
   */
  overdueMs(now: number): number {
    let oldest = now;
    for (const runs of this.tenants.values())
      for (const run of runs.values())
        if (run.phase === 'owned' && run.timer && run.armedAt !== undefined && run.armedAt < oldest)
          oldest = run.armedAt;
    return now - oldest;
  }

  /** Transitions whose warps and events are still being collected or sent. */
  pending(): number {
    return this.sender.pending();
  }

  stop(): void {
    this.stopped = true;
    for (const runs of this.tenants.values()) for (const run of runs.values()) run.timer?.cancel();
    this.ahead.stop();
    this.sender.stop();
    this.retryAcquire?.cancel();
  }

  private async acquire(ownership: RouteOwnership): Promise<void> {
    const gained: RouteRun[] = [];
    for (const runs of this.tenants.values()) {
      for (const run of runs.values()) {
        const owns = ownership.owns(run.tenant.id, run.route.id);
        if (owns && run.phase === 'unowned') {
          run.phase = 'acquiring';
          gained.push(run);
        } else if (!owns && run.phase !== 'unowned') {
          run.phase = 'unowned';
          run.timer?.cancel();
          run.timer = undefined;
        }
      }
    }
    if (gained.length === 0 || this.stopped) return;
    let steps: Map<string, RecordedStep>;
    try {
      steps = await ownership.lastSteps(gained.map((run) => stepTopic(run.tenant.id, run.route.id)));
    } catch (error) {
      // Not resumed blind: tried again shortly. Not left to the next membership change, which in a steady
      // fleet may never come: the routes would go undriven.
      for (const run of gained) if (run.phase === 'acquiring') run.phase = 'unowned';
      this.deps.logger.error({ err: error }, 'routes could not be taken over; trying again');
      this.retryAcquire ??= this.deps.clock.after(ACQUIRE_RETRY_MS, () => {
        this.retryAcquire = undefined;
        this.deps.track(this.rebalance());
      });
      return;
    }
    const now = this.deps.clock.now();
    for (const taken of gained) {
      // A reload may have replaced the run while its step was read: resume the current one.
      const run = this.tenants.get(taken.tenant.id)?.get(taken.route.id);
      if (run?.phase !== 'acquiring' || this.stopped) continue;
      run.phase = 'owned';
      this.resume(run, steps.get(stepTopic(run.tenant.id, run.route.id)), now);
    }
    this.deps.logger.info({ routes: gained.length, owned: this.owned() }, 'routes taken over');
  }

  /**
   * Starts driving a route. After a recent recorded step, every boundary since is walked (the catch-up of a
   * takeover). Otherwise, as at the first start, the state found is not a transition (no event, no departure
   * warp), but a route that is not travelling sweeps its en-route maps to the destination (whoever is aboard
   * missed an arrival while nobody drove the route; the reference's start-up `awaiting_return` did the same),
   * and voyages announced departed whose arrival passed meanwhile are announced arrived. The sweep is
   * recorded as a step just before the next boundary, an instant every replica computes alike, so two
   * replicas taking the route over at once sweep once.
   */
  private resume(run: RouteRun, last: RecordedStep | undefined, now: number): void {
    const { schedule, tenant, route } = run;
    if (last && catchesUp(run, last, now)) {
      run.state = last.state;
      run.changedAt = last.at;
      run.voyage = last.state === 'in_transit' ? VoyageRef.at(schedule, tenant.id, last.at) : undefined;
      // A sweep's step lies just before the next boundary, possibly still ahead: nothing is due before it.
      const from = Math.min(last.at, now);
      // The recorded state holds at its instant, even where this replica's schedule says otherwise then (a
      // control or a reload it has not learned of yet): only the boundaries after it are walked, so that a
      // takeover never records a second, contradicting step at the instant of the last one.
      this.walkOn(run, this.ahead.evaluationAt(run, from), now);
      return;
    }
    const evaluation = evaluateSchedule(schedule, now);
    run.state = evaluation.state;
    run.changedAt = now;
    run.voyage = VoyageRef.of(run.state === 'in_transit' ? voyageAt(schedule, tenant.id, now) : undefined);
    const sweep: TransitionAction[] = run.state === 'in_transit' ? [] : [arrivalWarp(route)];
    sweep.push({ kind: 'recover-voyages', sailing: run.voyage?.get()?.id });
    const next = evaluation.nextTransitionAt;
    this.enqueue(run, sweep, run.state, next === null || next <= now ? now : next - 1);
    this.arm(run, next, evaluation.nextState);
  }

  /** `state` is the route's state from `at` on, known now: the timer sets it without evaluating anything. */
  private arm(run: RouteRun, at: number | null, state: RouteState): void {
    // One live timer per route (fire reads what it was armed with from the run); a fired one is a no-op.
    run.timer?.cancel();
    run.timer = undefined;
    run.armedAt = undefined;
    run.armedState = undefined;
    if (at === null || this.stopped || run.phase !== 'owned') return;
    run.armedAt = at;
    run.armedState = state;
    run.timer = this.deps.clock.at(at, run.onTimer);
    this.ahead.add(run);
  }

  /**
   * A boundary is due: the state changes now, and the walk on to the next boundary (which also catches up
   * boundaries a late timer missed) follows once every route due at this instant has changed state.
   */
  private fire(run: RouteRun): void {
    // A route has one live timer at a time (arm cancels the previous one): what it was armed with is on the run.
    const due = run.armedAt;
    const state = run.armedState;
    if (this.stopped || run.phase !== 'owned' || due === undefined || state === undefined) return;
    const now = this.deps.clock.now();
    this.moveTo(run, state, due, now);
    this.continuing.push({ run, due, now });
    this.scheduleSettle();
  }

  /** Performs every boundary from `from` up to `now`, in order, then arms the timer on the next one. */
  private walk(run: RouteRun, from: number, now: number): void {
    const evaluation = this.ahead.evaluationAt(run, from);
    this.moveTo(run, evaluation.state, from, now);
    this.walkOn(run, evaluation, now);
  }

  /** Performs every boundary after the one `evaluation` was made at, up to `now`, then arms the next. */
  private walkOn(run: RouteRun, evaluation: RouteEvaluation, now: number): void {
    while (evaluation.nextTransitionAt !== null && evaluation.nextTransitionAt <= now) {
      const at = evaluation.nextTransitionAt;
      evaluation = evaluateSchedule(run.schedule, at);
      this.moveTo(run, evaluation.state, at, now);
    }
    this.arm(run, evaluation.nextTransitionAt, evaluation.nextState);
  }

  /**
   * The state change itself, at its instant: everything else it causes (counts, the log line, the trip's id,
   * the actions) is settled right after every state change due at that instant was made, so that 12,000
   * routes at midnight all change state within milliseconds of it (issue 13: lateness at the floor of the
   * timers), and their look-ups and messages follow in the next turns.
   */
  private moveTo(run: RouteRun, to: RouteState, at: number, now: number): void {
    const from = run.state;
    if (from === to) {
      if (to !== 'in_transit') return;
      // Another trip is in transit from this instant (a reload or a travel-rate handover changed the
      // timetable): the trip aboard arrives first, then the new one departs. Rare: computed at once.
      if (voyageAt(run.schedule, run.tenant.id, at)?.id === run.voyage?.get()?.id) return;
      this.moveTo(run, 'awaiting_return', at, now);
      this.moveTo(run, 'in_transit', at, now);
      return;
    }
    const arriving = from === 'in_transit' ? run.voyage : undefined;
    const departing = to === 'in_transit' ? this.ahead.departingAt(run, at) : undefined;
    run.state = to;
    run.voyage = departing;
    run.changedAt = at;
    this.settling.push({ run, from, to, at, lateMs: Math.max(0, now - at), arriving, departing });
    this.scheduleSettle();
  }

  private settling: Settling[] = [];
  private continuing: Array<{ readonly run: RouteRun; readonly due: number; readonly now: number }> = [];
  private settleScheduled = false;

  private scheduleSettle(): void {
    if (this.settleScheduled) return;
    this.settleScheduled = true;
    queueMicrotask(() => this.settle());
  }

  private settle(): void {
    this.settleScheduled = false;
    const continuing = this.continuing;
    this.continuing = [];
    for (const { run, due, now } of continuing) {
      // Its state at `due` is set; a late timer's further boundaries are walked with the lateness of `now`.
      if (run.phase === 'owned') this.walk(run, due, now);
    }
    const settling = this.settling;
    this.settling = [];
    const { metrics, logger } = this.deps;
    for (const { run, from, to, at, lateMs, arriving, departing } of settling) {
      metrics.transitions.inc(to);
      metrics.lateness.observe(lateMs / 1000);
      // At midnight thousands of routes change at once: build log fields only when they will be written.
      const departed = to === 'in_transit';
      const arrived = from === 'in_transit';
      const level = departed || arrived ? 'info' : 'debug';
      if (logger.isLevelEnabled(level)) {
        const fields = { tenantId: run.tenant.id, route: run.route.name, state: to, at: iso(at) };
        const text = departed ? 'departed' : arrived ? 'arrived' : `is ${to}`;
        logger[level](fields, `${run.route.name} ${text}`);
      }
      const actions = transitionActions(run.route, from, to);
      this.enqueue(run, withVoyages(actions, arriving?.get(), departing?.get()), to, at);
    }
  }

  private enqueue(run: RouteRun, actions: readonly TransitionAction[], to: RouteState, at: number): void {
    if (actions.length === 0) return;
    const step = this.deps.ownership
      ? new Delivery(TIMETABLE_GROUP, stepTopic(run.tenant.id, run.route.id), stateOrdinal(to), at)
      : undefined;
    this.sender.enqueue(run, actions, to, at, step);
  }
}
