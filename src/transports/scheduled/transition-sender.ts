import type { OutgoingMessage } from '../../platform/bus/messages.js';
import { backoffMs, type TimerHandle } from '../../platform/clock.js';
import { AlreadyConsumed, type Delivery } from '../../platform/db/inbox.js';
import { charactersInFields, type Field, type FieldQuery } from '../../platform/fields.js';
import type { Tenant } from '../../platform/tenant.js';
import type { ChannelRegistry } from '../channels.js';
import type { RouteState, ScheduledRoute } from '../core/model.js';
import type { Voyage } from '../core/schedule.js';
import type { Warp } from '../producer.js';
import type { ScheduledRunnerDeps } from './runner.js';
import type { TransitionAction } from './transition.js';
import { buildTransitionMessages, type TransitionParts } from './transition-messages.js';
import { spawnPortalPicker, standing, warpFields, warpsTo } from './warps.js';

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
 *
 * The transitions queued in one turn (every route due at one instant: 12,000 at midnight) are sent as one
 * burst: one presence look-up for every field of every warp of the burst, one portal look-up per tenant and
 * destination, then each transition's messages built and handed to its own durable send (its own step
 * record and transaction, as before), without a promise chain per transition.
 */
export class TransitionSender {
  private inFlight = 0;
  private queued: QueuedTransition[] = [];
  private flushScheduled = false;
  /** Routes with a transition being sent, and how many: a route's next transition waits for them. */
  private readonly busy = new Map<SendingRoute, number>();
  /** Sends waiting to be tried again (see deliver): stopping wakes them, to give up. */
  private readonly waiting = new Map<TimerHandle, () => void>();
  private stopped = false;

  constructor(private readonly deps: ScheduledRunnerDeps) {}

  /** No send is tried again from now on: those waiting give up (the runner is stopping). */
  stop(): void {
    this.stopped = true;
    for (const [timer, wake] of this.waiting) {
      timer.cancel();
      wake();
    }
    this.waiting.clear();
  }

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
   * A transition of a route still sending an earlier one, or one that reads the voyage log (a start-up
   * sweep), waits on the route's own chain instead, and is then sent the same way, as a burst of one.
   */
  private flush(): void {
    this.flushScheduled = false;
    const queued = this.queued;
    this.queued = [];
    const burst: QueuedTransition[] = [];
    const chained: QueuedTransition[] = [];
    for (const transition of queued) {
      const { run } = transition;
      const sending = this.busy.get(run) ?? 0;
      this.busy.set(run, sending + 1);
      if (sending === 0 && !transition.actions.some((action) => action.kind === 'recover-voyages'))
        burst.push(transition);
      else chained.push(transition);
    }
    if (burst.length > 0) {
      const sent = this.sendBurst(burst);
      // A later transition of one of these routes (a late timer's walk) waits for the whole burst.
      for (const { run } of burst) run.work = sent;
      this.deps.track(sent);
    }
    // The same send as a burst's, of one transition, once the route's earlier ones are sent.
    for (const transition of chained) {
      const { run } = transition;
      run.work = run.work.then(() => this.sendBurst([transition]));
      this.deps.track(run.work);
    }
  }

  /** Hands a transition's messages to its durable send; settles when they are written. */
  private send(transition: QueuedTransition, { parts, voyages }: TransitionParts): Promise<void> {
    const { step } = transition;
    if (voyages) return this.deps.voyages.send(parts, step);
    const outgoing =
      parts.length === 1 ? (parts[0] as OutgoingMessage[]) : (parts as OutgoingMessage[][]).flat();
    if (outgoing.length > 0 || step) return this.deps.publish(outgoing, step);
    return Promise.resolve();
  }

  private async sendBurst(burst: readonly QueuedTransition[]): Promise<void> {
    const sends: Array<Promise<void>> = [];
    try {
      await this.sendEach(burst, sends);
    } catch (error) {
      // Not expected (look-up failures are answers): the transitions not handed over yet fail, logged.
      for (let i = sends.length; i < burst.length; i++) this.failed(burst[i]!, error);
    }
    await Promise.all(sends);
  }

