import { describe, expect, it } from 'vitest';
import { TenantHeaderError, tenantFromHttpHeaders, tenantToHttpHeaders } from './tenant.js';

const ID = '083839c6-c47c-42a6-9585-76492795d123';

/** What Node hands a handler: names lower-cased. */
const nodeHeaders = (overrides: Record<string, string | undefined> = {}) => ({
  tenant_id: ID,
  region: 'GMS',
  major_version: '83',
  minor_version: '1',
  ...overrides,
});

function headerError(headers: Record<string, string | string[] | undefined>): TenantHeaderError {
  try {
    tenantFromHttpHeaders(headers);
  } catch (error) {
    if (error instanceof TenantHeaderError) return error;
    throw error;
  }
  throw new Error('expected a TenantHeaderError');
}

describe('tenant from REST headers (server/handler.go ParseTenant)', () => {
  it('parses the four headers', () => {
    expect(tenantFromHttpHeaders(nodeHeaders())).toEqual({
      id: ID,
      region: 'GMS',
      majorVersion: 83,
      minorVersion: 1,
    });
  });

  it.each([
    { spelling: 'Go canonical', names: ['Tenant_id', 'Region', 'Major_version', 'Minor_version'] },
    { spelling: 'upper-case', names: ['TENANT_ID', 'REGION', 'MAJOR_VERSION', 'MINOR_VERSION'] },
    { spelling: 'lower-case', names: ['tenant_id', 'region', 'major_version', 'minor_version'] },
  ])('matches $spelling names', ({ names }) => {
    const [id, region, major, minor] = names as [string, string, string, string];
    expect(tenantFromHttpHeaders({ [id]: ID, [region]: 'GMS', [major]: '83', [minor]: '1' })).toEqual({
      id: ID,
      region: 'GMS',
      majorVersion: 83,
      minorVersion: 1,
    });
  });

  it('lower-cases the tenant id', () => {
    expect(tenantFromHttpHeaders(nodeHeaders({ tenant_id: ID.toUpperCase() })).id).toBe(ID);
  });

  it('takes the first of repeated values', () => {
    const tenant = tenantFromHttpHeaders({ ...nodeHeaders(), region: ['EMS', 'GMS'] });
    expect(tenant.region).toBe('EMS');
  });

  it('accepts the version range edges', () => {
    const tenant = tenantFromHttpHeaders(nodeHeaders({ major_version: '0', minor_version: '65535' }));
    expect(tenant.majorVersion).toBe(0);
    expect(tenant.minorVersion).toBe(65535);
  });

  it.each([
    { case: 'TENANT_ID missing', change: { tenant_id: undefined }, header: 'TENANT_ID' },
    { case: 'TENANT_ID empty', change: { tenant_id: '' }, header: 'TENANT_ID' },
    { case: 'TENANT_ID not a UUID', change: { tenant_id: 'not-a-uuid' }, header: 'TENANT_ID' },
    { case: 'TENANT_ID too short', change: { tenant_id: ID.slice(0, 35) }, header: 'TENANT_ID' },
    { case: 'REGION missing', change: { region: undefined }, header: 'REGION' },
    { case: 'REGION blank', change: { region: '  ' }, header: 'REGION' },
    { case: 'MAJOR_VERSION missing', change: { major_version: undefined }, header: 'MAJOR_VERSION' },
    { case: 'MAJOR_VERSION not decimal', change: { major_version: 'x83' }, header: 'MAJOR_VERSION' },
    { case: 'MAJOR_VERSION hex', change: { major_version: '0x53' }, header: 'MAJOR_VERSION' },
    { case: 'MAJOR_VERSION fractional', change: { major_version: '83.5' }, header: 'MAJOR_VERSION' },
    { case: 'MAJOR_VERSION negative', change: { major_version: '-1' }, header: 'MAJOR_VERSION' },
    { case: 'MAJOR_VERSION over 65535', change: { major_version: '65536' }, header: 'MAJOR_VERSION' },
    { case: 'MINOR_VERSION empty', change: { minor_version: '' }, header: 'MINOR_VERSION' },
    { case: 'MINOR_VERSION over 65535', change: { minor_version: '99999' }, header: 'MINOR_VERSION' },
    { case: 'MINOR_VERSION six digits', change: { minor_version: '000001' }, header: 'MINOR_VERSION' },
  ])('$case → TenantHeaderError naming $header', ({ change, header }) => {
    const error = headerError(nodeHeaders(change));
    expect(error.header).toBe(header);
    expect(error.message).toContain(header);
  });

  it('writes decimal headers for outbound calls that parse back to the same tenant', () => {
    const tenant = { id: ID, region: 'GMS', majorVersion: 83, minorVersion: 1 };
    const headers = tenantToHttpHeaders(tenant);
    expect(headers).toEqual({ TENANT_ID: ID, REGION: 'GMS', MAJOR_VERSION: '83', MINOR_VERSION: '1' });
    expect(tenantFromHttpHeaders(headers)).toEqual(tenant);
  });
});
