import { describe, expect, it } from 'vitest';
import { boatRoute, ferry, vessel } from '../testing/config-fixtures.js';
import { parseConfigurationResources } from './config.js';

const SAMPLE_TENANT = '083839c6-c47c-42a6-9585-76492795d123';

describe('validation of configuration entries', () => {
  it.each([
    [{ name: '' }, 'name must not be empty'],
    [{ name: 7 }, 'name must be a string'],
    [{ enRouteMapIds: [] }, 'enRouteMapIds must list at least one map id'],
    [{ enRouteMapIds: [1, -1] }, 'enRouteMapIds[1] must be a map id (an integer from 0 to 4294967295)'],
    [{ stagingMapId: 4294967296 }, 'stagingMapId must be a map id (an integer from 0 to 4294967295)'],
    [{ startMapId: 1.5 }, 'startMapId must be a map id (an integer from 0 to 4294967295)'],
    [{ destinationMapId: '200000100' }, 'destinationMapId must be a map id'],
    [{ observationMapId: undefined }, 'observationMapId is required'],
    [{ boardingWindowDuration: 0 }, 'boardingWindowDuration must be positive'],
    [{ preDepartureDuration: -1 }, 'preDepartureDuration must not be negative'],
    [{ travelDuration: 0 }, 'travelDuration must be positive'],
    [{ travelDuration: 2.5 }, 'travelDuration must be an integer'],
    [{ cycleInterval: -15 }, 'cycleInterval must be positive'],
    // Shown over REST in nanoseconds: more would not fit the int64 a Go client decodes.
    [{ cycleInterval: 153722868 }, 'cycleInterval must be at most 153722867'],
    [{ preDepartureDuration: 2 ** 32 }, 'preDepartureDuration must be at most 153722867'],
    [
      { travelDuration: 0, cycleInterval: 0 },
      'travelDuration must be positive; cycleInterval must be positive',
    ],
  ])('route %j is reported as "%s"', (attributes, message) => {
    const { items, problems } = parseConfigurationResources('routes', [boatRoute(attributes)], SAMPLE_TENANT);
    expect(items).toEqual([]);
    expect(problems).toEqual([`route "boat-x": ${message}`]);
  });

  it('allows a zero pre-departure (the subway closes and departs at once)', () => {
    const { items, problems } = parseConfigurationResources(
      'routes',
      [boatRoute({ preDepartureDuration: 0 })],
      SAMPLE_TENANT,
    );
    expect(problems).toEqual([]);
    expect(items[0]?.preDepartureMs).toBe(0);
  });

  it.each([
    [{ routeAID: '' }, 'routeAID must not be empty'],
    [{ routeBID: '' }, 'routeBID must not be empty'],
    [{ turnaroundDelay: 0 }, 'turnaroundDelay must be positive'],
    [{ turnaroundDelay: 0.5 }, 'turnaroundDelay must be an integer'],
    [{ turnaroundDelay: 2 ** 32 }, 'turnaroundDelay must be at most 4294967295'],
  ])('vessel %j is reported as "%s"', (attributes, message) => {
    const { items, problems } = parseConfigurationResources('vessels', [vessel(attributes)], SAMPLE_TENANT);
    expect(items).toEqual([]);
    expect(problems).toEqual([`vessel "ship": ${message}`]);
  });

  it.each([
    [{ name: '' }, 'name must not be empty'],
    [{ capacity: 0 }, 'capacity must be a capacity (an integer from 1 to 4294967295)'],
    [{ boardingWindowSeconds: 0 }, 'boardingWindowSeconds must be positive'],
    [{ travelDurationSeconds: -1 }, 'travelDurationSeconds must not be negative'],
    [{ boardingWindowSeconds: 2 ** 40 }, 'boardingWindowSeconds must be at most 4294967295'],
    [{ travelDurationSeconds: 2 ** 32 }, 'travelDurationSeconds must be at most 4294967295'],
    [{ transitMapIds: [] }, 'transitMapIds must list at least one map id'],
    [{ transitMessage: 3 }, 'transitMessage must be a string'],
  ])('instance route %j is reported as "%s"', (attributes, message) => {
    const { items, problems } = parseConfigurationResources(
      'instance-routes',
      [ferry(attributes)],
      SAMPLE_TENANT,
    );
    expect(items).toEqual([]);
    expect(problems).toEqual([`instance route "ferry": ${message}`]);
  });

  it('allows an instance route without travel time', () => {
    const { items } = parseConfigurationResources(
      'instance-routes',
      [ferry({ travelDurationSeconds: 0 })],
      SAMPLE_TENANT,
    );
    expect(items[0]?.travelMs).toBe(0);
  });

  it.each([
    ['route "boat-x": type must be "routes"', { ...boatRoute(), type: 'vessels' }],
    ['route "boat-x": attributes is required', { type: 'routes', id: 'boat-x' }],
    ['route #0: id must not be empty', boatRoute({}, '')],
    ['route #0: must be an object', 'boat-x'],
  ])('a malformed resource is reported as "%s"', (problem, resource) => {
    expect(parseConfigurationResources('routes', [resource], SAMPLE_TENANT).problems).toEqual([problem]);
  });

  it('skips one invalid entry and keeps the others', () => {
    const { items, problems } = parseConfigurationResources(
      'routes',
      [boatRoute({}, 'first'), boatRoute({ travelDuration: 0 }, 'broken'), boatRoute({}, 'third')],
      SAMPLE_TENANT,
    );
    expect(items.map((route) => route.slug)).toEqual(['first', 'third']);
    expect(problems).toEqual(['route "broken": travelDuration must be positive']);
  });

  it('skips a second entry with the same id, whose derived route id would collide', () => {
    const { items, problems } = parseConfigurationResources(
      'routes',
      [boatRoute(), boatRoute({ travelDuration: 20 })],
      SAMPLE_TENANT,
    );
    expect(items.map((route) => route.travelMs)).toEqual([600_000]);
    expect(problems).toEqual(['route "boat-x": id is already used by an earlier route']);
  });
});