  /**
   * Looks up, builds and hands over every transition of a burst; `sends` gets each one's send, in order: the
   * presence queries (presenceQueries), who stands where (whoStands), the portal pickers, the voyages a sweep
   * recovers (recoveries), then each transition's messages.
   */
  private async sendEach(burst: readonly QueuedTransition[], sends: Array<Promise<void>>): Promise<void> {
    const { queries, warpsAsked } = presenceQueries(burst);
    const answers = await charactersInFields(this.deps.warps.directory, queries);
    const { found, pickers } = this.whoStands(burst, warpsAsked, answers);
    const picks = new Map<Tenant, Map<number, () => number>>();
    for (const [tenant, byMap] of pickers) {
      const picked = new Map<number, () => number>();
      for (const [mapId, picker] of byMap) picked.set(mapId, await picker);
      picks.set(tenant, picked);
    }
    const recoveries = this.recoveries(burst);
    let slice = performance.now();
    for (let i = 0; i < burst.length; i++) {
      // A burst of thousands is built in slices of about SLICE_MS, the event loop free between them: a timer
      // due meanwhile (another route's boundary, a lease tick) fires on time, and the sends already handed
      // over go out, instead of all waiting for the last transition to be built.
      if (i % 32 === 31 && performance.now() - slice > SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
      const transition = burst[i]!;
      const here = found[i];
      const warps = here && warpsOf(transition, here, picks.get(transition.run.tenant)!);
      const recovering = recoveries.get(i);
      sends.push(
        this.finish(
          transition,
          recovering
            ? recovering.then((recovered) => this.build(transition, warps, recovered))
            : this.build(transition, warps),
        ),
      );
    }
  }

  /**
   * Who stands where, per transition and warp action, from the answers to `presenceQueries`; and a spawn
   * portal picker asked for, per tenant and destination that has somebody to warp.
   */
  private whoStands(
    burst: readonly QueuedTransition[],
    warpsAsked: ReadonlyArray<readonly Field[]>,
    answers: readonly PromiseSettledResult<number[]>[],
  ) {
    const { warps } = this.deps;
    const found: Array<Standing[] | undefined> = [];
    const pickers = new Map<Tenant, Map<number, Promise<() => number>>>();
    let offset = 0;
    let asked = 0;
    for (let i = 0; i < burst.length; i++) {
      const { run, actions } = burst[i]!;
      let byAction: Standing[] | undefined;
      for (let index = 0; index < actions.length; index++) {
        const action = actions[index]!;
        if (action.kind !== 'warp') continue;
        const fields = warpsAsked[asked++]!;
        const here = standing(warps, run.tenant, fields, answers, offset);
        offset += fields.length;
        if (here.length === 0) continue;
        byAction ??= [];
        byAction[index] = here;
        let byMap = pickers.get(run.tenant);
        if (!byMap) {
          byMap = new Map();
          pickers.set(run.tenant, byMap);
        }
        if (!byMap.has(action.toMapId))
          byMap.set(action.toMapId, spawnPortalPicker(warps, run.tenant, action.toMapId));
      }
      found.push(byAction);
    }
    return { found, pickers };
  }

  /** The voyages a start-up sweep announces arrived, read per transition: a failed read fails only its own. */
  private recoveries(burst: readonly QueuedTransition[]): Map<number, Promise<readonly Voyage[]>> {
    const recoveries = new Map<number, Promise<readonly Voyage[]>>();
    for (let i = 0; i < burst.length; i++) {
      const { run, actions } = burst[i]!;
      for (const action of actions)
        if (action.kind === 'recover-voyages')
          recoveries.set(
            i,
            this.deps.voyages
              .unarrived(run.tenant.id, run.route.id)
              .then((voyages) => voyages.filter((voyage) => voyage.id !== action.sailing)),
          );
    }
    return recoveries;
  }

  /** Builds a transition's messages and hands them to its durable send; a failure to build is its send's. */
  private build(
    transition: QueuedTransition,
    warps: ReadonlyArray<readonly Warp[] | undefined> | undefined,
    recovered?: readonly Voyage[],
  ): Promise<void> {
    const { run, actions, channels, at } = transition;
    let parts: TransitionParts;
    try {
      parts = buildTransitionMessages(this.deps.messages, run, actions, channels, at, warps, recovered);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.deliver(transition, parts);
  }

  /**
   * Hands a transition's messages to its durable send, and again after a failure to write them (the database
   * out of reach a moment, a failover): the state already changed, so a send given up would lose the step's
   * warps and events for good. Trying again is safe: the step's record makes a second write of one step
   * impossible (AlreadyConsumed), even after a commit whose answer was lost. Meanwhile the route's next
   * transition waits, so its messages stay in order. It gives up when another replica performed the step,
   * when the route is no longer this replica's (its new owner walks on from the last step recorded, which
   * this one is not, and performs it), or when the runner stops.
   */
  private deliver(transition: QueuedTransition, parts: TransitionParts): Promise<void> {
    // The first try is the send itself: nothing more is made per transition for the retries that rarely come.
    return this.send(transition, parts).catch((error: unknown) => this.tryAgain(transition, parts, error));
  }

  private async tryAgain(
    transition: QueuedTransition,
    parts: TransitionParts,
    failure: unknown,
  ): Promise<void> {
    let error = failure;
    for (let attempt = 1; ; attempt++) {
      if (error instanceof AlreadyConsumed || !this.stillDriving(transition.run)) throw error;
      const { run, to, at } = transition;
      this.deps.metrics.sendRetries.inc();
      this.deps.logger.warn(
        { tenantId: run.tenant.id, route: run.route.name, state: to, at: iso(at), attempt, err: error },
        'transition messages could not be written; trying again',
      );
      await this.pause(backoffMs(attempt, RETRY_MS, RETRY_MAX_MS));
      if (!this.stillDriving(run)) throw error;
      try {
        await this.send(transition, parts);
        return;
      } catch (next) {
        error = next;
      }
    }
  }

  /** Whether this replica still drives the route (always, without ownership: one process) and is running. */
  private stillDriving(run: SendingRoute): boolean {
    return !this.stopped && (this.deps.ownership?.owns(run.tenant.id, run.route.id) ?? true);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.deps.clock.after(ms, () => {
        this.waiting.delete(timer);
        resolve();
      });
      this.waiting.set(timer, resolve);
    });
  }

