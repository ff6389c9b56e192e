import { describe, expect, inject, it } from 'vitest';
import { scheduledRouteId } from '../../src/transports/core/ids.js';
import { tenantHeaders } from '../support/app.js';
import { TENANT } from '../support/tenant.js';
import { type AppProcess, eventually, readAll, sleep } from './support.js';
import { nextDeparture, routesOwned, useTransportsFleet } from './transports-fleet.js';

// Trip control in the shape it is deployed in (issue 14, decisions E5): two `node dist/main.js` processes on one
// PostgreSQL and librdkafka's mock cluster. The boat is held through the replica that does not drive it; its
// driver is killed with -9 while it is held; the survivor takes it over still held, and the release, sent to the
// survivor, makes it depart once.

const BOAT = scheduledRouteId(TENANT.id, 'boat-ellinia-orbis');
const HEADERS = { ...tenantHeaders(), 'content-type': 'application/vnd.api+json' };

interface Status {
  readonly routeId: string;
  readonly type: string;
}

/** The boat's DEPARTED events on the bus, with the instant each was produced. */
async function boatDepartures(bootstrap: string): Promise<number[]> {
  const read = await readAll(bootstrap, 'EVENT_TOPIC_TRANSPORT_STATUS');
  return read
    .filter((m) => {
      const status = JSON.parse(m.value.toString()) as Status;
      return status.routeId === BOAT && status.type === 'DEPARTED';
    })
    .map((m) => m.timestamp);
}

async function state(app: AppProcess): Promise<string> {
  const response = await fetch(`${app.url}/api/transports/routes/${BOAT}/control`, { headers: HEADERS });
  const document = (await response.json()) as { data: { attributes: { state: string; held: boolean } } };
  return `${document.data.attributes.state}${document.data.attributes.held ? ' held' : ''}`;
}

describe.skipIf(!inject('kafkaTools'))('trip control on Kafka with two replicas', () => {
  const fleet = useTransportsFleet('atlas-ts-trip-control-');

  it('keeps a held boat at the dock through its driver being killed, and departs it once on release', async () => {
    const { apps, schedules } = await fleet.start(2);
    await fleet.spread(apps);
    const boat = schedules.get(BOAT)!;
    const driver = await fleet.driverOf(BOAT);
    expect(driver).toBeDefined();
    const other = apps.find((app) => app !== driver)!;

    // Held at least 3 s before its departure (the driver learns of a control at its next lease tick, 1 s).
    const departure = nextDeparture(boat, Date.now() + 3_000);
    const held = await fetch(`${other.url}/api/transports/routes/${BOAT}/control/hold`, {
      method: 'PUT',
      headers: HEADERS,
      body: JSON.stringify({ data: { type: 'route-holds', attributes: { reason: 'kafka test' } } }),
    });
    expect(held.status).toBe(200);
    const heldAt = Date.now();
    expect(heldAt).toBeLessThan(departure - 1_500);

    // Past the departure: nobody departed it, and the driver is killed while the boat waits.
    await sleep(departure + 1_500 - Date.now());
    expect(await state(other)).toBe('locked_entry held');
    await driver!.kill9();
    await eventually(
      'the survivor drives all 12 routes',
      async () => ((await routesOwned(other)) === 12 ? true : undefined),
      10_000,
    );
    // Another second on the survivor, which took the boat over: still at the dock.
    await sleep(1_000);
    expect(await state(other)).toBe('locked_entry held');
    expect((await boatDepartures(fleet.broker.bootstrap)).filter((at) => at >= heldAt)).toEqual([]);

    const released = await fetch(`${other.url}/api/transports/routes/${BOAT}/control/hold`, {
      method: 'DELETE',
      headers: tenantHeaders(),
    });
    expect(released.status).toBe(200);
    const releasedAt = Date.now();
    // It sails at once (and arrives 10 s later; reading the topic back takes seconds, so this is asked first).
    await eventually(
      'the boat in transit',
      async () => ((await state(other)) === 'in_transit' ? true : undefined),
      2_000,
    );
    const departures = await eventually(
      'the boat departs on its release',
      async () => {
        const since = (await boatDepartures(fleet.broker.bootstrap)).filter((at) => at >= heldAt);
        return since.length > 0 ? since : undefined;
      },
      10_000,
    );
    // Once, and at the release: the release's departure is performed as the timetable's would be.
    await sleep(2_000);
    expect((await boatDepartures(fleet.broker.bootstrap)).filter((at) => at >= heldAt)).toHaveLength(1);
    expect(departures[0]! - releasedAt).toBeLessThan(2_000);
  });
});
