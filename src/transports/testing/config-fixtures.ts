// Configuration resources for tests: a valid boat route, vessel and instance route, with any attribute
// overridden.

export function boatRoute(
  attributes: Record<string, unknown> = {},
  id: unknown = 'boat-x',
): Record<string, unknown> {
  return {
    id,
    type: 'routes',
    attributes: {
      name: 'boat-x',
      startMapId: 101000300,
      stagingMapId: 101000301,
      enRouteMapIds: [200090010, 200090011],
      destinationMapId: 200000100,
      observationMapId: 101000300,
      boardingWindowDuration: 4,
      preDepartureDuration: 1,
      travelDuration: 10,
      cycleInterval: 15,
      ...attributes,
    },
  };
}

export function vessel(attributes: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'ship',
    type: 'vessels',
    attributes: { name: 'ship', routeAID: 'a', routeBID: 'b', turnaroundDelay: 5, ...attributes },
  };
}

export function ferry(attributes: Record<string, unknown> = {}, id = 'ferry'): Record<string, unknown> {
  return {
    id,
    type: 'instance-routes',
    attributes: {
      name: id,
      startMapId: 101000400,
      transitMapIds: [200090030],
      destinationMapId: 130000210,
      capacity: 1,
      boardingWindowSeconds: 1,
      travelDurationSeconds: 120,
      ...attributes,
    },
  };
}