  /** A transition's send settled: the route may go on; a failure is logged (or told apart, see failed). */
  private async finish(transition: QueuedTransition, sending: Promise<void>): Promise<void> {
    try {
      await sending;
    } catch (error) {
      this.failed(transition, error);
      return;
    }
    this.done(transition);
  }

  private done(transition: QueuedTransition): void {
    this.inFlight--;
    const left = this.busy.get(transition.run)! - 1;
    if (left === 0) this.busy.delete(transition.run);
    else this.busy.set(transition.run, left);
  }

  private failed(transition: QueuedTransition, error: unknown): void {
    this.done(transition);
    const { run, to, at } = transition;
    const { logger } = this.deps;
    if (error instanceof AlreadyConsumed) {
      // Another replica performed this boundary first (a takeover overlapping its last moments).
      this.deps.metrics.stepsElsewhere.inc();
      logger.debug({ tenantId: run.tenant.id, route: run.route.name, at: iso(at) }, 'performed elsewhere');
      return;
    }
    logger.error(
      { tenantId: run.tenant.id, route: run.route.name, state: to, at: iso(at), err: error },
      'transition messages could not be sent',
    );
  }
}

type Standing = ReturnType<typeof standing>;

/**
 * Every field of every warp of a burst, to be asked at once; `warpsAsked[w]` are the fields of the burst's w-th
 * warp action, whose answers follow those of the warps before it.
 */
function presenceQueries(burst: readonly QueuedTransition[]) {
  const queries: FieldQuery[] = [];
  const warpsAsked: Array<readonly Field[]> = [];
  for (const { run, actions, channels } of burst)
    for (const action of actions)
      if (action.kind === 'warp') {
        const fields = warpFields(channels, action.fromMapIds);
        warpsAsked.push(fields);
        for (const field of fields) queries.push({ tenant: run.tenant, field });
      }
  return { queries, warpsAsked };
}

/** A transition's warps, per action, of everyone found standing where its warp actions look. */
function warpsOf(
  { actions }: QueuedTransition,
  found: ReadonlyArray<Standing | undefined>,
  picks: ReadonlyMap<number, () => number>,
): Array<readonly Warp[] | undefined> {
  // Most transitions of a burst find nobody to warp: they have no list of warps at all (found is undefined).
  const warps: Array<readonly Warp[] | undefined> = [];
  for (let index = 0; index < actions.length; index++) {
    const here = found[index];
    if (!here) continue;
    const action = actions[index] as Extract<TransitionAction, { kind: 'warp' }>;
    warps[index] = warpsTo(here, action.toMapId, picks.get(action.toMapId)!);
  }
  return warps;
}

/** The first wait before a failed send is tried again; each failure doubles it, up to RETRY_MAX_MS. */
const RETRY_MS = 1_000;
const RETRY_MAX_MS = 30_000;

/** The longest the event loop stays with one burst before letting timers and I/O run. */
const SLICE_MS = 4;
