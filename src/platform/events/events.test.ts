import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OTHER_TENANT } from '../../../test/support/app.js';
import {
  advanceTo,
  at,
  type Harness,
  routeId,
  startHarness,
  TENANT,
  tenantHeaders,
} from '../../transports/testing/harness.js';

const BOAT = routeId('boat-ellinia-orbis');

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

interface SseMessage {
  readonly event?: string;
  readonly id?: string;
  readonly data?: string;
  readonly retry?: string;
  readonly comment?: string;
}

/** Reads a server-sent event stream with fetch, message by message. */
async function openStream(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const messages: SseMessage[] = [];
  let done = false;
  /** Reads until `count` messages other than heartbeats have come (or the stream ended). */
  const read = async (count: number, heartbeats = false): Promise<SseMessage[]> => {
    const counted = () => messages.filter((m) => heartbeats || m.comment === undefined);
    while (counted().length < count && !done) {
      const chunk = await reader.read();
      if (chunk.done) {
        done = true;
        break;
      }
      buffer += decoder.decode(chunk.value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const message: Record<string, string> = {};
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) message.comment = line.slice(1).trim();
          else {
            const colon = line.indexOf(':');
            message[line.slice(0, colon)] = line.slice(colon + 1).trimStart();
          }
        }
        messages.push(message);
      }
    }
    return counted();
  };
  return { response, read, ended: () => done, cancel: () => reader.cancel() };
}

/** The boat's status events (other routes change state too while the clock runs). */
const boatEvents = (messages: SseMessage[]) =>
  messages
    .filter((m) => m.event === 'EVENT_TOPIC_TRANSPORT_STATUS')
    .map((m) => JSON.parse(m.data!))
    .filter((data) => data.key === BOAT);

describe('GET /api/events', () => {
  it("streams the tenant's transitions as the bus carries them, and not another tenant's", async () => {
    harness = await startHarness({ start: at('00:29:00') });
    const { app, clock, url } = harness;
    const stream = await openStream(`${url}/api/events`, tenantHeaders());
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(await stream.read(1)).toEqual([{ retry: '2000' }]);

    await app.bus.publish(
      'EVENT_TOPIC_TRANSPORT_STATUS',
      { routeId: BOAT, type: 'ARRIVED', body: { mapId: 1 } },
      { key: BOAT, tenant: OTHER_TENANT },
    );
    await app.idle();
    await app.bus.publish(
      'EVENT_TOPIC_CHARACTER_STATUS',
      { characterId: 42, type: 'LOGIN', worldId: 0, body: { channelId: 1, mapId: 100000000 } },
      { key: 42, tenant: TENANT },
    );
    // The boat's ARRIVED at 00:30:10 is the first transport event of any route after 00:29 (none is on another
    // tenant's stream).
    await advanceTo(app, clock, at('00:30:10'));
    const messages = await stream.read(3);
    expect(messages[1]).toMatchObject({ event: 'EVENT_TOPIC_CHARACTER_STATUS', id: '1' });
    expect(JSON.parse(messages[1]!.data!)).toEqual({
      topic: 'EVENT_TOPIC_CHARACTER_STATUS',
      key: '42',
      value: { characterId: 42, type: 'LOGIN', worldId: 0, body: { channelId: 1, mapId: 100000000 } },
    });
    expect(messages[2]).toMatchObject({ event: 'EVENT_TOPIC_TRANSPORT_STATUS', id: '2' });
    expect(boatEvents(messages)).toEqual([
      {
        topic: 'EVENT_TOPIC_TRANSPORT_STATUS',
        key: BOAT,
        value: { routeId: BOAT, type: 'ARRIVED', body: { mapId: 101000300 } },
      },
    ]);
    // A heartbeat comment every 15 s of the clock.
    await advanceTo(app, clock, at('00:30:10') + 15_000);
    const beats = (await stream.read(4, true)).filter((m) => m.comment === 'heartbeat');
    expect(beats.length).toBeGreaterThan(0);
    await stream.cancel();
  });

  it('takes the tenant from query parameters, for EventSource', async () => {
    harness = await startHarness({ start: at('00:29:00') });
    const { app, clock, url } = harness;
    const query = `tenantId=${TENANT.id}&region=GMS&majorVersion=83&minorVersion=1`;
    const stream = await openStream(`${url}/api/events?${query}`);
    expect(stream.response.status).toBe(200);
    await stream.read(1);
    await advanceTo(app, clock, at('00:30:10'));
    const messages = await stream.read(2);
    expect(boatEvents(messages)).toMatchObject([{ key: BOAT, value: { type: 'ARRIVED' } }]);
    await stream.cancel();
  });

  it('refuses a missing or bad tenant with a JSON:API 400 before any stream', async () => {
    harness = await startHarness({ start: at('00:29:00') });
    const cases: Array<[string, Record<string, string>, Record<string, string>]> = [
      ['', {}, { parameter: 'tenantId' }],
      [`?tenantId=nope&region=GMS&majorVersion=83&minorVersion=1`, {}, { parameter: 'tenantId' }],
      [`?tenantId=${TENANT.id}&region=GMS&majorVersion=x&minorVersion=1`, {}, { parameter: 'majorVersion' }],
      ['', { ...tenantHeaders(), MINOR_VERSION: '70000' }, { header: 'MINOR_VERSION' }],
    ];
    for (const [query, headers, source] of cases) {
      const response = await fetch(`${harness.url}/api/events${query}`, { headers });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/json');
      const body = (await response.json()) as { errors: Array<{ source: unknown }> };
      expect(body.errors[0]!.source).toEqual(source);
    }
  });

  it('ends on a graceful stop', async () => {
    harness = await startHarness({ start: at('00:29:00') });
    const stream = await openStream(`${harness.url}/api/events`, tenantHeaders());
    await stream.read(1);
    const began = Date.now();
    await harness.app.close();
    await stream.read(100);
    expect(stream.ended()).toBe(true);
    // Not held up by the stream until the drain's budget runs out.
    expect(Date.now() - began).toBeLessThan(1_500);
  });
});

describe('GET /api/events and a client that stops reading', () => {
  it('drops it once its unread backlog passes the limit, and serves the others on', async () => {
    harness = await startHarness({ start: at('00:29:00') });
    const { app, url } = harness;
    const { hostname, port } = new URL(url);
    // A client that sends its request and never reads a byte of the answer.
    const socket = connect(Number(port), hostname);
    socket.pause();
    socket.write(
      `GET /api/events HTTP/1.1\r\nHost: ${hostname}\r\n${Object.entries(tenantHeaders())
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('')}\r\n`,
    );
    const reader = await openStream(`${url}/api/events`, tenantHeaders());
    await reader.read(1);
    const metric = async (name: string) => {
      const text = await (await fetch(`${url}/api/metrics`)).text();
      return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1]);
    };
    await expect.poll(() => metric('events_streams_open')).toBe(2);
    // 40 MiB of events: more than the kernel's socket buffers and the stream's limit together.
    const padding = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 640 && (await metric('events_stream_dropped_total')) === 0; i++) {
      await app.bus.publish(
        'EVENT_TOPIC_CHARACTER_STATUS',
        { characterId: 42, type: 'LOGIN', worldId: 0, body: { padding } },
        { key: 42, tenant: TENANT },
      );
      await app.idle();
      // The reading client keeps up.
      await reader.read(i + 2);
    }
    expect(await metric('events_stream_dropped_total')).toBe(1);
    expect(await metric('events_streams_open')).toBe(1);
    socket.destroy();
    await reader.cancel();
  }, 60_000);
});
