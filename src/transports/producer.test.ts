import { describe, expect, it } from 'vitest';
import { MessageFactory, type OutgoingMessage } from '../platform/bus/messages.js';
import { resolveTopics } from '../platform/topics.js';
import { TransportMessages } from './producer.js';

// transports.md §7.3 and wire.md §3.5: every message this service sends, byte for byte.

const TENANT = {
  id: '083839C6-C47C-42A6-9585-76492795D123',
  region: 'GMS',
  majorVersion: 83,
  minorVersion: 1,
};
const TENANT_ID = TENANT.id.toLowerCase();
const ROUTE = '3f0c2a8e-5d7b-4f55-9a11-2b7c0e4d9a10';
const INSTANCE = '9b1e0000-0000-4000-8000-000000000001';
const NIL = '00000000-0000-0000-0000-000000000000';
const RIDER = { characterId: 12345, worldId: 0 };

const messages = new TransportMessages(new MessageFactory(resolveTopics({})));

/** The wire bytes; `traceparent` is checked apart: a new trace each time (these messages have no cause). */
function bytes(message: OutgoingMessage) {
  const { traceparent, ...rest } = message.headers;
  expect(traceparent?.toString('latin1')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  return {
    topic: message.topic,
    key: message.key.toString('hex'),
    value: message.value.toString('utf8'),
    headers: Object.fromEntries(Object.entries(rest).map(([name, value]) => [name, value.toString('hex')])),
  };
}

const TENANT_HEADERS = {
  TENANT_ID: Buffer.from(TENANT_ID, 'ascii').toString('hex'),
  REGION: '474d53',
  MAJOR_VERSION: '0053',
  MINOR_VERSION: '0001',
};
const CHARACTER_KEY = '3930000000000000';

describe('produced messages', () => {
  it('CHANGE_MAP: character command topic, 8-byte key, no transactionId', () => {
    const warp = { ...RIDER, channelId: 1, mapId: 200090010, instance: NIL, portalId: 4 };
    expect(bytes(messages.changeMap(TENANT, warp))).toEqual({
      topic: 'COMMAND_TOPIC_CHARACTER',
      key: CHARACTER_KEY,
      value:
        '{"worldId":0,"characterId":12345,"type":"CHANGE_MAP","body":{"channelId":1,"mapId":200090010,' +
        `"instance":"${NIL}","portalId":4}}`,
      headers: TENANT_HEADERS,
    });
  });

  it('VOYAGE_DEPARTED / VOYAGE_ARRIVED: keyed by the voyage id text, HEAD body per channel', () => {
    const voyage = {
      id: '34a8116d-c496-5cef-b61c-dad3593d2a8a',
      departedAt: Date.parse('2026-02-18T00:05:00Z'),
    };
    const route = {
      id: ROUTE,
      stagingMapId: 101000301,
      enRouteMapIds: [200090010, 200090011],
      destinationMapId: 200000100,
      observationMapId: 101000300,
    };
    for (const type of ['VOYAGE_DEPARTED', 'VOYAGE_ARRIVED'] as const) {
      expect(bytes(messages.voyageStatus(TENANT, type, route, voyage, { worldId: 0, channelId: 2 }))).toEqual(
        {
          topic: 'EVENT_TOPIC_TRANSPORT_STATUS',
          key: Buffer.from(voyage.id, 'ascii').toString('hex'),
          value:
            `{"routeId":"${ROUTE}","type":"${type}","body":{"voyageId":"${voyage.id}","worldId":0,"channelId":2,` +
            '"stagingMapId":101000301,"enRouteMapIds":[200090010,200090011],"destinationMapId":200000100,' +
            '"observationMapId":101000300,"departedAt":"2026-02-18T00:05:00Z"}}',
          headers: TENANT_HEADERS,
        },
      );
    }
  });

  it('APPLY / CANCEL_CONSUMABLE_EFFECT: consumable command topic, 8-byte key, nil transaction, map 0', () => {
    for (const type of ['APPLY_CONSUMABLE_EFFECT', 'CANCEL_CONSUMABLE_EFFECT'] as const) {
      expect(bytes(messages.consumableEffect(TENANT, type, { ...RIDER, channelId: 3 }, 2210016))).toEqual({
        topic: 'COMMAND_TOPIC_CONSUMABLE',
        key: CHARACTER_KEY,
        value:
          `{"transactionId":"${NIL}","worldId":0,"channelId":3,"mapId":0,"instance":"${NIL}",` +
          `"characterId":12345,"type":"${type}","body":{"itemId":2210016}}`,
        headers: TENANT_HEADERS,
      });
    }
  });

  it('ARRIVED / DEPARTED: keyed by the route id text, no transactionId, world or channel', () => {
    for (const type of ['ARRIVED', 'DEPARTED'] as const) {
      expect(bytes(messages.routeStatus(TENANT, ROUTE, type, 101000300))).toEqual({
        topic: 'EVENT_TOPIC_TRANSPORT_STATUS',
        key: Buffer.from(ROUTE, 'ascii').toString('hex'),
        value: `{"routeId":"${ROUTE}","type":"${type}","body":{"mapId":101000300}}`,
        headers: TENANT_HEADERS,
      });
    }
  });

  it('ARRIVED / DEPARTED sent again: the same bytes (encoded once), a span of its own, a new map re-encoded', () => {
    const first = messages.routeStatus(TENANT, ROUTE, 'ARRIVED', 101000300);
    const again = messages.routeStatus(TENANT, ROUTE, 'ARRIVED', 101000300);
    expect(bytes(again)).toEqual(bytes(first));
    expect(again.headers.traceparent!.equals(first.headers.traceparent!)).toBe(false);
    // The span header first, then the tenant's, as create writes them (wire.md §2.3).
    expect(Object.keys(again.headers)).toEqual([
      'traceparent',
      'TENANT_ID',
      'REGION',
      'MAJOR_VERSION',
      'MINOR_VERSION',
    ]);
    expect(messages.routeStatus(TENANT, ROUTE, 'ARRIVED', 7).value.toString()).toBe(
      `{"routeId":"${ROUTE}","type":"ARRIVED","body":{"mapId":7}}`,
    );
    expect(messages.routeStatus(TENANT, ROUTE.toUpperCase(), 'DEPARTED', 7).key.toString()).toBe(ROUTE);
  });

  it('instance transport events: 8-byte key, the nil transactionId, bodies in the reference order', () => {
    const envelope = (type: string, body: string) =>
      `{"transactionId":"${NIL}","worldId":0,"characterId":12345,"type":"${type}","body":${body}}`;
    const ids = `"routeId":"${ROUTE}","instanceId":"${INSTANCE}"`;
    const sent = [
      messages.started(TENANT, RIDER, ROUTE, INSTANCE),
      messages.transitEntered(TENANT, RIDER, {
        message: 'Next stop: <Kerning> & co',
        durationSeconds: 10,
        channelId: 2,
        instanceId: INSTANCE,
        routeId: ROUTE,
      }),
      messages.completed(TENANT, RIDER, ROUTE, INSTANCE),
      messages.cancelled(TENANT, RIDER, ROUTE, INSTANCE, 'STUCK'),
    ].map(bytes);
    expect(sent.map((m) => [m.topic, m.key])).toEqual(
      Array(4).fill(['EVENT_TOPIC_INSTANCE_TRANSPORT', CHARACTER_KEY]),
    );
    expect(sent.map((m) => m.headers)).toEqual(Array(4).fill(TENANT_HEADERS));
    expect(sent.map((m) => m.value)).toEqual([
      envelope('STARTED', `{${ids}}`),
      envelope(
        'TRANSIT_ENTERED',
        `{${ids},"channelId":2,"durationSeconds":10,"message":"Next stop: \\u003cKerning\\u003e \\u0026 co"}`,
      ),
      envelope('COMPLETED', `{${ids}}`),
      envelope('CANCELLED', `{${ids},"reason":"STUCK"}`),
    ]);
  });

  it('STATUS_REQUEST: exactly {"type":"STATUS_REQUEST"}, keyed by the tenant id text, with tenant headers', () => {
    expect(bytes(messages.statusRequest(TENANT))).toEqual({
      topic: 'COMMAND_TOPIC_CHANNEL_STATUS',
      key: Buffer.from(TENANT_ID, 'ascii').toString('hex'),
      value: '{"type":"STATUS_REQUEST"}',
      headers: TENANT_HEADERS,
    });
  });

  it('takes topic names from the environment', () => {
    const named = new TransportMessages(
      new MessageFactory(
        resolveTopics({ EVENT_TOPIC_TRANSPORT_STATUS: 'EVENT_TOPIC_TRANSPORT_STATUS-main' }),
      ),
    );
    expect(named.routeStatus(TENANT, ROUTE, 'ARRIVED', 1).topic).toBe('EVENT_TOPIC_TRANSPORT_STATUS-main');
  });
});
