import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeAtlas } from '../testing/fake-atlas.js';
import {
  advanceTo,
  at,
  type Harness,
  recorder,
  startHarness,
  TENANT,
  tenantHeaders,
} from '../testing/harness.js';

const sample = JSON.parse(readFileSync(new URL('../../../config/tenants.json', import.meta.url), 'utf8')) as {
  tenants: Array<{ routes: unknown[]; vessels: unknown[]; instanceRoutes: unknown[] }>;
};

let harness: Harness | undefined;
let atlas: FakeAtlas | undefined;
afterEach(async () => {
  await harness?.close();
  await atlas?.stop();
  harness = undefined;
});

describe('tenants from the Atlas tenants service', () => {
  it('starts without the service, picks the tenant up on the next refresh and reloads it on events', async () => {
    atlas = await new FakeAtlas().start();
    atlas.tenantsAvailable = false;
    atlas.tenants = [
      {
        type: 'tenants',
        id: TENANT.id,
        attributes: { name: 'Sample', region: 'GMS', majorVersion: 83, minorVersion: 1 },
      },
      {
        type: 'tenants',
        id: 'not-a-uuid',
        attributes: { name: 'Broken', region: 'GMS', majorVersion: 83, minorVersion: 1 },
      },
    ];
    const { routes, vessels, instanceRoutes } = sample.tenants[0]!;
    atlas.configurations.set(TENANT.id, { routes, vessels, 'instance-routes': instanceRoutes });
    harness = await startHarness({ start: at('00:06:00'), atlas, env: { TENANTS_SERVICE_URL: atlas.url } });
    const { app, clock, url } = harness;
    const statusRequests = recorder(app, clock, 'COMMAND_TOPIC_CHANNEL_STATUS');
    const list = async () =>
      (
        (await (await fetch(`${url}/api/transports/routes`, { headers: tenantHeaders() })).json()) as {
          data: unknown[];
        }
      ).data;
    expect(await list()).toEqual([]);
    atlas.tenantsAvailable = true;
    await advanceTo(app, clock, at('00:07:00'));
    expect(await list()).toHaveLength(12);
    expect(statusRequests.messages.map((m) => m.key.toString())).toEqual([TENANT.id]);
    expect(atlas.requests).toContain(`/tenants/${TENANT.id}/configurations/instance-routes`);

    atlas.configurations.set(TENANT.id, {
      routes: routes.slice(0, 11),
      vessels,
      'instance-routes': instanceRoutes,
    });
    await app.bus.publish(
      'EVENT_TOPIC_CONFIGURATION_STATUS',
      {
        tenantId: TENANT.id,
        type: 'ROUTE_DELETED',
        resourceType: 'route',
        resourceId: 'train-orbis-ludibrium',
      },
      { key: TENANT.id },
    );
    await app.idle();
    expect(await list()).toHaveLength(11);
    // The service going away keeps what the tenant had.
    atlas.tenantsAvailable = false;
    await app.bus.publish(
      'EVENT_TOPIC_CONFIGURATION_STATUS',
      { tenantId: TENANT.id, type: 'ROUTE_CREATED', resourceType: 'route', resourceId: 'x' },
      { key: TENANT.id },
    );
    await app.idle();
    expect(await list()).toHaveLength(11);
  });
});
