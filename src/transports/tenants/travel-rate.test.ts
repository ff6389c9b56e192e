import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseTenantsFile } from '../core/config.js';
import { evaluate } from '../core/evaluate.js';
import { rfc3339 } from '../core/go-time.js';
import { computeTimetables, tripAt, tripCount } from '../core/timetable.js';
import {
  advanceTo,
  at,
  DAY,
  type Harness,
  instanceRoute,
  recorder,
  routeId,
  startHarness,
  TENANT,
  tenantHeaders,
  warpOf,
} from '../testing/harness.js';

// A travel-rate change through a configuration reload: the trip under way finishes on the old timetable (its
// passengers land at the arrival they were promised), and the new rate's timetable takes over at that boundary.
// The Ellinia→Orbis boat departed at 00:05 and arrives at 00:15 at rate 1.

const NIL = '00000000-0000-0000-0000-000000000000';
const BOAT = routeId('boat-ellinia-orbis');
const SAMPLE = new URL('../../../config/tenants.json', import.meta.url);

let harness: Harness | undefined;
let dir: string | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('travel rate changed by a reload', () => {
  it('takes effect at the next trip boundary, delivering the passengers aboard on time', async () => {
    const raw = JSON.parse(await readFile(SAMPLE, 'utf8')) as { tenants: Array<Record<string, unknown>> };
    dir = await mkdtemp(path.join(tmpdir(), 'travel-rate-'));
    const file = path.join(dir, 'tenants.json');
    await writeFile(file, JSON.stringify(raw));
    // Up before the departure, so that the voyage is announced departed (and its arrival is owed).
    harness = await startHarness({ start: at('00:04:00'), env: { CONFIG_FILE: file } });
    const { app, clock, atlas, url } = harness;
    await advanceTo(app, clock, at('00:06:00'));
    const commands = recorder(app, clock, 'COMMAND_TOPIC_CHARACTER');
    const status = recorder(app, clock, 'EVENT_TOPIC_TRANSPORT_STATUS');
    const events = recorder(app, clock, 'EVENT_TOPIC_INSTANCE_TRANSPORT');
    const boat = async () =>
      (
        (await (
          await fetch(`${url}/api/transports/routes/${BOAT}`, { headers: tenantHeaders() })
        ).json()) as {
          data: { attributes: Record<string, unknown> };
        }
      ).data.attributes;
    atlas.place(TENANT.id, 3, { worldId: 0, channelId: 1, mapId: 200090010, instance: NIL });
    const ride = await fetch(
      `${url}/api/transports/instance-routes/${instanceRoute('kerning-train-to-square')}/start`,
      {
        method: 'POST',
        headers: { ...tenantHeaders(), 'content-type': 'application/json' },
        body: JSON.stringify({
          data: { type: 'start-transport', attributes: { characterId: 4, worldId: 0, channelId: 1 } },
        }),
      },
    );
    expect(ride.status).toBe(204);
    const voyage = (await boat()).voyageId;
    expect(voyage).toEqual(expect.any(String));

    raw.tenants[0]!.travelRate = 10;
    await writeFile(file, JSON.stringify(raw));
    await app.bus.publish(
      'EVENT_TOPIC_CONFIGURATION_STATUS',
      { tenantId: TENANT.id, type: 'ROUTE_UPDATED', resourceType: 'route', resourceId: 'boat-ellinia-orbis' },
      { key: TENANT.id },
    );
    await app.idle();
    // The voyage under way keeps its id and its arrival; the durations shown are the new rate's.
    expect(await boat()).toMatchObject({
      state: 'in_transit',
      voyageId: voyage,
      nextTransitionAt: '2026-02-18T00:15:00Z',
      travelDurationSeconds: 60,
      boardingWindowSeconds: 24,
    });

    // The ride started before the change keeps its own durations (arrival 11 s after its start).
    await advanceTo(app, clock, at('00:06:11'));
    expect(events.ofType('COMPLETED').map((m) => [m.at, m.body.characterId])).toEqual([[at('00:06:11'), 4]]);
    await advanceTo(app, clock, at('00:14:59.999'));
    expect(commands.messages.filter((m) => warpOf(m).characterId === 3)).toEqual([]);
    await advanceTo(app, clock, at('00:15:00'));
    const boatWarps = commands.messages.filter((m) => warpOf(m).characterId === 3);
    expect(boatWarps.map((m) => [m.at, warpOf(m).mapId])).toEqual([[at('00:15:00'), 200000100]]);
    const arrived = status.ofType('VOYAGE_ARRIVED').filter((m) => m.body.routeId === BOAT);
    expect(arrived.map((m) => [m.at, (m.body.body as { voyageId: string }).voyageId])).toEqual(
      [0, 1, 2].map(() => [at('00:15:00'), voyage]),
    );

    // From 00:15 on, the rate-10 timetable: REST and the departures follow it.
    const fast = parseTenantsFile(raw).configurations[0]!;
    const timetable = computeTimetables(fast.routes, fast.vessels).get(BOAT)!;
    const next = evaluate(timetable, at('00:15:00'));
    expect(await boat()).toMatchObject({
      state: next.state,
      nextTransitionAt: rfc3339(next.nextTransitionAt!),
    });
    await advanceTo(app, clock, at('00:30:00'));
    const departures = Array.from(
      { length: tripCount(timetable) },
      (_, i) => tripAt(timetable, i, DAY).departure,
    ).filter((t) => t > at('00:15:00') && t <= at('00:30:00'));
    expect(departures.length).toBeGreaterThan(2);
    expect(
      status
        .ofType('DEPARTED')
        .filter((m) => m.body.routeId === BOAT)
        .map((m) => m.at),
    ).toEqual(departures);
  });
});
