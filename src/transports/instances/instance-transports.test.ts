import { afterEach, describe, expect, it } from 'vitest';
import { expectChildSpanOf, traceIdOf } from '../../../test/support/trace.js';
import {
  advanceTo,
  at,
  type Harness,
  instanceRoute,
  recorder,
  startHarness,
  TENANT,
  tenantHeaders,
  warpOf,
} from '../testing/harness.js';

const NIL = '00000000-0000-0000-0000-000000000000';
const TRAIN = instanceRoute('kerning-train-to-square');
const TEMPLE = instanceRoute('temple-of-time-flight');
const TEMPLE_RETURN = instanceRoute('temple-of-time-return-flight');

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function boot() {
  harness = await startHarness({ start: at('10:00:00') });
  const { app, clock, url } = harness;
  const post = (routeId: string, attributes: unknown, headers = tenantHeaders()) =>
    fetch(`${url}/api/transports/instance-routes/${routeId}/start`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ data: { type: 'start-transport', id: '', attributes } }),
    });
  const publish = (
    topic: 'EVENT_TOPIC_MAP_STATUS' | 'EVENT_TOPIC_CHARACTER_STATUS',
    value: unknown,
    key: number,
  ) => app.bus.publish(topic, value, { key, tenant: TENANT });
  return {
    ...harness,
    post,
    events: recorder(app, clock, 'EVENT_TOPIC_INSTANCE_TRANSPORT'),
    commands: recorder(app, clock, 'COMMAND_TOPIC_CHARACTER'),
    to: (time: string) => advanceTo(app, clock, at(time)),
    enter: (characterId: number, mapId: number, channelId = 1) =>
      publish(
        'EVENT_TOPIC_MAP_STATUS',
        {
          transactionId: NIL,
          worldId: 0,
          channelId,
          mapId,
          instance: NIL,
          type: 'CHARACTER_ENTER',
          body: { characterId },
        },
        mapId,
      ),
    session: (type: 'LOGIN' | 'LOGOUT', characterId: number, mapId: number) =>
      publish(
        'EVENT_TOPIC_CHARACTER_STATUS',
        { transactionId: NIL, worldId: 0, characterId, type, body: { channelId: 1, mapId, instance: NIL } },
        characterId,
      ),
    status: async (routeId: string) =>
      (await (
        await fetch(`${url}/api/transports/instance-routes/${routeId}/status`, { headers: tenantHeaders() })
      ).json()) as {
        data: Array<{ id: string; attributes: Record<string, unknown> }>;
      },
  };
}

