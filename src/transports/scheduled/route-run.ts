import type { TimerHandle } from '../../platform/clock.js';
import type { Tenant } from '../../platform/tenant.js';
import type { RouteState, ScheduledRoute } from '../core/model.js';
import type { RouteSchedule } from '../core/schedule.js';
import type { Prepared } from './ahead.js';
import type { VoyageRef } from './voyage-ref.js';

// What the scheduled runner keeps of each route it knows (runner.ts), whether it drives it or not.

/** `unowned`: another replica drives it; `acquiring`: its last step is being read; `owned`: its timer is ours. */
export type Phase = 'unowned' | 'acquiring' | 'owned';

export interface RouteRun {
  readonly tenant: Tenant;
  readonly route: ScheduledRoute;
  schedule: RouteSchedule;
  state: RouteState;
  /** The instant of the last state change: a control learned late never rewrites what was performed. */
  changedAt?: number | undefined;
  /** The trip aboard while in transit: its arrival is announced when the route leaves in_transit. */
  voyage: VoyageRef | undefined;
  timer: TimerHandle | undefined;
  /** The boundary `timer` waits for, kept to tell how late a timer that has not fired is (overdueMs). */
  armedAt?: number | undefined;
  /** The route's state from `armedAt` on, known when the timer was armed. */
  armedState?: RouteState | undefined;
  /**
   * What was worked out ahead of the boundary at `armedAt` (see Ahead), so that the walk on from it does not
   * evaluate the timetable at the instant. Valid for that schedule only.
   */
  prepared?: Prepared | undefined;
  /** What the timer calls: made once per route, not a closure per boundary (12,000 re-arm at midnight). */
  readonly onTimer: () => void;
  /** The route's transitions run one after another, in boundary order, even when look-ups are slow. */
  work: Promise<void>;
  phase: Phase;
}
