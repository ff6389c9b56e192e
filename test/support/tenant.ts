import type { Tenant } from '../../src/platform/tenant.js';

/** The sample tenant of the shipped configuration (GMS 83.1), as every test addresses it. */
export const TENANT: Tenant = {
  id: '083839c6-c47c-42a6-9585-76492795d123',
  region: 'GMS',
  majorVersion: 83,
  minorVersion: 1,
};

export const OTHER_TENANT: Tenant = {
  id: '5b7c2f0e-1d3a-4c8b-9e6f-0a1b2c3d4e5f',
  region: 'GMS',
  majorVersion: 83,
  minorVersion: 1,
};