describe('instance transports through the running service', () => {
  it('rides the Kerning Square train: start, countdown, arrival on the millisecond', async () => {
    const h = await boot();
    const response = await h.post(TRAIN, { characterId: 42, worldId: 0, channelId: 1 });
    expect(response.status).toBe(204);
    await h.app.idle();
    const [boarding] = h.commands.messages;
    const instanceId = (boarding!.body.body as { instance: string }).instance;
    expect(warpOf(boarding!)).toEqual({
      characterId: 42,
      key: 42,
      worldId: 0,
      channelId: 1,
      mapId: 103000301,
      instance: instanceId,
      portalId: 0,
    });
    expect(h.events.messages.map((m) => m.value)).toEqual([
      {
        transactionId: NIL,
        worldId: 0,
        characterId: 42,
        type: 'STARTED',
        body: { routeId: TRAIN, instanceId },
      },
    ]);
    const [status] = (await h.status(TRAIN)).data;
    expect(status).toEqual({
      type: 'instance-status',
      id: instanceId,
      attributes: {
        routeId: TRAIN,
        state: 'boarding',
        characters: 1,
        boardingUntil: '2026-02-18T10:00:01Z',
        arrivalAt: '2026-02-18T10:00:11Z',
        createdAt: '2026-02-18T10:00:00Z',
      },
    });
    await h.to('10:00:00.200');
    await h.enter(42, 103000301);
    await h.app.idle();
    expect(h.events.ofType('TRANSIT_ENTERED').map((m) => m.value)).toEqual([
      {
        transactionId: NIL,
        worldId: 0,
        characterId: 42,
        type: 'TRANSIT_ENTERED',
        body: {
          routeId: TRAIN,
          instanceId,
          channelId: 1,
          durationSeconds: 10,
          message: 'The next stop is at Kerning Square Station. The exit is to your left.',
        },
      },
    ]);
    await h.to('10:00:01');
    expect((await h.status(TRAIN)).data[0]!.attributes.state).toBe('in_transit');
    h.commands.clear();
    await h.to('10:00:10.999');
    expect(h.events.ofType('COMPLETED')).toEqual([]);
    await h.to('10:00:11');
    expect(
      h.commands.messages.map((m) => [m.at, warpOf(m).mapId, warpOf(m).instance, warpOf(m).portalId]),
    ).toEqual([[at('10:00:11'), 103000310, NIL, 0]]);
    expect(h.events.ofType('COMPLETED').map((m) => [m.at, m.body.body])).toEqual([
      [at('10:00:11'), { routeId: TRAIN, instanceId }],
    ]);
    expect((await h.status(TRAIN)).data).toEqual([]);
    // Arrived: entering the destination cancels nothing.
    await h.enter(42, 103000310);
    await h.to('10:05:00');
    expect(h.events.ofType('CANCELLED')).toEqual([]);
  });

  it("writes instance-status times as Go's time.RFC3339 does: whole seconds, the fraction truncated", async () => {
    const h = await boot();
    await h.to('10:00:00.750');
    expect((await h.post(TRAIN, { characterId: 61, worldId: 0, channelId: 1 })).status).toBe(204);
    expect((await h.status(TRAIN)).data[0]!.attributes).toMatchObject({
      boardingUntil: '2026-02-18T10:00:01Z',
      arrivalAt: '2026-02-18T10:00:11Z',
      createdAt: '2026-02-18T10:00:00Z',
    });
  });

  it('refuses a second start, unknown routes and bad input with clear 4xx', async () => {
    const h = await boot();
    expect((await h.post(TRAIN, { characterId: 1, worldId: 0, channelId: 1 })).status).toBe(204);
    const again = await h.post(TEMPLE, { characterId: 1, worldId: 0, channelId: 1 });
    expect(again.status).toBe(400);
    expect(((await again.json()) as { errors: Array<{ detail: string }> }).errors[0]!.detail).toMatch(
      /already in transport/,
    );
    expect(
      (await h.post('6f1d2c3b-0000-4000-8000-000000000000', { characterId: 2, worldId: 0, channelId: 1 }))
        .status,
    ).toBe(404);
    expect((await h.post('not-a-uuid', { characterId: 2, worldId: 0, channelId: 1 })).status).toBe(400);
    expect((await h.post(TRAIN, { characterId: 2, worldId: 256, channelId: 1 })).status).toBe(400);
    expect((await h.post(TRAIN, { characterId: -1, worldId: 0, channelId: 1 })).status).toBe(400);
    expect((await h.post(TRAIN, { characterId: 2, worldId: 0 })).status).toBe(400);
    expect(
      (await h.post(TRAIN, { characterId: 2, worldId: 0, channelId: 1 }, {} as Record<string, string>))
        .status,
    ).toBe(400);
    const wrongType = await fetch(`${h.url}/api/transports/instance-routes/${TRAIN}/start`, {
      method: 'POST',
      headers: { ...tenantHeaders(), 'content-type': 'application/json' },
      body: '{"data":{"type":"characters","attributes":{}}}',
    });
    expect(wrongType.status).toBe(400);
    const broken = await fetch(`${h.url}/api/transports/instance-routes/${TRAIN}/start`, {
      method: 'POST',
      headers: { ...tenantHeaders(), 'content-type': 'application/json' },
      body: '{"data":',
    });
    expect(broken.status).toBe(400);
    await h.app.idle();
    expect(h.events.ofType('STARTED')).toHaveLength(1);
  });

  it("cancels on entering a map that is not the route's (MAP_EXIT) and on logout (LOGOUT)", async () => {
    const h = await boot();
    await h.post(TRAIN, { characterId: 5, worldId: 0, channelId: 1 });
    await h.post(TEMPLE, { characterId: 6, worldId: 0, channelId: 1 });
    await h.to('10:00:05');
    await h.enter(5, 103000000); // a return scroll to Kerning City
    await h.app.idle(); // two topics: their order is not the bus's to keep
    await h.session('LOGOUT', 6, 200090500);
    await h.app.idle();
    expect(
      h.events
        .ofType('CANCELLED')
        .map((m) => [m.body.characterId, (m.body.body as { reason: string }).reason]),
    ).toEqual([
      [5, 'MAP_EXIT'],
      [6, 'LOGOUT'],
    ]);
    expect((await h.status(TRAIN)).data).toEqual([]);
    h.commands.clear();
    await h.to('10:20:00');
    expect(h.commands.messages).toEqual([]); // cancelled rides neither arrive nor time out
    // Both can ride again.
    expect((await h.post(TRAIN, { characterId: 5, worldId: 0, channelId: 1 })).status).toBe(204);
  });

  it('sends a character who logs in on a transit map back to the start of the route it rode (C13)', async () => {
    const h = await boot();
    await h.post(TEMPLE_RETURN, { characterId: 7, worldId: 0, channelId: 1 });
    await h.session('LOGOUT', 7, 200090500);
    await h.app.idle();
    h.commands.clear();
    await h.session('LOGIN', 7, 200090500); // shared by both Temple of Time flights
    await h.session('LOGIN', 8, 200090510); // never rode: the first route by name
    await h.session('LOGIN', 9, 103000000); // not a transit map
    await h.app.idle();
    // Three keys: the bus orders each character's messages, not the three among themselves.
    expect(
      h.commands.messages
        .map((m) => [warpOf(m).characterId, warpOf(m).mapId, warpOf(m).portalId])
        .sort((a, b) => a[0]! - b[0]!),
    ).toEqual([
      [7, 270000100, 0],
      [8, 240000110, 0],
    ]);
  });

  it('starts from the bus too, and skips (counts) a START it can never honour', async () => {
    const h = await boot();
    const start = (characterId: number, routeId: string) =>
      h.app.bus.publish(
        'COMMAND_TOPIC_INSTANCE_TRANSPORT',
        { transactionId: NIL, worldId: 0, characterId, type: 'START', body: { routeId, channelId: 2 } },
        { key: characterId, tenant: TENANT },
      );
    await start(31, TRAIN);
    await start(32, '6f1d2c3b-0000-4000-8000-000000000000');
    await start(33, 'nonsense');
    await h.app.bus.publish(
      'COMMAND_TOPIC_INSTANCE_TRANSPORT',
      { type: 'START', worldId: 0, characterId: 34, body: { routeId: TRAIN, channelId: 2 } },
      { key: 34 },
    );
    await h.app.idle();
    expect(h.events.ofType('STARTED').map((m) => m.body.characterId)).toEqual([31]);
    const metrics = await (await fetch(`${h.url}/api/metrics`)).text();
    expect(metrics).toMatch(/bus_messages_malformed_total\{[^}]*reason="unknown-route"[^}]*\} 1/);
    expect(metrics).toMatch(/bus_messages_malformed_total\{[^}]*reason="schema"[^}]*\} 1/);
    expect(metrics).toMatch(/bus_messages_malformed_total\{[^}]*reason="tenant"[^}]*\} 1/);
    expect(h.app.bus.deadLetters()).toEqual([]);
  });

  it("continues the caller's W3C trace from a REST start into its CHANGE_MAP and STARTED", async () => {
    const h = await boot();
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const response = await h.post(
      TRAIN,
      { characterId: 71, worldId: 0, channelId: 1 },
      { ...tenantHeaders(), traceparent },
    );
    expect(response.status).toBe(204);
    await h.app.idle();
    const sent = [...h.commands.messages, ...h.events.messages];
    expect(sent.map((m) => m.body.type)).toEqual(['CHANGE_MAP', 'STARTED']);
    for (const message of sent) {
      expectChildSpanOf(message.headers.traceparent, traceparent);
      expect(message.headers.tracestate).toBeUndefined();
      expect(message.headers.TENANT_ID?.toString('utf8')).toBe(TENANT.id);
    }
  });

  it('continues the trace of a bus START (and its tracestate); the timer-driven arrival starts its own', async () => {
    const h = await boot();
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await h.app.bus.publish(
      'COMMAND_TOPIC_INSTANCE_TRANSPORT',
      {
        transactionId: NIL,
        worldId: 0,
        characterId: 72,
        type: 'START',
        body: { routeId: TRAIN, channelId: 1 },
      },
      {
        key: 72,
        tenant: TENANT,
        headers: { traceparent: Buffer.from(traceparent), tracestate: Buffer.from('atlas=1') },
      },
    );
    await h.app.idle();
    const sent = [...h.commands.messages, ...h.events.messages];
    expect(sent.map((m) => m.body.type)).toEqual(['CHANGE_MAP', 'STARTED']);
    for (const message of sent) {
      expectChildSpanOf(message.headers.traceparent, traceparent);
      expect(message.headers.tracestate?.toString('utf8')).toBe('atlas=1');
    }
    h.commands.clear();
    h.events.clear();
    await h.to('10:00:11');
    const arrival = [...h.commands.messages, ...h.events.messages];
    expect(arrival.map((m) => m.body.type)).toEqual(['CHANGE_MAP', 'COMPLETED']);
    for (const message of arrival) {
      // No cause: a trace of its own, not the START's.
      expect(traceIdOf(message.headers.traceparent)).toMatch(/^[0-9a-f]{32}$/);
      expect(traceIdOf(message.headers.traceparent)).not.toBe(traceIdOf(Buffer.from(traceparent)));
      expect(message.headers.tracestate).toBeUndefined();
      expect(message.headers.TENANT_ID?.toString('utf8')).toBe(TENANT.id);
    }
  });

  it('traces TRANSIT_ENTERED and CANCELLED with the consumed map and character events', async () => {
    const h = await boot();
    const traced = (n: number) => `00-${String(n).repeat(32)}-${String(n).repeat(16)}-01`;
    const traceId = (n: number) => String(n).repeat(32);
    const event = (
      topic: 'EVENT_TOPIC_MAP_STATUS' | 'EVENT_TOPIC_CHARACTER_STATUS',
      value: unknown,
      n: number,
    ) =>
      h.app.bus.publish(topic, value, {
        key: 1,
        tenant: TENANT,
        headers: { traceparent: Buffer.from(traced(n)) },
      });
    await h.post(TRAIN, { characterId: 73, worldId: 0, channelId: 1 });
    await h.post(TEMPLE, { characterId: 74, worldId: 0, channelId: 1 });
    const enter = (characterId: number, mapId: number) => ({
      transactionId: NIL,
      worldId: 0,
      channelId: 1,
      mapId,
      instance: NIL,
      type: 'CHARACTER_ENTER',
      body: { characterId },
    });
    await event('EVENT_TOPIC_MAP_STATUS', enter(73, 103000301), 1);
    await h.app.idle();
    await event('EVENT_TOPIC_MAP_STATUS', enter(73, 103000000), 2);
    await h.app.idle();
    await event(
      'EVENT_TOPIC_CHARACTER_STATUS',
      {
        transactionId: NIL,
        worldId: 0,
        characterId: 74,
        type: 'LOGOUT',
        body: { channelId: 1, mapId: 200090500 },
      },
      3,
    );
    await h.app.idle();
    expect(
      h.events.messages
        .filter((m) => m.body.type !== 'STARTED')
        .map((m) => [m.body.type, m.body.characterId, traceIdOf(m.headers.traceparent)]),
    ).toEqual([
      ['TRANSIT_ENTERED', 73, traceId(1)],
      ['CANCELLED', 73, traceId(2)],
      ['CANCELLED', 74, traceId(3)],
    ]);

    // Warps a character event causes carry its trace too: login recovery from a transit map, and a logout
    // on a boat's dock (staging map of boat-ellinia-orbis) sent back to the route's start map.
    h.commands.clear();
    const status = (characterId: number, type: 'LOGIN' | 'LOGOUT', mapId: number) => ({
      transactionId: NIL,
      worldId: 0,
      characterId,
      type,
      body: { channelId: 1, mapId, instance: NIL },
    });
    await event('EVENT_TOPIC_CHARACTER_STATUS', status(75, 'LOGIN', 103000301), 4);
    await event('EVENT_TOPIC_CHARACTER_STATUS', status(76, 'LOGOUT', 101000301), 5);
    await h.app.idle();
    expect(
      h.commands.messages.map((m) => [
        warpOf(m).characterId,
        warpOf(m).mapId,
        traceIdOf(m.headers.traceparent),
      ]),
    ).toEqual([
      [75, 103000100, traceId(4)],
      [76, 101000300, traceId(5)],
    ]);
  });

  it('never puts two characters in one instance: 100 concurrent starts on a capacity-1 route', async () => {
    const h = await boot();
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        h.post(TRAIN, { characterId: 1000 + i, worldId: 0, channelId: 1 }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(204));
    const { data } = await h.status(TRAIN);
    expect(data).toHaveLength(100);
    expect(data.every((instance) => instance.attributes.characters === 1)).toBe(true);
    expect(new Set(data.map((instance) => instance.id)).size).toBe(100);
  });

  it('sends nobody home on a graceful shutdown: the next start on the database ends the rides on time', async () => {
    const h = await boot();
    await h.post(TRAIN, { characterId: 51, worldId: 0, channelId: 1 }); // arrives 10:00:11
    await h.post(TEMPLE, { characterId: 52, worldId: 0, channelId: 2 });
    await h.app.idle();
    h.commands.clear();
    await h.app.close();
    harness = undefined;
    expect(h.commands.messages).toEqual([]);

    harness = await startHarness({ start: at('10:00:05'), databaseUrl: h.databaseUrl });
    const { app, clock } = harness;
    const commands = recorder(app, clock, 'COMMAND_TOPIC_CHARACTER');
    const events = recorder(app, clock, 'EVENT_TOPIC_INSTANCE_TRANSPORT');
    await advanceTo(app, clock, at('10:00:10.999'));
    expect(commands.messages).toEqual([]);
    await advanceTo(app, clock, at('10:00:11'));
    expect(commands.messages.map((m) => [m.at, warpOf(m).characterId, warpOf(m).mapId])).toEqual([
      [at('10:00:11'), 51, 103000310],
    ]);
    expect(events.ofType('COMPLETED').map((m) => m.body.characterId)).toEqual([51]);
  });

  it('a start long after the stop sends the riders of rides past their stuck timeout home (STUCK)', async () => {
    const h = await boot();
    await h.post(TRAIN, { characterId: 53, worldId: 0, channelId: 1 }); // stuck timeout 10:00:22
    await h.app.idle();
    await h.app.close();
    harness = undefined;
    harness = await startHarness({ start: at('10:30:00'), databaseUrl: h.databaseUrl });
    const { app, clock } = harness;
    const commands = recorder(app, clock, 'COMMAND_TOPIC_CHARACTER');
    const events = recorder(app, clock, 'EVENT_TOPIC_INSTANCE_TRANSPORT');
    await app.idle();
    expect(
      commands.messages.map((m) => [warpOf(m).characterId, warpOf(m).mapId, warpOf(m).instance]),
    ).toEqual([[53, 103000100, NIL]]);
    expect(events.messages.map((m) => [m.body.type, (m.body.body as { reason?: string }).reason])).toEqual([
      ['CANCELLED', 'STUCK'],
    ]);
    const rides = await fetch(`${harness.url}/api/transports/instance-routes/${TRAIN}/status`, {
      headers: tenantHeaders(),
    });
    expect(((await rides.json()) as { data: unknown[] }).data).toEqual([]);
  });
});
