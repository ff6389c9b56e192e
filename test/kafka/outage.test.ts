import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.js';
import { parseTenantsFile } from '../../src/transports/core/config.js';
import { computeTimetables, tripAt, tripCount } from '../../src/transports/core/timetable.js';
import { at, DAY } from '../../src/transports/testing/harness.js';
import { advanceTo, startTestApp, TENANT, type TestApp, tenantHeaders } from '../support/app.js';
import { eventually, goKey, type MockBroker, readTopic, startMockBroker } from './support.js';

const NIL = '00000000-0000-0000-0000-000000000000';
const sample = parseTenantsFile(
  JSON.parse(readFileSync(new URL('../../config/tenants.json', import.meta.url), 'utf8')),
).configurations[0]!;
const timetables = computeTimetables(sample.routes, sample.vessels);
const boat = sample.routes.find((r) => r.name === 'boat-ellinia-orbis')!;

/** Every ARRIVED (boarding opens) and DEPARTED of the bundled timetable in (from, to]. */
function expectedStatus(from: number, to: number): string[] {
  const out: string[] = [];
  for (const route of sample.routes) {
    const timetable = timetables.get(route.id)!;
    for (let i = 0; i < tripCount(timetable); i++) {
      const trip = tripAt(timetable, i, DAY);
      if (trip.boardingOpen > from && trip.boardingOpen <= to) out.push(`${route.id} ARRIVED`);
      if (trip.departure > from && trip.departure <= to) out.push(`${route.id} DEPARTED`);
    }
  }
  return out.sort();
}

describe.skipIf(!inject('kafkaTools'))('transports through a broker outage', () => {
  let broker: MockBroker | undefined;
  let t: TestApp | undefined;

  afterAll(async () => {
    await t?.app.close();
    broker?.stop();
  });

  it('loses no transition: events and warps made while the broker was away leave when it is back', async () => {
    broker = await startMockBroker();
    const clock = new ManualClock(at('00:06:00'));
    t = await startTestApp({
      clock,
      services: ['transports', 'presence'],
      env: { BOOTSTRAP_SERVERS: broker.bootstrap },
    });
    const { app, url } = t;
    // A passenger aboard the boat to Orbis, which is under way.
    const enRoute = boat.enRouteMapIds[0]!;
    await app.bus.publish(
      'EVENT_TOPIC_CHARACTER_STATUS',
      {
        transactionId: NIL,
        worldId: 0,
        characterId: 1,
        type: 'LOGIN',
        body: { channelId: 1, mapId: enRoute, instance: NIL },
      },
      { key: 1, tenant: TENANT },
    );
    const headers = tenantHeaders();
    await eventually('the passenger aboard', async () => {
      const response = await fetch(`${url}/api/worlds/0/channels/1/maps/${enRoute}/characters`, { headers });
      const document = (await response.json()) as { data: { id: string }[] };
      return document.data.some((c) => c.id === '1') ? true : undefined;
    });

    broker.stop();
    await eventually('readiness to fail', async () =>
      (await fetch(`${url}/readyz`)).status === 503 ? true : undefined,
    );
    const from = clock.now();
    const to = at('00:40:00');
    await advanceTo(app, clock, to);
    const expected = expectedStatus(from, to);
    expect(expected.length).toBeGreaterThan(20);

    await broker.start();
    await eventually(
      'readiness back',
      async () => ((await fetch(`${url}/readyz`)).ok ? true : undefined),
      60_000,
    );
    // The route events only: voyage events share the topic (their own test is src/transports/voyages.test.ts).
    const routeEvents = (read: readonly { value: Buffer }[]) =>
      read
        .map((m) => JSON.parse(m.value.toString()) as { routeId: string; type: string })
        .filter((e) => e.type === 'ARRIVED' || e.type === 'DEPARTED');
    const status = await readTopic(
      broker.bootstrap,
      'EVENT_TOPIC_TRANSPORT_STATUS',
      (read) => routeEvents(read).length >= expected.length,
      60_000,
    );
    const seen = routeEvents(status)
      .map((e) => `${e.routeId} ${e.type}`)
      .sort();
    expect(seen).toEqual(expected);

    // The consumers that died with the broker were started again, and counted.
    const metrics = await (await fetch(`${url}/api/metrics`)).text();
    const restarts = /bus_consumer_restarts_total\{group="Transport Service"\} (\d+)/.exec(metrics);
    expect(Number(restarts?.[1] ?? 0)).toBeGreaterThan(0);

    // The passenger still arrived, with one warp to Orbis.
    const commands = await readTopic(broker.bootstrap, 'COMMAND_TOPIC_CHARACTER', (read) => read.length >= 1);
    const warps = commands.filter((m) => m.key.equals(goKey(1)));
    expect(
      warps.map((m) => (JSON.parse(m.value.toString()) as { body: { mapId: number } }).body.mapId),
    ).toEqual([boat.destinationMapId]);
  });
});
