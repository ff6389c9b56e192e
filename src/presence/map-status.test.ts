import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OTHER_TENANT, record, startTestApp, TENANT, type TestApp } from '../../test/support/app.js';
import { expectChildSpanOf } from '../../test/support/trace.js';
import type { ReceivedMessage } from '../app.js';
import type { Tenant } from '../platform/tenant.js';
import { NIL_UUID } from '../platform/tenant.js';

const INSTANCE = '6f1c2a4e-9b3d-4c1e-8a7f-2d5e6b7c8d9e';
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let test: TestApp;
let mapStatus: ReturnType<typeof record>;

beforeEach(async () => {
  test = await startTestApp({ services: ['presence'] });
  mapStatus = record(test.app, 'EVENT_TOPIC_MAP_STATUS');
});

afterEach(async () => {
  await mapStatus.stop();
  await test.app.close();
});

interface Publish {
  readonly tenant?: Tenant | null;
  readonly headers?: Record<string, Buffer>;
}

/** Publishes a character status event the way atlas-character does: keyed by character id, tenant headers. */
async function characterEvent(
  type: string,
  characterId: number,
  body: Record<string, unknown>,
  options: Publish = {},
): Promise<void> {
  const value = { transactionId: NIL_UUID, worldId: 0, characterId, type, body };
  const tenant = options.tenant === null ? undefined : (options.tenant ?? TENANT);
  await test.app.bus.publish('EVENT_TOPIC_CHARACTER_STATUS', value, {
    key: characterId,
    tenant,
    headers: options.headers,
  });
  await test.app.idle();
}

function login(characterId: number, mapId: number, options: Publish = {}) {
  return characterEvent('LOGIN', characterId, { channelId: 1, mapId, instance: NIL_UUID }, options);
}

/** What a map status message says, without its (random) transactionId. */
function summary(message: ReceivedMessage) {
  const { transactionId: _, ...rest } = message.value as Record<string, unknown>;
  return rest;
}

function transactionIdOf(message: ReceivedMessage): string {
  return (message.value as { transactionId: string }).transactionId;
}

