import { describe, expect, it } from 'vitest';
import { boatRoute, ferry, vessel } from '../testing/config-fixtures.js';
import { parseConfigurationResources, parseTenantsFile } from './config.js';

// HEAD #1190's instance-route fields and the per-tenant travel rate: a bad value is reported and its entry
// skipped, as every other configuration error is.

const SAMPLE_TENANT = '083839c6-c47c-42a6-9585-76492795d123';

const tenant = (extra: Record<string, unknown>) => ({
  id: SAMPLE_TENANT,
  name: 't',
  region: 'GMS',
  majorVersion: 83,
  minorVersion: 1,
  routes: [boatRoute()],
  vessels: [],
  instanceRoutes: [ferry()],
  ...extra,
});

describe('effect items and forced return on instance routes', () => {
  it('reads them, and defaults to none', () => {
    const { items, problems } = parseConfigurationResources(
      'instance-routes',
      [ferry({ effectItemIds: [2210016], forcedReturnMapId: 240000110 }, 'flight'), ferry()],
      SAMPLE_TENANT,
    );
    expect(problems).toEqual([]);
    expect(items.map((r) => [r.slug, r.effectItemIds, r.forcedReturnMapId])).toEqual([
      ['flight', [2210016], 240000110],
      [items[1]!.slug, [], 0],
    ]);
  });

  it.each([
    [{ effectItemIds: [1302000] }, 'effectItemIds[0] must be a consumable item id (2000000 to 2999999)'],
    [
      { effectItemIds: [2210016, 3010000] },
      'effectItemIds[1] must be a consumable item id (2000000 to 2999999)',
    ],
    [{ effectItemIds: [2210016.5] }, 'effectItemIds[0] must be an item id (an integer)'],
    [{ effectItemIds: [2210016, 2210016] }, 'effectItemIds must not list an item twice'],
    [{ effectItemIds: 2210016 }, 'effectItemIds must be a list of item ids'],
    [
      { forcedReturnMapId: 0 },
      'forcedReturnMapId must be a map id other than 0 (an integer from 1 to 4294967295)',
    ],
    [
      { forcedReturnMapId: -1 },
      'forcedReturnMapId must be a map id other than 0 (an integer from 1 to 4294967295)',
    ],
  ])('instance route %j is reported as "%s" and skipped', (attributes, message) => {
    const { items, problems } = parseConfigurationResources(
      'instance-routes',
      [ferry(attributes, 'bad'), ferry({}, 'good')],
      SAMPLE_TENANT,
    );
    expect(items.map((r) => r.slug)).toEqual(['good']);
    expect(problems).toEqual([`instance route "bad": ${message}`]);
  });
});

describe('travel rate', () => {
  it('divides every route, vessel and instance-route duration (default 1)', () => {
    const plain = parseTenantsFile({ tenants: [tenant({ vessels: [vessel()] })] }).configurations[0]!;
    const fast = parseTenantsFile({ tenants: [tenant({ vessels: [vessel()], travelRate: 10 })] })
      .configurations[0]!;
    expect(plain.tenant.travelRate).toBe(1);
    expect(fast.tenant.travelRate).toBe(10);
    const durations = (c: typeof plain) => [
      c.routes[0]!.boardingWindowMs,
      c.routes[0]!.preDepartureMs,
      c.routes[0]!.travelMs,
      c.routes[0]!.cycleIntervalMs,
      c.vessels[0]!.turnaroundMs,
      c.instanceRoutes[0]!.boardingWindowMs,
      c.instanceRoutes[0]!.travelMs,
    ];
    expect(durations(fast)).toEqual(durations(plain).map((ms) => ms / 10));
  });

  it('keeps every positive duration at least 1 ms and lengthens them below 1', () => {
    const slow = parseTenantsFile({ tenants: [tenant({ travelRate: 0.5 })] }).configurations[0]!;
    expect(slow.routes[0]!.travelMs).toBe(2 * 600_000);
    const fastest = parseTenantsFile({
      tenants: [tenant({ travelRate: 1000, instanceRoutes: [ferry({ boardingWindowSeconds: 1 })] })],
    }).configurations[0]!;
    expect(fastest.instanceRoutes[0]!.boardingWindowMs).toBe(1);
  });

  it.each([
    [0, 'travelRate must be a number greater than 0'],
    [-2, 'travelRate must be a number greater than 0'],
    ['10', 'travelRate must be a number'],
    [null, 'travelRate must be a number'],
    [1001, 'travelRate must be at most 1000'],
  ])('a travel rate of %j is reported and the tenant skipped: "%s"', (travelRate, message) => {
    const { configurations, problems } = parseTenantsFile({ tenants: [tenant({ travelRate })] });
    expect(configurations).toEqual([]);
    expect(problems).toEqual([`tenant "${SAMPLE_TENANT}": ${message}`]);
  });

  it('reports a route that a slow rate would make too long for REST, and keeps the others', () => {
    const long = boatRoute({ cycleInterval: 100_000_000 }, 'long');
    const { configurations } = parseTenantsFile({
      tenants: [tenant({ travelRate: 0.5, routes: [long, boatRoute({}, 'short')] })],
    });
    expect(configurations[0]!.routes.map((r) => r.slug)).toEqual(['short']);
    expect(configurations[0]!.problems).toEqual([
      'route "long": cycleInterval at travelRate 0.5 exceeds 153722867 minutes',
    ]);
  });
});
