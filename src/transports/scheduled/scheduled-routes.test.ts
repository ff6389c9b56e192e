import { afterEach, describe, expect, it } from 'vitest';
import { readIntegerKey } from '../../platform/wire/keys.js';
import { FakeAtlas } from '../testing/fake-atlas.js';
import {
  advanceTo,
  at,
  type Harness,
  logout,
  recorder,
  routeId,
  startHarness,
  TENANT,
  warpOf,
} from '../testing/harness.js';

const NIL = '00000000-0000-0000-0000-000000000000';
const BOAT_A = routeId('boat-ellinia-orbis');
const BOAT_B = routeId('boat-orbis-ellinia');
const channel = (channelId: number, mapId: number) => ({ worldId: 0, channelId, mapId, instance: NIL });

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function boot(start: string) {
  harness = await startHarness({ start: at(start) });
  const { app, clock } = harness;
  return {
    ...harness,
    status: recorder(app, clock, 'EVENT_TOPIC_TRANSPORT_STATUS'),
    commands: recorder(app, clock, 'COMMAND_TOPIC_CHARACTER'),
    to: (time: string) => advanceTo(app, clock, at(time)),
  };
}

describe('scheduled routes through the running service', () => {
  it('announces boarding and departure on the exact millisecond, with Atlas bytes', async () => {
    const h = await boot('00:20:00');
    await h.to('00:30:09.999');
    expect(h.status.messages.filter((m) => m.body.routeId === BOAT_A)).toEqual([]);
    await h.to('00:30:10');
    const [arrived] = h.status.messages.filter((m) => m.body.routeId === BOAT_A);
    expect(arrived!.at).toBe(at('00:30:10'));
    expect(arrived!.value).toEqual({ routeId: BOAT_A, type: 'ARRIVED', body: { mapId: 101000300 } });
    expect(arrived!.key.toString('ascii')).toBe(BOAT_A);
    expect(arrived!.headers.TENANT_ID!.toString('ascii')).toBe(TENANT.id);
    expect([...arrived!.headers.MAJOR_VERSION!]).toEqual([0, 83]);
    await h.to('00:35:09.999');
    expect(h.status.ofType('DEPARTED').filter((m) => m.body.routeId === BOAT_A)).toEqual([]);
    await h.to('00:35:10');
    const departed = h.status.ofType('DEPARTED').filter((m) => m.body.routeId === BOAT_A);
    expect(departed.map((m) => [m.at, m.body])).toEqual([
      [at('00:35:10'), { routeId: BOAT_A, type: 'DEPARTED', body: { mapId: 101000300 } }],
    ]);
  });

  it('warps the dock aboard at departure and everyone aboard ashore at arrival, in every channel', async () => {
    const h = await boot('00:31:00');
    h.atlas.portals.set(200090010, [
      { id: 3, type: 0, targetMapId: 999999999 },
      { id: 4, type: 2, targetMapId: 999999999 },
      { id: 5, type: 0, targetMapId: 200000100 },
    ]);
    h.atlas.place(TENANT.id, 1, channel(0, 101000301));
    h.atlas.place(TENANT.id, 2, channel(2, 101000301));
    h.atlas.place(TENANT.id, 3, channel(1, 101000300)); // the start map: not a passenger
    await h.to('00:35:10');
    expect(h.commands.messages.map(warpOf)).toEqual([
      { characterId: 1, key: 1, worldId: 0, channelId: 0, mapId: 200090010, instance: NIL, portalId: 3 },
      { characterId: 2, key: 2, worldId: 0, channelId: 2, mapId: 200090010, instance: NIL, portalId: 3 },
    ]);
    expect(Object.keys(h.commands.messages[0]!.value as object)).toEqual([
      'worldId',
      'characterId',
      'type',
      'body',
    ]);
    expect(h.commands.messages[0]!.body.type).toBe('CHANGE_MAP');
    h.commands.clear();
    // Aboard: the character service moved them; one walked to the second deck.
    h.atlas.place(TENANT.id, 1, channel(0, 200090010));
    h.atlas.place(TENANT.id, 2, channel(2, 200090011));
    await h.to('00:45:09.999');
    expect(h.commands.messages).toEqual([]);
    await h.to('00:45:10');
    expect(
      h.commands.messages.map((m) => [m.at, warpOf(m).characterId, warpOf(m).mapId, warpOf(m).portalId]),
    ).toEqual([
      [at('00:45:10'), 1, 200000100, 0],
      [at('00:45:10'), 2, 200000100, 0],
    ]);
  });

  it("delivers the passengers of the day's last trip (C4) and opens again at midnight", async () => {
    const h = await boot('23:40:00');
    await h.to('23:42:50');
    h.atlas.place(TENANT.id, 7, channel(1, 200090011));
    await h.to('23:52:49.999');
    expect(h.commands.messages).toEqual([]);
    await h.to('23:52:50');
    expect(h.commands.messages.map((m) => [m.at, warpOf(m).characterId, warpOf(m).mapId])).toEqual([
      [at('23:52:50'), 7, 200000100],
    ]);
    await h.to('+1 00:00:00');
    const midnight = h.status.messages.filter((m) => m.at === at('+1 00:00:00'));
    expect(midnight.map((m) => [m.body.routeId, m.body.type])).toContainEqual([BOAT_A, 'ARRIVED']);
    expect(midnight.some((m) => m.body.routeId === BOAT_B)).toBe(false);
  });

  it('sends no event for the state found at start-up, only for boundaries crossed afterwards', async () => {
    const h = await boot('00:05:30'); // boat A in transit since 00:05:00
    h.atlas.place(TENANT.id, 9, channel(0, 200090010));
    await h.app.idle();
    expect(h.status.messages).toEqual([]);
    expect(h.commands.messages).toEqual([]);
    await h.to('00:15:00');
    expect(h.commands.messages.map((m) => warpOf(m).characterId)).toEqual([9]);
  });

  it('at start-up, sends ashore whoever is aboard a ship that is not travelling (an arrival missed while down)', async () => {
    const atlas = await new FakeAtlas().start();
    try {
      let answer = () => {};
      atlas.presenceGate = new Promise((resolve) => {
        answer = resolve;
      });
      atlas.place(TENANT.id, 8, channel(2, 200090001)); // boat B, at the dock until 00:15:05
      atlas.place(TENANT.id, 9, channel(0, 200090010)); // boat A, in transit since 00:05:00: stays aboard
      harness = await startHarness({ start: at('00:05:30'), atlas });
      const { app, clock } = harness;
      const status = recorder(app, clock, 'EVENT_TOPIC_TRANSPORT_STATUS');
      const commands = recorder(app, clock, 'COMMAND_TOPIC_CHARACTER');
      atlas.presenceGate = undefined;
      answer();
      await app.idle();
      expect(status.messages).toEqual([]);
      expect(commands.messages.map((m) => [m.at, warpOf(m)])).toEqual([
        [
          at('00:05:30'),
          { characterId: 8, key: 8, worldId: 0, channelId: 2, mapId: 101000300, instance: NIL, portalId: 0 },
        ],
      ]);
      await advanceTo(app, clock, at('00:15:00'));
      expect(commands.messages.map((m) => warpOf(m).characterId)).toEqual([8, 9]);
    } finally {
      await harness?.close();
      harness = undefined;
      await atlas.stop();
    }
  });

  it('keeps a transition whole when look-ups fail (C5): the event goes, the other fields still warp', async () => {
    const h = await boot('00:31:00');
    h.atlas.failingPortals.add(200090010);
    h.atlas.place(TENANT.id, 1, channel(0, 101000301));
    h.atlas.place(TENANT.id, 2, channel(1, 101000301));
    await h.to('00:35:10');
    expect(h.commands.messages.map((m) => [warpOf(m).characterId, warpOf(m).portalId])).toEqual([
      [1, 0],
      [2, 0],
    ]);
    expect(h.status.ofType('DEPARTED').some((m) => m.body.routeId === BOAT_A)).toBe(true);
    h.commands.clear();
    h.atlas.place(TENANT.id, 1, channel(0, 200090010));
    h.atlas.failingMaps.add(200090011); // the second deck cannot be read: the first still goes ashore
    await h.to('00:45:10');
    expect(h.commands.messages.map((m) => [warpOf(m).characterId, warpOf(m).mapId])).toEqual([
      [1, 200000100],
    ]);
    const metrics = await (await fetch(`${h.url}/api/metrics`)).text();
    expect(metrics).toMatch(/transports_lookup_failures_total\{kind="portals"\} 1/);
    expect(metrics).toMatch(/transports_lookup_failures_total\{kind="presence"\} [1-9]/);
  });

  it("warps a character who logs out on a dock or aboard back to the route's start map", async () => {
    const h = await boot('00:31:00');
    h.atlas.portals.set(101000300, [{ id: 6, type: 0, targetMapId: 999999999 }]);
    await logout(h.app, 11, 101000301, 2);
    await logout(h.app, 12, 200090011, 2);
    await logout(h.app, 13, 200000100, 2); // a destination: stays
    await h.app.idle();
    // Two characters (two keys) are handled at once: their warps may leave in either order.
    const warps = h.commands.messages.map(warpOf).sort((a, b) => a.characterId - b.characterId);
    expect(warps).toEqual([
      { characterId: 11, key: 11, worldId: 0, channelId: 2, mapId: 101000300, instance: NIL, portalId: 6 },
      { characterId: 12, key: 12, worldId: 0, channelId: 2, mapId: 101000300, instance: NIL, portalId: 6 },
    ]);
    const eleven = h.commands.messages.find((m) => warpOf(m).characterId === 11)!;
    expect(readIntegerKey(eleven.key)).toBe(11);
  });
});
