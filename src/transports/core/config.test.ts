import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { boatRoute, vessel } from '../testing/config-fixtures.js';
import { InvalidTenantConfigurationError, parseTenantConfiguration, parseTenantsFile } from './config.js';
import { instanceRouteId, scheduledRouteId } from './ids.js';

const SAMPLE_TENANT = '083839c6-c47c-42a6-9585-76492795d123';
const bundledFile: unknown = JSON.parse(
  readFileSync(new URL('../../../config/tenants.json', import.meta.url), 'utf8'),
);

describe('the bundled configuration', () => {
  const { configurations, problems } = parseTenantsFile(bundledFile);
  const sample = configurations[0]!;

  it('holds one GMS 83.1 tenant with world Scania and three channels, without problems', () => {
    expect(problems).toEqual([]);
    expect(configurations).toHaveLength(1);
    expect(sample.problems).toEqual([]);
    expect(sample.tenant).toEqual({
      id: SAMPLE_TENANT,
      name: 'Sample GMS 83.1',
      region: 'GMS',
      majorVersion: 83,
      minorVersion: 1,
      worlds: [{ id: 0, name: 'Scania', channels: [0, 1, 2] }],
      travelRate: 1,
    });
  });

  it('has the 12 routes, 6 vessels and 12 instance routes of the reference data', () => {
    expect(sample.routes).toHaveLength(12);
    expect(sample.vessels).toHaveLength(6);
    expect(sample.instanceRoutes).toHaveLength(12);
  });

  it('converts route minutes and vessel seconds to milliseconds', () => {
    const boat = sample.routes.find((route) => route.slug === 'boat-ellinia-orbis');
    expect(boat).toEqual({
      id: scheduledRouteId(SAMPLE_TENANT, 'boat-ellinia-orbis'),
      slug: 'boat-ellinia-orbis',
      name: 'boat-ellinia-orbis',
      startMapId: 101000300,
      stagingMapId: 101000301,
      enRouteMapIds: [200090010, 200090011],
      destinationMapId: 200000100,
      observationMapId: 101000300,
      boardingWindowMs: 240_000,
      preDepartureMs: 60_000,
      travelMs: 600_000,
      cycleIntervalMs: 900_000,
    });
    expect(sample.vessels.find((v) => v.slug === 'subway-kc-nlc')).toEqual({
      slug: 'subway-kc-nlc',
      name: 'subway-kc-nlc',
      routeAName: 'subway-kc-nlc',
      routeBName: 'subway-nlc-kc',
      turnaroundMs: 1_000,
    });
  });

  it.each([
    [
      'temple-of-time-flight',
      900_000,
      'You are flying towards the Temple of Time. Navigate right to reach the entrance.',
    ],
    [
      'kerning-train-to-square',
      10_000,
      'The next stop is at Kerning Square Station. The exit is to your left.',
    ],
    ['hak-to-orbis', 60_000, ''],
    ['sky-ferry-ereve-to-orbis', 480_000, ''],
  ])('instance route %s travels %i ms with message %j', (slug, travelMs, transitMessage) => {
    const route = sample.instanceRoutes.find((candidate) => candidate.slug === slug);
    expect(route).toMatchObject({
      id: instanceRouteId(SAMPLE_TENANT, slug),
      name: slug,
      capacity: 1,
      boardingWindowMs: 1_000,
      travelMs,
      transitMessage,
    });
  });
});

describe('a tenant entry', () => {
  const tenant = { id: SAMPLE_TENANT, name: 'T', region: 'GMS', majorVersion: 83, minorVersion: 1 };

  it('defaults missing worlds and resource lists to empty', () => {
    const configuration = parseTenantConfiguration(tenant);
    expect(configuration.tenant.worlds).toEqual([]);
    expect(configuration.routes).toEqual([]);
    expect(configuration.problems).toEqual([]);
  });

  it('lower-cases the tenant id, which is also the namespace of the route ids', () => {
    const configuration = parseTenantConfiguration({
      ...tenant,
      id: SAMPLE_TENANT.toUpperCase(),
      routes: [boatRoute()],
    });
    expect(configuration.tenant.id).toBe(SAMPLE_TENANT);
    expect(configuration.routes[0]?.id).toBe(scheduledRouteId(SAMPLE_TENANT, 'boat-x'));
  });

  it('reports a vessel whose leg names no configured route, or whose legs are the same route', () => {
    const configuration = parseTenantConfiguration({
      ...tenant,
      routes: [boatRoute({ name: 'a' }, 'a')],
      vessels: [vessel(), { ...vessel({ routeBID: 'a' }), id: 'loop' }],
    });
    expect(configuration.vessels).toHaveLength(2);
    expect(configuration.problems).toEqual([
      'vessel "ship": routeBID "b" names no configured route, so it runs no trips',
      'vessel "loop": routeAID and routeBID both name "a", so it runs no trips',
    ]);
  });

  it.each([
    [{ ...tenant, id: 'tenant-1' }, 'tenant "tenant-1": id must be a UUID'],
    [{ ...tenant, region: '' }, 'region must not be empty'],
    [{ ...tenant, majorVersion: 65536 }, 'majorVersion must be a 16-bit number (an integer from 0 to 65535)'],
    [{ ...tenant, worlds: [{ id: 256, name: 'W', channels: [0] }] }, 'worlds[0].id must be an 8-bit id'],
    [
      { ...tenant, worlds: [{ id: 0, name: 'W', channels: [0, 300] }] },
      'worlds[0].channels[1] must be an 8-bit id',
    ],
    [{ ...tenant, routes: {} }, 'routes must be a list'],
  ])('%j is refused: %s', (entry, message) => {
    expect(() => parseTenantConfiguration(entry)).toThrow(InvalidTenantConfigurationError);
    expect(() => parseTenantConfiguration(entry)).toThrow(message);
  });

  it('in a tenants file, a bad or repeated tenant is reported and skipped', () => {
    const { configurations, problems } = parseTenantsFile({
      tenants: [tenant, { ...tenant, region: '' }, { ...tenant, name: 'again' }],
    });
    expect(configurations.map((configuration) => configuration.tenant.name)).toEqual(['T']);
    expect(problems).toEqual([
      `tenant "${SAMPLE_TENANT}": region must not be empty`,
      `tenant "${SAMPLE_TENANT}": listed twice, the later entry is skipped`,
    ]);
  });

  it('a file without a tenants list is refused', () => {
    expect(() => parseTenantsFile({ tenant: [] })).toThrow('tenants file: tenants is required');
  });
});
