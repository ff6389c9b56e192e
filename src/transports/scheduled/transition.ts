import type { RouteState, ScheduledRoute } from '../core/model.js';
import type { Voyage } from '../core/schedule.js';
import type { RouteStatusType, VoyageStatusType } from '../producer.js';

/** Move everyone standing in `fromMapIds` (every registered channel) to `toMapId`. */
export interface WarpAction {
  readonly kind: 'warp';
  readonly purpose: 'departure' | 'arrival' | 'return';
  readonly fromMapIds: readonly number[];
  readonly toMapId: number;
}

export interface EventAction {
  readonly kind: 'event';
  readonly type: RouteStatusType;
  readonly mapId: number;
}

/** VOYAGE_DEPARTED / VOYAGE_ARRIVED on every channel, when the voyage was not announced so already. */
export interface VoyageAction {
  readonly kind: 'voyage';
  readonly type: VoyageStatusType;
  readonly voyage: Voyage;
}

/**
 * At start-up: the route's voyages announced departed and never arrived, other than the one sailing now,
 * landed while the service was down. Their arrival is announced now.
 */
export interface RecoverVoyagesAction {
  readonly kind: 'recover-voyages';
  readonly sailing: string | undefined;
}

export type TransitionAction = WarpAction | EventAction | VoyageAction | RecoverVoyagesAction;

/**
 * The transition's actions with its voyage events placed as HEAD places them: VOYAGE_ARRIVED right after the
 * arrival warp (before an ARRIVED), VOYAGE_DEPARTED after the departure warp and before DEPARTED.
 */
export function withVoyages(
  actions: readonly TransitionAction[],
  arriving: Voyage | undefined,
  departing: Voyage | undefined,
): readonly TransitionAction[] {
  if (!arriving && !departing) return actions;
  const placed: TransitionAction[] = [];
  let arrivalPlaced = arriving === undefined;
  for (const action of actions) {
    if (departing && action.kind === 'event' && action.type === 'DEPARTED') {
      placed.push({ kind: 'voyage', type: 'VOYAGE_DEPARTED', voyage: departing });
    }
    placed.push(action);
    if (!arrivalPlaced && action.kind === 'warp' && action.purpose === 'arrival') {
      placed.push({ kind: 'voyage', type: 'VOYAGE_ARRIVED', voyage: arriving! });
      arrivalPlaced = true;
    }
  }
  if (!arrivalPlaced) placed.unshift({ kind: 'voyage', type: 'VOYAGE_ARRIVED', voyage: arriving! });
  return placed;
}

/** Everyone aboard (every en-route map) goes ashore at the destination. */
export function arrivalWarp(route: ScheduledRoute): WarpAction {
  return {
    kind: 'warp',
    purpose: 'arrival',
    fromMapIds: route.enRouteMapIds,
    toMapId: route.destinationMapId,
  };
}

/**
 * What a route does when its state changes from `from` to `to` (transports.md §3.5), warps first and the
 * event last, as the reference buffers them:
 *
 * - leaving `in_transit`, whatever comes next, delivers everyone in every en-route map to the destination
 *   (decisions C4: the reference tied delivery to entering `awaiting_return`, so the day's last trip, which
 *   goes to `out_of_service`, and routes whose cycle equals their trip length stranded their passengers);
 * - entering `awaiting_return` does the same even when not coming from `in_transit` (the reference's sweep
 *   at midnight and after start-up): anyone left in an en-route map while the ship is away goes ashore;
 * - entering `open_entry` announces ARRIVED (the ship is at the dock, boarding opens);
 * - entering `in_transit` moves the staging map into the first en-route map, then announces DEPARTED;
 * - `locked_entry` does nothing of its own; neither does `out_of_service`, except that an outage cutting a
 *   boarding short (open or locked entry to out_of_service, which the timetable alone never does) sends whoever
 *   waits on the dock back to the route's start map, as a logout there does (transports.md §3.6).
 */
export function transitionActions(
  route: ScheduledRoute,
  from: RouteState,
  to: RouteState,
): readonly TransitionAction[] {
  let byRoute = memo.get(route);
  if (!byRoute) {
    byRoute = [];
    memo.set(route, byRoute);
  }
  // Indexed by the pair of states, not a string key built per call: 12,000 routes change at midnight.
  const key = STATE_INDEX[from] * STATE_COUNT + STATE_INDEX[to];
  let actions = byRoute[key];
  if (!actions) {
    actions = decideActions(route, from, to);
    byRoute[key] = actions;
  }
  return actions;
}

const STATE_INDEX: { readonly [state in RouteState]: number } = {
  out_of_service: 0,
  awaiting_return: 1,
  open_entry: 2,
  locked_entry: 3,
  in_transit: 4,
};
const STATE_COUNT = 5;

// A route's actions depend only on its (immutable) configuration and the two states: computed once each.
const memo = new WeakMap<ScheduledRoute, Array<readonly TransitionAction[] | undefined>>();

function decideActions(route: ScheduledRoute, from: RouteState, to: RouteState): TransitionAction[] {
  const actions: TransitionAction[] = [];
  if (from === to) return actions;
  if (from === 'in_transit' || to === 'awaiting_return') actions.push(arrivalWarp(route));
  if (to === 'out_of_service' && (from === 'open_entry' || from === 'locked_entry')) {
    actions.push({
      kind: 'warp',
      purpose: 'return',
      fromMapIds: [route.stagingMapId],
      toMapId: route.startMapId,
    });
  }
  if (to === 'open_entry') actions.push({ kind: 'event', type: 'ARRIVED', mapId: route.observationMapId });
  if (to === 'in_transit') {
    actions.push({
      kind: 'warp',
      purpose: 'departure',
      fromMapIds: [route.stagingMapId],
      toMapId: route.enRouteMapIds[0]!,
    });
    actions.push({ kind: 'event', type: 'DEPARTED', mapId: route.observationMapId });
  }
  return actions;
}
