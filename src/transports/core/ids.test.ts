import { describe, expect, it } from 'vitest';
import { instanceRouteId, scheduledRouteId, tripId, voyageId } from './ids.js';

const SAMPLE_TENANT = '083839c6-c47c-42a6-9585-76492795d123';
const OTHER_TENANT = '5f0c1a3e-9b7d-4c2e-8f6a-1d2b3c4d5e6f';
const FEB_18 = Date.UTC(2026, 1, 18);

describe('route ids', () => {
  // Expected values computed independently with Python's uuid.uuid5 (the same SHA-1 scheme as Go's).
  it.each([
    {
      derive: scheduledRouteId,
      tenantId: SAMPLE_TENANT,
      slug: 'boat-ellinia-orbis',
      expected: 'f12fcddd-6616-551b-a74c-ae2144e18bb5',
    },
    {
      derive: instanceRouteId,
      tenantId: SAMPLE_TENANT,
      slug: 'kerning-train-to-square',
      expected: '6fd18849-e08e-5dc6-9419-eb2da005f282',
    },
    // A namespace whose version bits are not RFC ones is still accepted, as Go's uuid.NewSHA1 does.
    {
      derive: scheduledRouteId,
      tenantId: '00000000-0000-0000-0000-000000000001',
      slug: 'x',
      expected: '075c19e5-f101-58a3-9b0f-db9589c875e4',
    },
  ])('$derive.name($tenantId, $slug) is $expected', ({ derive, tenantId, slug, expected }) => {
    expect(derive(tenantId, slug)).toBe(expected);
  });

  it('is the same on every call and for an upper-case tenant id', () => {
    const id = scheduledRouteId(SAMPLE_TENANT, 'subway-kc-nlc');
    expect(scheduledRouteId(SAMPLE_TENANT, 'subway-kc-nlc')).toBe(id);
    expect(scheduledRouteId(SAMPLE_TENANT.toUpperCase(), 'subway-kc-nlc')).toBe(id);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('differs per tenant, per slug and between routes and instance routes', () => {
    const ids = [
      scheduledRouteId(SAMPLE_TENANT, 'boat-ellinia-orbis'),
      scheduledRouteId(OTHER_TENANT, 'boat-ellinia-orbis'),
      scheduledRouteId(SAMPLE_TENANT, 'boat-orbis-ellinia'),
      instanceRouteId(SAMPLE_TENANT, 'boat-ellinia-orbis'),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('rejects a tenant id that is not a UUID', () => {
    expect(() => scheduledRouteId('not-a-uuid', 'boat')).toThrow(/not a UUID/);
  });
});

describe('trip ids', () => {
  const routeId = scheduledRouteId(SAMPLE_TENANT, 'boat-ellinia-orbis');

  it('is UUIDv5 of trips/<UTC date>/<departure, ms of the day> in the route namespace', () => {
    expect(tripId(routeId, FEB_18, 0)).toBe('8c9c8b17-0a2f-5ed8-8357-bb160f97baec');
  });

  it('is stable for a day and differs per day and per departure', () => {
    expect(tripId(routeId, FEB_18, 3)).toBe(tripId(routeId, FEB_18, 3));
    expect(tripId(routeId, FEB_18, 3)).not.toBe(tripId(routeId, FEB_18, 4));
    expect(tripId(routeId, FEB_18, 3)).not.toBe(tripId(routeId, FEB_18 + 86_400_000, 3));
  });
});

describe('voyage ids', () => {
  const routeId = scheduledRouteId(SAMPLE_TENANT, 'boat-ellinia-orbis');
  const trip = tripId(routeId, FEB_18, 0);

  // HEAD's VoyageId, computed independently with Python:
  // uuid5(UUID('6f3a1b2c-9d4e-4a71-8c55-0b7f2d9e4a10'), 'tenant|route|trip|2026-02-18').
  it('is UUIDv5 in HEAD namespace of tenant|route|trip|departure date', () => {
    expect(voyageId(SAMPLE_TENANT, routeId, trip, FEB_18 + 5 * 60_000)).toBe(
      '34a8116d-c496-5cef-b61c-dad3593d2a8a',
    );
  });

  it('takes the UTC date of the departure, not its time', () => {
    const morning = voyageId(SAMPLE_TENANT, routeId, trip, FEB_18);
    expect(voyageId(SAMPLE_TENANT, routeId, trip, FEB_18 + 86_399_999)).toBe(morning);
    expect(voyageId(SAMPLE_TENANT, routeId, trip, FEB_18 + 86_400_000)).not.toBe(morning);
    expect(voyageId(OTHER_TENANT, routeId, trip, FEB_18)).not.toBe(morning);
  });
});
