import type { Clock, TimerHandle } from '../../platform/clock.js';
import type { Tenant } from '../../platform/tenant.js';
import type { RouteEvaluation } from '../core/evaluate.js';
import type { RouteState } from '../core/model.js';
import { evaluateSchedule, type RouteSchedule } from '../core/schedule.js';
import { VoyageRef } from './voyage-ref.js';

/** How long after arming a route its next boundary is evaluated ahead. */
const PREPARE_AFTER_MS = 1_000;

/** What is known ahead of a route's armed boundary, for one schedule. */
export interface Prepared {
  readonly schedule: RouteSchedule;
  readonly at: number;
  readonly evaluation: RouteEvaluation;
  /** The trip departing at `at`, its id computed, when the route departs then. */
  readonly departing: VoyageRef | undefined;
}

/** What the preparation reads of a route the runner drives, and where it keeps what it prepared. */
export interface PreparedRoute {
  readonly tenant: Tenant;
  readonly schedule: RouteSchedule;
  readonly phase: string;
  readonly armedAt?: number | undefined;
  readonly armedState?: RouteState | undefined;
  prepared?: Prepared | undefined;
}

/**
 * A route's armed boundary, worked out ahead (issue 12): a while after arming, each route armed since is
 * evaluated at the boundary it waits for, and a departure's trip id (a SHA-1) computed, so that when the
 * boundary comes the walk on to the next one evaluates nothing (a tenth to a fifth of a replica's work at
 * midnight was evaluating timetables, which the instant does not need to wait for). The pass runs a second
 * after arming, so that a burst's re-arming is not followed at once by its own evaluations: they happen once
 * the burst's messages are out. The evaluation is a pure function of the schedule and the instant, so a route
 * evaluated ahead or at its boundary behaves alike; a route whose schedule changed meanwhile (a reload, a
 * control) is evaluated at its boundary as before.
 */
export class Ahead {
  private armed: PreparedRoute[] = [];
  private timer: TimerHandle | undefined;
  private stopped = false;

  constructor(private readonly clock: Clock) {}

  /** The route was armed: prepare its boundary in the next pass. */
  add(route: PreparedRoute): void {
    if (this.stopped) return;
    this.armed.push(route);
    this.timer ??= this.clock.after(PREPARE_AFTER_MS, () => this.prepare());
  }

  /** The schedule's evaluation at `at`: the one prepared for it when there is one. */
  evaluationAt(route: PreparedRoute, at: number): RouteEvaluation {
    return preparedFor(route, at)?.evaluation ?? evaluateSchedule(route.schedule, at);
  }

  /** The trip departing at `at`: the one prepared, its id computed, when there is one. */
  departingAt(route: PreparedRoute, at: number): VoyageRef {
    return preparedFor(route, at)?.departing ?? VoyageRef.at(route.schedule, route.tenant.id, at);
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.armed = [];
  }

  private prepare(): void {
    this.timer = undefined;
    const routes = this.armed;
    this.armed = [];
    for (const route of routes) {
      const at = route.armedAt;
      if (route.phase !== 'owned' || at === undefined || preparedFor(route, at)) continue;
      const { schedule } = route;
      const departing =
        route.armedState === 'in_transit' ? VoyageRef.at(schedule, route.tenant.id, at) : undefined;
      departing?.get(); // its id, a SHA-1, now rather than at the instant
      route.prepared = { schedule, at, evaluation: evaluateSchedule(schedule, at), departing };
    }
  }
}

/** What was prepared for the route's boundary at `at`, if it still holds (the schedule is the same). */
function preparedFor(route: PreparedRoute, at: number): Prepared | undefined {
  const prepared = route.prepared;
  return prepared !== undefined && prepared.at === at && prepared.schedule === route.schedule
    ? prepared
    : undefined;
}
