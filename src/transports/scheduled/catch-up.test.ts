import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, type TimerHandle } from '../../platform/clock.js';
import { FakeAtlas } from '../testing/fake-atlas.js';
import {
  advanceTo,
  at,
  type Harness,
  recorder,
  routeId,
  startHarness,
  TENANT,
  warpOf,
} from '../testing/harness.js';

const NIL = '00000000-0000-0000-0000-000000000000';
const BOAT_A = routeId('boat-ellinia-orbis');

/** A clock whose timers fire `lateness` ms after they were due: a process that was paused or suspended. */
class PausedClock extends ManualClock {
  lateness = 0;

  override at(due: number, fn: () => void): TimerHandle {
    return super.at(due + this.lateness, fn);
  }
}

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('catch-up and channels', () => {
  it('walks every boundary a late timer missed, in order, with its warps', async () => {
    const clock = new PausedClock(at('00:00:30'));
    clock.lateness = 11 * 60_000; // the 00:04:00 timer fires at 00:15:00
    harness = await startHarness({ clock });
    const { app, atlas } = harness;
    const status = recorder(app, clock, 'EVENT_TOPIC_TRANSPORT_STATUS');
    const commands = recorder(app, clock, 'COMMAND_TOPIC_CHARACTER');
    atlas.place(TENANT.id, 1, { worldId: 0, channelId: 0, mapId: 101000301, instance: NIL });
    await advanceTo(app, clock, at('00:15:00'));
    const boat = status.messages.filter((m) => m.body.routeId === BOAT_A);
    // The missed voyage departs and arrives in order, announced on each of the tenant's three channels.
    const voyage = (type: string) => Array.from({ length: 3 }, () => [at('00:15:00'), type]);
    expect(boat.map((m) => [m.at, m.body.type])).toEqual([
      ...voyage('VOYAGE_DEPARTED'),
      [at('00:15:00'), 'DEPARTED'],
      ...voyage('VOYAGE_ARRIVED'),
    ]);
    // Departure at 00:05 and arrival at 00:15 both happened: aboard, then ashore.
    expect(commands.messages.map((m) => [warpOf(m).characterId, warpOf(m).mapId])).toEqual([[1, 200090010]]);
    const metrics = await (await fetch(`${harness.url}/api/metrics`)).text();
    expect(metrics).toMatch(/transports_transition_lateness_seconds_bucket\{le="600"\} \d+/);
  });

  it('searches the channels announced on the bus and forgets those that shut down', async () => {
    const atlas = await new FakeAtlas().start();
    harness = await startHarness({ start: at('00:31:00'), atlas });
    const { app, clock } = harness;
    const commands = recorder(app, clock, 'COMMAND_TOPIC_CHARACTER');
    const channelStatus = (type: string, worldId: number, channelId: number) =>
      app.bus.publish(
        'EVENT_TOPIC_CHANNEL_STATUS',
        {
          type,
          worldId,
          channelId,
          ipAddress: '10.0.0.5',
          port: 8585,
          currentCapacity: 0,
          maxCapacity: 1000,
        },
        { key: TENANT.id, tenant: TENANT },
      );
    await channelStatus('STARTED', 1, 4);
    await channelStatus('SHUTDOWN', 0, 0);
    await channelStatus('STARTED', 300, 1); // out of range: skipped
    await channelStatus('RESTARTED', 0, 1); // unknown type: skipped
    atlas.place(TENANT.id, 1, { worldId: 1, channelId: 4, mapId: 101000301, instance: NIL });
    atlas.place(TENANT.id, 2, { worldId: 0, channelId: 0, mapId: 101000301, instance: NIL });
    atlas.requests.splice(0);
    await advanceTo(app, clock, at('00:35:10'));
    expect(
      commands.messages.map((m) => [warpOf(m).characterId, warpOf(m).worldId, warpOf(m).channelId]),
    ).toEqual([[1, 1, 4]]);
    const asked = atlas.requests.filter((r) => r.includes('/maps/101000301/'));
    expect(asked).toEqual([
      `/worlds/0/channels/1/maps/101000301/instances/${NIL}/characters`,
      `/worlds/0/channels/2/maps/101000301/instances/${NIL}/characters`,
      `/worlds/1/channels/4/maps/101000301/instances/${NIL}/characters`,
    ]);
    const metrics = await (await fetch(`${harness.url}/api/metrics`)).text();
    expect(metrics).toMatch(
      /bus_messages_malformed_total\{[^}]*EVENT_TOPIC_CHANNEL_STATUS[^}]*reason="schema"[^}]*\} 1/,
    );
    expect(metrics).toMatch(
      /bus_messages_malformed_total\{[^}]*EVENT_TOPIC_CHANNEL_STATUS[^}]*reason="type"[^}]*\} 1/,
    );
    await harness.close();
    harness = undefined;
    await atlas.stop();
  });
});
