import { describe, expect, it } from 'vitest';
import { TENANT } from '../../../test/support/tenant.js';
import { tenantFromHeaders, tenantHeaders } from './headers.js';

describe('tenant headers (producer/header.go)', () => {
  it('writes the four headers with the exact bytes', () => {
    const headers = tenantHeaders(TENANT);
    expect(Object.keys(headers).sort()).toEqual(['MAJOR_VERSION', 'MINOR_VERSION', 'REGION', 'TENANT_ID']);
    expect(headers.TENANT_ID!.length).toBe(36);
    expect(headers.TENANT_ID!.equals(Buffer.from('083839c6-c47c-42a6-9585-76492795d123', 'ascii'))).toBe(
      true,
    );
    expect(headers.REGION!.toString('hex')).toBe('474d53');
    expect(headers.MAJOR_VERSION!.toString('hex')).toBe('0053');
    expect(headers.MINOR_VERSION!.toString('hex')).toBe('0001');
  });

  it('writes the region as UTF-8', () => {
    const headers = tenantHeaders({ ...TENANT, region: 'KMS한' });
    expect(headers.REGION!.equals(Buffer.from([0x4b, 0x4d, 0x53, 0xed, 0x95, 0x9c]))).toBe(true);
  });

  it('writes versions as big-endian uint16 over the whole range', () => {
    const headers = tenantHeaders({ ...TENANT, majorVersion: 65535, minorVersion: 256 });
    expect(headers.MAJOR_VERSION!.toString('hex')).toBe('ffff');
    expect(headers.MINOR_VERSION!.toString('hex')).toBe('0100');
  });

  it('writes the tenant id lower-case, as uuid.String() does', () => {
    const headers = tenantHeaders({ ...TENANT, id: TENANT.id.toUpperCase() });
    expect(headers.TENANT_ID!.toString('ascii')).toBe(TENANT.id);
  });

  it('refuses a version that does not fit in 2 bytes', () => {
    expect(() => tenantHeaders({ ...TENANT, majorVersion: 65536 })).toThrow(RangeError);
  });
});

describe('tenantFromHeaders (consumer/header.go)', () => {
  it('reads back what tenantHeaders wrote', () => {
    expect(tenantFromHeaders(tenantHeaders(TENANT))).toEqual(TENANT);
  });

  it('reads the bytes an Atlas producer wrote', () => {
    const tenant = tenantFromHeaders({
      TENANT_ID: Buffer.from('083839c6-c47c-42a6-9585-76492795d123'),
      REGION: Buffer.from('GMS'),
      MAJOR_VERSION: Buffer.from([0x00, 0x53]),
      MINOR_VERSION: Buffer.from([0x00, 0x01]),
    });
    expect(tenant).toEqual(TENANT);
  });

  it('is undefined without TENANT_ID', () => {
    const { TENANT_ID: _, ...rest } = tenantHeaders(TENANT);
    expect(tenantFromHeaders(rest)).toBeUndefined();
  });

  it.each([
    { name: '35 bytes', id: TENANT.id.slice(1) },
    { name: '37 bytes', id: `${TENANT.id}0` },
    { name: 'unhyphenated 32 bytes', id: TENANT.id.replaceAll('-', '') },
    { name: '36 bytes that are not a UUID', id: 'zzzzzzzz-c47c-42a6-9585-76492795d123' },
  ])('is undefined when TENANT_ID is $name', ({ id }) => {
    expect(
      tenantFromHeaders({ ...tenantHeaders(TENANT), TENANT_ID: Buffer.from(id, 'ascii') }),
    ).toBeUndefined();
  });

  it('lower-cases an upper-case TENANT_ID', () => {
    const tenant = tenantFromHeaders({
      ...tenantHeaders(TENANT),
      TENANT_ID: Buffer.from(TENANT.id.toUpperCase()),
    });
    expect(tenant?.id).toBe(TENANT.id);
  });

  it.each([
    { name: 'missing', bytes: undefined },
    { name: '1 byte', bytes: Buffer.from([0x53]) },
    { name: '3 bytes', bytes: Buffer.from([0x00, 0x00, 0x53]) },
    { name: '4 bytes (int32)', bytes: Buffer.from([0x00, 0x00, 0x00, 0x53]) },
    { name: 'decimal text', bytes: Buffer.from('83') },
  ])('reads a version that is $name as 0', ({ bytes }) => {
    const headers = { ...tenantHeaders(TENANT) };
    if (bytes === undefined) delete headers.MAJOR_VERSION;
    else headers.MAJOR_VERSION = bytes;
    const tenant = tenantFromHeaders(headers);
    // '83' as text is two bytes: read big-endian, exactly as the Go parser would.
    const expected = bytes?.length === 2 ? bytes.readUInt16BE(0) : 0;
    expect(tenant?.majorVersion).toBe(expected);
    expect(tenant?.minorVersion).toBe(1);
  });

  it('reads a missing region as empty', () => {
    const { REGION: _, ...rest } = tenantHeaders(TENANT);
    expect(tenantFromHeaders(rest)?.region).toBe('');
  });
});
