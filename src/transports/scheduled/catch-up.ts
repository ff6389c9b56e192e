import { evaluateSchedule } from '../core/schedule.js';
import type { RouteRun } from './route-run.js';
import { CATCH_UP_HORIZON_MS, type RecordedStep } from './steps.js';
import { transitionActions } from './transition.js';

/**
 * Whether a route taken over at `now` walks on from its last recorded step (every boundary since performed,
 * late, once) rather than starting as at a first start (the sweep): when nothing it missed is older than
 * CATCH_UP_HORIZON_MS. How late the first boundary nobody performed is counts, not the last step: a trip in
 * transit has none for long.
 */
export function catchesUp(run: RouteRun, last: RecordedStep, now: number): boolean {
  const missed = firstActingBoundary(run, last);
  return missed === null || now - missed <= CATCH_UP_HORIZON_MS;
}

/**
 * The first boundary after a route's last recorded step that does something (warps, events): only those are
 * recorded, so nothing was missed before it. Measured from the step's next boundary instead, a route whose
 * boarding was locked and then held longer than the catch-up horizon (open to locked does nothing) would be
 * taken over through the start-up sweep at its release, and its departure never announced. `null` when the
 * schedule has no boundary ahead; the 16th boundary when none of the first 15 acts.
 */
function firstActingBoundary(run: RouteRun, last: RecordedStep): number | null {
  let state = last.state;
  let evaluation = evaluateSchedule(run.schedule, last.at);
  for (let step = 0; step < 16 && evaluation.nextTransitionAt !== null; step++) {
    const at = evaluation.nextTransitionAt;
    evaluation = evaluateSchedule(run.schedule, at);
    // A boundary that keeps a route in transit changes trips (an arrival, then a departure): it acts too.
    const acts =
      evaluation.state === state
        ? state === 'in_transit'
        : transitionActions(run.route, state, evaluation.state).length > 0;
    if (acts) return at;
    state = evaluation.state;
  }
  return evaluation.nextTransitionAt;
}