async function malformedCount(reason: string): Promise<number> {
  const text = await (await fetch(`${test.url}/api/metrics`)).text();
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('bus_messages_malformed_total{') &&
        l.includes('topic="EVENT_TOPIC_CHARACTER_STATUS"') &&
        l.includes('group="Map Service"') &&
        l.includes(`reason="${reason}"`),
    );
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('map status announcements', () => {
  it('LOGIN announces CHARACTER_ENTER with the exact atlas-maps bytes, key and headers', async () => {
    await login(1, 100000000, { headers: { traceparent: Buffer.from(TRACEPARENT) } });

    expect(mapStatus.messages).toHaveLength(1);
    const [message] = mapStatus.messages;
    const transactionId = transactionIdOf(message!);
    expect(transactionId).toMatch(UUID);
    expect(transactionId).not.toBe(NIL_UUID);
    expect(JSON.stringify(message!.value)).toBe(
      `{"transactionId":"${transactionId}","worldId":0,"channelId":1,"mapId":100000000,` +
        `"instance":"${NIL_UUID}","type":"CHARACTER_ENTER","body":{"characterId":1}}`,
    );
    expect(message!.key.toString('hex')).toBe('00e1f50500000000');
    const headers = message!.headers;
    expect(headers.TENANT_ID?.toString('ascii')).toBe(TENANT.id);
    expect(headers.REGION?.toString('utf8')).toBe('GMS');
    expect(headers.MAJOR_VERSION?.toString('hex')).toBe('0053');
    expect(headers.MINOR_VERSION?.toString('hex')).toBe('0001');
    expectChildSpanOf(headers.traceparent, TRACEPARENT);
  });

  it('LOGOUT announces CHARACTER_EXIT for the field it names', async () => {
    await login(1, 100000000);
    mapStatus.clear();
    await characterEvent('LOGOUT', 1, { channelId: 1, mapId: 100000000, instance: NIL_UUID });

    expect(mapStatus.messages.map(summary)).toEqual([
      {
        worldId: 0,
        channelId: 1,
        mapId: 100000000,
        instance: NIL_UUID,
        type: 'CHARACTER_EXIT',
        body: { characterId: 1 },
      },
    ]);
  });

  it('MAP_CHANGED announces the exit from the old instance, then the entry, under one fresh transaction', async () => {
    await login(1, 200090000);
    mapStatus.clear();
    await characterEvent('MAP_CHANGED', 1, {
      channelId: 1,
      oldMapId: 200090000,
      oldInstance: NIL_UUID,
      targetMapId: 200090030,
      targetInstance: INSTANCE,
      targetPortalId: 0,
    });

    const [exit, enter] = mapStatus.messages;
    expect(mapStatus.messages.map(summary)).toEqual([
      {
        worldId: 0,
        channelId: 1,
        mapId: 200090000,
        instance: NIL_UUID,
        type: 'CHARACTER_EXIT',
        body: { characterId: 1 },
      },
      {
        worldId: 0,
        channelId: 1,
        mapId: 200090030,
        instance: INSTANCE,
        type: 'CHARACTER_ENTER',
        body: { characterId: 1 },
      },
    ]);
    expect(exit!.key.readUInt32LE(0)).toBe(200090000);
    expect(enter!.key.readUInt32LE(0)).toBe(200090030);
    expect(transactionIdOf(exit!)).toBe(transactionIdOf(enter!));
  });

  it('CHANNEL_CHANGED announces the exit on the old channel, then the entry on the new one', async () => {
    await login(1, 104000000);
    mapStatus.clear();
    await characterEvent('CHANNEL_CHANGED', 1, {
      channelId: 2,
      oldChannelId: 1,
      mapId: 104000000,
      instance: NIL_UUID,
    });

    expect(mapStatus.messages.map((m) => [summary(m).type, summary(m).channelId, summary(m).mapId])).toEqual([
      ['CHARACTER_EXIT', 1, 104000000],
      ['CHARACTER_ENTER', 2, 104000000],
    ]);
  });

  it('every reaction has its own transactionId', async () => {
    await login(1, 100000000);
    await login(2, 100000000);
    const [first, second] = mapStatus.messages.map(transactionIdOf);
    expect(first).not.toBe(second);
  });

  it('carries the tenant of the consumed message', async () => {
    await login(1, 100000000, { tenant: OTHER_TENANT });
    expect(mapStatus.messages[0]!.headers.TENANT_ID?.toString('ascii')).toBe(OTHER_TENANT.id);
  });

  it('DELETED forgets the character without a message, as atlas-maps does', async () => {
    await login(1, 100000000);
    mapStatus.clear();
    await characterEvent('DELETED', 1, {});
    expect(mapStatus.messages).toEqual([]);
  });

  it('ignores the other character status types silently', async () => {
    await characterEvent('STAT_CHANGED', 1, { channelId: 1, exclRequestSent: true });
    await characterEvent('CREATED', 1, { name: 'Atlas' });
    expect(mapStatus.messages).toEqual([]);
    expect(await malformedCount('schema')).toBe(0);
  });

  it('skips and counts a malformed LOGIN, then goes on with the next message', async () => {
    await characterEvent('LOGIN', 1, { channelId: 1, mapId: -5, instance: NIL_UUID });
    await characterEvent('LOGIN', 2, { channelId: 1, mapId: 100000000, instance: 'not-a-uuid' });
    await characterEvent('MAP_CHANGED', 3, { channelId: 1, oldMapId: 100000000 });
    expect(mapStatus.messages).toEqual([]);
    expect(await malformedCount('schema')).toBe(3);

    await login(1, 100000000);
    expect(mapStatus.messages).toHaveLength(1);
  });

  it('skips and counts a message without tenant headers', async () => {
    await login(1, 100000000, { tenant: null });
    expect(mapStatus.messages).toEqual([]);
    expect(await malformedCount('tenant')).toBe(1);
  });
});
