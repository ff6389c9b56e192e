import { describe, expect, it } from 'vitest';
import type { RouteState, ScheduledRoute } from '../core/model.js';
import { transitionActions } from './transition.js';

const boat: ScheduledRoute = {
  id: 'r',
  slug: 'boat',
  name: 'boat',
  startMapId: 1,
  stagingMapId: 2,
  enRouteMapIds: [3, 4],
  destinationMapId: 5,
  observationMapId: 1,
  boardingWindowMs: 1,
  preDepartureMs: 1,
  travelMs: 1,
  cycleIntervalMs: 3,
};

const ARRIVAL = { kind: 'warp', purpose: 'arrival', fromMapIds: [3, 4], toMapId: 5 };
const DEPARTURE = { kind: 'warp', purpose: 'departure', fromMapIds: [2], toMapId: 3 };
const ARRIVED = { kind: 'event', type: 'ARRIVED', mapId: 1 };
const DEPARTED = { kind: 'event', type: 'DEPARTED', mapId: 1 };

describe('what a route does on a state change', () => {
  it.each<[RouteState, RouteState, unknown[]]>([
    ['awaiting_return', 'open_entry', [ARRIVED]],
    ['out_of_service', 'open_entry', [ARRIVED]],
    ['open_entry', 'locked_entry', []],
    ['locked_entry', 'in_transit', [DEPARTURE, DEPARTED]],
    ['open_entry', 'in_transit', [DEPARTURE, DEPARTED]], // no pre-departure (subway)
    ['in_transit', 'awaiting_return', [ARRIVAL]],
    ['in_transit', 'out_of_service', [ARRIVAL]], // the day's last trip still delivers (C4)
    ['in_transit', 'open_entry', [ARRIVAL, ARRIVED]], // cycle equal to the trip length (C4)
    ['out_of_service', 'awaiting_return', [ARRIVAL]], // the sweep at midnight
    ['awaiting_return', 'out_of_service', []],
    ['open_entry', 'open_entry', []],
  ])('%s → %s', (from, to, actions) => {
    expect(transitionActions(boat, from, to)).toEqual(actions);
  });
});
