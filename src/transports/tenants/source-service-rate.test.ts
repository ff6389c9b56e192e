import { describe, expect, it } from 'vitest';
import type { AtlasClient } from '../../platform/http/client.js';
import { ferry } from '../testing/config-fixtures.js';
import { ServiceTenantSource } from './source-service.js';

// A tenants service knows no travel rate: 1, unless a tenant carries a `travelRate` attribute, which is then
// validated as the file's is (a bad one skips the tenant, reported).

const TENANT_ID = '083839c6-c47c-42a6-9585-76492795d123';
const OTHER_ID = '5b7c2f0e-1d3a-4c8b-9e6f-0a1b2c3d4e5f';

function source(tenants: Array<{ id: string; travelRate?: unknown }>) {
  const client = {
    getMany: async (url: string) => {
      if (url.endsWith('/tenants')) {
        return tenants.map(({ id, travelRate }) => ({
          type: 'tenants',
          id,
          attributes: { name: 't', region: 'GMS', majorVersion: 83, minorVersion: 1, travelRate },
        }));
      }
      return url.endsWith('instance-routes')
        ? [ferry({ effectItemIds: [2210016], forcedReturnMapId: 1 })]
        : [];
    },
  } as unknown as AtlasClient;
  return new ServiceTenantSource(client, 'http://tenants/', 60_000);
}

describe('travel rate from the tenants service', () => {
  it('defaults to 1 and honours a valid attribute', async () => {
    const { configurations, problems } = await source([
      { id: TENANT_ID },
      { id: OTHER_ID, travelRate: 4 },
    ]).loadAll();
    expect(problems).toEqual([]);
    expect(configurations.map((c) => [c.tenant.travelRate, c.instanceRoutes[0]!.travelMs])).toEqual([
      [1, 120_000],
      [4, 30_000],
    ]);
    expect(configurations[0]!.instanceRoutes[0]).toMatchObject({
      effectItemIds: [2210016],
      forcedReturnMapId: 1,
    });
  });

  it('reports and skips a tenant whose rate is zero or not a number', async () => {
    const { configurations, problems } = await source([
      { id: TENANT_ID, travelRate: 0 },
      { id: OTHER_ID, travelRate: 'fast' },
    ]).loadAll();
    expect(configurations).toEqual([]);
    expect(problems).toEqual([
      `tenant "${TENANT_ID}": travelRate must be a number greater than 0`,
      `tenant "${OTHER_ID}": travelRate must be a number`,
    ]);
  });
});
