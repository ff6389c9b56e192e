import { afterEach, describe, expect, it } from 'vitest';
import { advanceTo, startTestApp, TENANT, type TestApp, tenantHeaders } from '../../test/support/app.js';
import { createTestDatabase } from '../../test/support/database.js';
import { tripId, voyageId } from './core/ids.js';
import { at, DAY, routeId } from './testing/harness.js';

// Voyages across restarts (HEAD #1375, announced exactly once here): the Ellinia→Orbis boat boards at 00:00,
// departs at 00:05 and arrives at 00:15. Processes share one database and are stopped and started again.

const BOAT = routeId('boat-ellinia-orbis');
const DEPARTURE = at('00:05:00');
const VOYAGE = voyageId(TENANT.id, BOAT, tripId(BOAT, DAY, DEPARTURE - DAY), DEPARTURE);

let apps: TestApp[] = [];
afterEach(async () => {
  for (const t of apps) await t.app.close();
  apps = [];
});

async function start(databaseUrl: string, time: string): Promise<TestApp> {
  const t = await startTestApp({ services: ['transports'], databaseUrl, start: at(time) });
  apps.push(t);
  await t.app.idle();
  return t;
}

async function stop(t: TestApp): Promise<void> {
  await t.app.close();
  apps = apps.filter((a) => a !== t);
}

/** The boat's voyage events of this process so far, start-up included (the bus retains them), then live. */
function boatVoyages(t: TestApp) {
  const seen: string[] = [];
  t.app.bus.subscribe(
    'EVENT_TOPIC_TRANSPORT_STATUS',
    (m) => {
      const value = m.value as {
        routeId: string;
        type: string;
        body: { voyageId: string; channelId: number };
      };
      if (value.routeId !== BOAT || !value.type.startsWith('VOYAGE_')) return;
      expect(m.key.toString()).toBe(value.body.voyageId);
      seen.push(`${t.clock.now()} ${value.type} ${value.body.voyageId} ${value.body.channelId}`);
    },
    { start: 'earliest' },
  );
  return seen;
}

async function boat(t: TestApp) {
  const response = await fetch(`${t.url}/api/transports/routes/${BOAT}`, { headers: tenantHeaders() });
  return ((await response.json()) as { data: { attributes: Record<string, unknown> } }).data.attributes;
}

const onEveryChannel = (time: number, type: string) => [0, 1, 2].map((c) => `${time} ${type} ${VOYAGE} ${c}`);

/** The first process: it sees the boat depart at 00:05 and stops at 00:06, mid-voyage. */
async function departAndStop(databaseUrl: string): Promise<void> {
  const t = await start(databaseUrl, '00:04:00');
  const seen = boatVoyages(t);
  expect((await boat(t)).voyageId).toBeUndefined();
  await advanceTo(t.app, t.clock, at('00:06:00'));
  expect(seen).toEqual(onEveryChannel(DEPARTURE, 'VOYAGE_DEPARTED'));
  expect(await boat(t)).toMatchObject({ state: 'in_transit', voyageId: VOYAGE });
  await stop(t);
}

describe('voyages across restarts', () => {
  it('keeps the voyage id across a restart mid-voyage and announces its arrival once, at the arrival', async () => {
    const databaseUrl = await createTestDatabase();
    await departAndStop(databaseUrl);

    const again = await start(databaseUrl, '00:10:00');
    const seen = boatVoyages(again);
    await again.app.idle();
    expect(await boat(again)).toMatchObject({ state: 'in_transit', voyageId: VOYAGE });
    expect(seen).toEqual([]);
    await advanceTo(again.app, again.clock, at('00:15:00'));
    expect(seen).toEqual(onEveryChannel(at('00:15:00'), 'VOYAGE_ARRIVED'));
    expect((await boat(again)).voyageId).toBeUndefined();
    await stop(again);

    const third = await start(databaseUrl, '00:16:00');
    const none = boatVoyages(third);
    await third.app.idle();
    expect(none).toEqual([]);
  });

  it('announces at start-up the arrival of a voyage that landed while the service was down, once', async () => {
    const databaseUrl = await createTestDatabase();
    await departAndStop(databaseUrl);

    const again = await start(databaseUrl, '00:20:00');
    const seen = boatVoyages(again);
    await again.app.idle();
    expect(seen).toEqual(onEveryChannel(at('00:20:00'), 'VOYAGE_ARRIVED'));
    await stop(again);

    const third = await start(databaseUrl, '00:21:00');
    const none = boatVoyages(third);
    await third.app.idle();
    expect(none).toEqual([]);
  });
});
