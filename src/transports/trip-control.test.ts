import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { OTHER_TENANT } from '../../test/support/app.js';
import type { Tenant } from '../platform/tenant.js';
import {
  advanceTo,
  at,
  type Harness,
  recorder,
  routeId,
  startHarness,
  TENANT,
  tenantHeaders,
  warpOf,
} from './testing/harness.js';

// The Ellinia→Orbis boat (leg A): boards 00:00:00, locks 00:04, departs 00:05, arrives 00:15, boards again
// 00:30:10. Its hull then carries leg B (Orbis→Ellinia): boards 00:15:05, departs 00:20:05.
const BOAT = routeId('boat-ellinia-orbis');
const BOAT_B = routeId('boat-orbis-ellinia');
const START = 101000300;
const STAGING = 101000301;
const EN_ROUTE = 200090010;
const DESTINATION = 200000100;
const NIL = '00000000-0000-0000-0000-000000000000';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function boot(start: string) {
  harness = await startHarness({ start: at(start) });
  const { app, clock, url, atlas } = harness;
  const call = async (method: string, path: string, body?: unknown, tenant: Tenant = TENANT) => {
    const response = await fetch(`${url}/api/transports/routes/${path}`, {
      method,
      headers: {
        ...tenantHeaders(tenant),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    await app.idle();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    ...harness,
    status: recorder(app, clock, 'EVENT_TOPIC_TRANSPORT_STATUS'),
    commands: recorder(app, clock, 'COMMAND_TOPIC_CHARACTER'),
    to: (time: string) => advanceTo(app, clock, at(time)),
    call,
    place: (characterId: number, mapId: number) =>
      atlas.place(TENANT.id, characterId, { worldId: 0, channelId: 1, mapId, instance: NIL }),
  };
}

type Booted = Awaited<ReturnType<typeof boot>>;

const eventsOf = (h: Booted, route: string) =>
  h.status.messages
    .filter((m) => m.body.routeId === route && (m.body.type === 'ARRIVED' || m.body.type === 'DEPARTED'))
    .map((m) => `${m.body.type} ${iso(m.at)}`);
const warpsOf = (h: Booted, characterId: number) =>
  h.commands.messages
    .filter((m) => m.body.characterId === characterId)
    .map((m) => `${warpOf(m).mapId} ${iso(m.at)}`);
const iso = (ms: number) => new Date(ms).toISOString().slice(11, 19);

const outage = (from: unknown, until: unknown, reason?: unknown) => ({
  data: { type: 'route-outages', attributes: { from, until, ...(reason === undefined ? {} : { reason }) } },
});

describe('a hold', () => {
  it('keeps the boat at the dock across its departure; the release departs it then, once', async () => {
    const h = await boot('00:01:00');
    h.place(1, STAGING);
    const held = await h.call('PUT', `${BOAT}/control/hold`, {
      data: { type: 'route-holds', attributes: { reason: 'kraken sighted' } },
    });
    expect(held.status).toBe(200);
    expect(held.body.data).toMatchObject({
      type: 'route-controls',
      id: BOAT,
      attributes: {
        held: true,
        heldSince: '2026-02-18T00:01:00Z',
        holdReason: 'kraken sighted',
        state: 'open_entry',
      },
    });
    // Idempotent: the first heldSince stays.
    await h.to('00:02:00');
    expect((await h.call('PUT', `${BOAT}/control/hold`)).body.data.attributes.heldSince).toBe(
      '2026-02-18T00:01:00Z',
    );

    await h.to('00:20:00');
    expect(eventsOf(h, BOAT)).toEqual([]);
    expect(warpsOf(h, 1)).toEqual([]);
    // The hull stays at Ellinia: leg B does not board or depart without it.
    expect(eventsOf(h, BOAT_B)).toEqual([]);
    const view = await h.call('GET', `${BOAT}/control`);
    expect(view.body.data.attributes).toMatchObject({
      held: true,
      state: 'locked_entry',
      nextTransitionAt: '',
    });
    // The route resource reads the same: nothing ahead is "" (its no-trips form), no voyageId outside transit.
    const route = (await h.call('GET', BOAT)).body.data.attributes;
    expect(route).toMatchObject({ state: 'locked_entry', nextState: 'locked_entry', nextTransitionAt: '' });
    expect(route).not.toHaveProperty('voyageId');

    const released = await h.call('DELETE', `${BOAT}/control/hold`);
    expect(released.status).toBe(200);
    expect(released.body.data.attributes).toMatchObject({
      held: false,
      heldSince: null,
      state: 'in_transit',
    });
    expect(eventsOf(h, BOAT)).toEqual(['DEPARTED 00:20:00']);
    expect(warpsOf(h, 1)).toEqual([`${EN_ROUTE} 00:20:00`]);
    // The released voyage arrives after the full travel time: the next boundary, in the route's RFC 3339 form.
    expect((await h.call('GET', BOAT)).body.data.attributes).toMatchObject({
      state: 'in_transit',
      nextState: 'awaiting_return',
      nextTransitionAt: '2026-02-18T00:30:00Z',
      voyageId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    h.place(1, EN_ROUTE);
    await h.to('00:40:00');
    expect(warpsOf(h, 1)).toEqual([`${EN_ROUTE} 00:20:00`, `${DESTINATION} 00:30:00`]);
    expect(eventsOf(h, BOAT)).toEqual(['DEPARTED 00:20:00']);
    // Leg B takes the hull back first (boards 00:45:15); leg A boards again after it, at 01:00:20.
    await h.to('01:00:20');
    expect(eventsOf(h, BOAT_B)).toEqual(['ARRIVED 00:45:15', 'DEPARTED 00:50:15']);
    expect(eventsOf(h, BOAT)).toEqual(['DEPARTED 00:20:00', 'ARRIVED 01:00:20']);
  });

  it('outlives a configuration reload', async () => {
    const h = await boot('00:01:00');
    await h.call('PUT', `${BOAT}/control/hold`);
    await h.app.bus.publish(
      'EVENT_TOPIC_CONFIGURATION_STATUS',
      { tenantId: TENANT.id, type: 'ROUTE_UPDATED', resourceType: 'route', resourceId: 'boat-ellinia-orbis' },
      { key: TENANT.id },
    );
    await h.app.idle();
    await h.to('00:06:00');
    expect(eventsOf(h, BOAT)).toEqual([]);
    expect((await h.call('GET', `${BOAT}/control`)).body.data.attributes).toMatchObject({
      held: true,
      state: 'locked_entry',
    });
  });

  it('survives a restart', async () => {
    const h = await boot('00:01:00');
    await h.call('PUT', `${BOAT}/control/hold`);
    await h.app.close();
    const again = await startHarness({ start: at('00:06:00'), databaseUrl: h.databaseUrl, atlas: h.atlas });
    harness = {
      ...again,
      close: async () => {
        await again.close();
        await h.atlas.stop();
      },
    };
    const response = await fetch(`${again.url}/api/transports/routes/${BOAT}/control`, {
      headers: tenantHeaders(),
    });
    const { data } = (await response.json()) as { data: { attributes: Record<string, unknown> } };
    expect(data.attributes).toMatchObject({
      held: true,
      heldSince: '2026-02-18T00:01:00Z',
      state: 'locked_entry',
    });
  });
});

describe('a forced departure', () => {
  it('departs now, arrives after the travel time and resumes with the next boarding after it', async () => {
    const h = await boot('00:01:00');
    h.place(2, STAGING);
    await h.to('00:02:00');
    const forced = await h.call('POST', `${BOAT}/control/departures`);
    expect(forced.status).toBe(202);
    expect(forced.body.data.attributes).toMatchObject({
      state: 'in_transit',
      forcedDepartureAt: '2026-02-18T00:02:00Z',
      nextState: 'awaiting_return',
      nextTransitionAt: '2026-02-18T00:12:00Z',
    });
    expect(warpsOf(h, 2)).toEqual([`${EN_ROUTE} 00:02:00`]);
    h.place(2, EN_ROUTE);
    await h.to('00:31:00');
    expect(warpsOf(h, 2)).toEqual([`${EN_ROUTE} 00:02:00`, `${DESTINATION} 00:12:00`]);
    expect(eventsOf(h, BOAT)).toEqual(['DEPARTED 00:02:00', 'ARRIVED 00:30:10']);
  });

  it('is refused while the route is not boarding, and nothing is stored', async () => {
    const h = await boot('00:20:00');
    const refused = await h.call('POST', `${BOAT}/control/departures`);
    expect(refused.status).toBe(409);
    expect(refused.body.errors[0]).toMatchObject({ status: '409', source: { parameter: 'routeId' } });
    expect(refused.body.errors[0].detail).toContain('awaiting_return');
    expect(await storedRows(h)).toBe(0);
    expect(eventsOf(h, BOAT)).toEqual([]);
  });
});

describe('an outage', () => {
  it('cuts the boarding short, sends the dock back to the start map and lets no trip depart', async () => {
    const h = await boot('00:25:00');
    const set = await h.call(
      'PUT',
      `${BOAT}/control/out-of-service`,
      outage('2026-02-18T00:32:00Z', '2026-02-18T00:50:00Z', 'storm'),
    );
    expect(set.status).toBe(200);
    expect(set.body.data.attributes.outOfService).toEqual({
      from: '2026-02-18T00:32:00Z',
      until: '2026-02-18T00:50:00Z',
      reason: 'storm',
    });
    h.place(3, STAGING);
    await h.to('00:55:00');
    expect(warpsOf(h, 3)).toEqual([`${START} 00:32:00`]);
    expect(eventsOf(h, BOAT)).toEqual(['ARRIVED 00:30:10']);
    expect((await h.call('GET', `${BOAT}/control`)).body.data.attributes).toMatchObject({
      outOfService: null,
      state: 'awaiting_return',
    });
    await h.to('01:00:20');
    expect(eventsOf(h, BOAT)).toEqual(['ARRIVED 00:30:10', 'ARRIVED 01:00:20']);
  });

  it('cancelled, gives the route its timetable back at once', async () => {
    const h = await boot('00:25:00');
    await h.call(
      'PUT',
      `${BOAT}/control/out-of-service`,
      outage('2026-02-18T00:26:00Z', '2026-02-18T02:00:00Z'),
    );
    await h.to('00:40:00');
    const cancelled = await h.call('DELETE', `${BOAT}/control/out-of-service`);
    expect(cancelled.body.data.attributes).toMatchObject({ outOfService: null, state: 'in_transit' });
    // The timetable has a trip under way now: it leaves at the cancellation (with nobody: its boarding was cut).
    expect(eventsOf(h, BOAT)).toEqual(['DEPARTED 00:40:00']);
    await h.to('00:46:00');
    expect(eventsOf(h, BOAT)).toEqual(['DEPARTED 00:40:00']);
  });
});

async function storedRows(h: Booted): Promise<number> {
  const client = new pg.Client({ connectionString: h.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM transport_route_controls');
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

describe('bad input', () => {
  it('answers 4xx JSON:API errors naming the field, and stores nothing', async () => {
    const h = await boot('00:01:00');
    const unknown = routeId('no-such-route');
    // [from, until, the attribute named, reason]: now is 2026-02-18T00:01:00Z.
    const badOutages: Array<[unknown, unknown, string, unknown?]> = [
      ['2026-02-18T01:00:00Z', '2026-02-18T00:50:00Z', 'until'],
      ['2026-02-17T01:00:00Z', '2026-02-18T00:00:30Z', 'until'],
      ['2026-02-18T01:00:00Z', '2026-02-25T01:00:01Z', 'until'],
      ['yesterday', '2026-02-18T02:00:00Z', 'from'],
      // No 30 February (Date.parse would have read 2 March).
      ['2026-02-30T01:00:00Z', '2026-03-02T02:00:00Z', 'from'],
      ['2026-02-18T01:00:00Z', '2026-02-18T24:00:00Z', 'until'],
      ['2026-02-18T01:00:00Z', 1771380000000, 'until'],
      ['2026-02-18T01:00:00Z', '2026-02-18T02:00:00Z', 'reason', 'y'.repeat(201)],
    ];
    type Case = [string, string, unknown, number, Record<string, string>, Tenant?];
    const cases: Case[] = [
      ['GET', `${unknown}/control`, undefined, 404, {}],
      ['PUT', `${unknown}/control/hold`, undefined, 404, {}],
      ['PUT', `${BOAT}/control/hold`, undefined, 404, {}, OTHER_TENANT],
      ['GET', `${BOAT}/control`, undefined, 404, {}, OTHER_TENANT],
      ['GET', 'not-a-uuid/control', undefined, 400, { parameter: 'routeId' }],
      ['POST', 'not-a-uuid/control/departures', undefined, 400, { parameter: 'routeId' }],
      [
        'PUT',
        `${BOAT}/control/hold`,
        { data: { type: 'route-holds', attributes: { reason: 'x'.repeat(201) } } },
        400,
        { pointer: '/data/attributes/reason' },
      ],
      [
        'PUT',
        `${BOAT}/control/hold`,
        { data: { type: 'route-holds', attributes: { reason: 7 } } },
        400,
        { pointer: '/data/attributes/reason' },
      ],
      [
        'PUT',
        `${BOAT}/control/hold`,
        { data: { type: 'holds', attributes: {} } },
        400,
        { pointer: '/data/type' },
      ],
      ['PUT', `${BOAT}/control/out-of-service`, undefined, 400, { pointer: '' }],
      ...badOutages.map(
        ([from, until, field, why]): Case => [
          'PUT',
          `${BOAT}/control/out-of-service`,
          outage(from, until, why),
          400,
          { pointer: `/data/attributes/${field}` },
        ],
      ),
      ['PUT', `${BOAT}/control/out-of-service`, '{"data":', 400, {}],
      ['PATCH', `${BOAT}/control/hold`, undefined, 405, {}],
    ];
    for (const [method, path, body, status, source, tenant] of cases) {
      const answer = await h.call(method, path, body, tenant);
      expect({ method, path, status: answer.status }).toEqual({ method, path, status });
      expect(answer.body.errors[0].status).toBe(String(status));
      if (Object.keys(source).length > 0) expect(answer.body.errors[0].source).toEqual(source);
    }
    expect(await storedRows(h)).toBe(0);
  });
});
