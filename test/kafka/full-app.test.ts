import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BEGINNER } from '../../src/character/testing/support.js';
import { instanceRouteId } from '../../src/transports/core/ids.js';
import { tenantHeaders } from '../support/app.js';
import { createTestDatabase } from '../support/database.js';
import { TENANT } from '../support/tenant.js';
import {
  type AppProcess,
  eventually,
  type GoMessage,
  goKey,
  goTenantHeaders,
  type MockBroker,
  produceGo,
  type ReadMessage,
  readTopic,
  startApp,
  startMockBroker,
} from './support.js';

const NIL = '00000000-0000-0000-0000-000000000000';
const PARTITIONS = [0, 1, 2, 3];
const HEADERS = { 'content-type': 'application/json', ...tenantHeaders() };
const TRAIN = instanceRouteId(TENANT.id, 'kerning-train-to-square');
const TRAIN_TRANSIT = 103000301;

/** What every consumer group of the full app subscribes to (README: the services' messages). */
const SUBSCRIPTIONS: Record<string, string[]> = {
  'Character Service': [
    'COMMAND_TOPIC_CHARACTER',
    'COMMAND_TOPIC_CHARACTER_MOVEMENT',
    'EVENT_TOPIC_CHARACTER_STATUS',
    'EVENT_TOPIC_SESSION_STATUS',
    'EVENT_TOPIC_CHANNEL_STATUS',
    'EVENT_TOPIC_DROP_STATUS',
    'EVENT_TOPIC_ACCOUNT_STATUS',
  ],
  'Transport Service': [
    'EVENT_TOPIC_CHANNEL_STATUS',
    'EVENT_TOPIC_CONFIGURATION_STATUS',
    'COMMAND_TOPIC_INSTANCE_TRANSPORT',
    'EVENT_TOPIC_MAP_STATUS',
    'EVENT_TOPIC_CHARACTER_STATUS',
  ],
  'Map Service': ['EVENT_TOPIC_CHARACTER_STATUS'],
};

interface Character {
  id: number;
  accountId: number;
}

const go = (topic: string, partition: number, key: Buffer, value: object): GoMessage => ({
  topic,
  partition,
  key,
  headers: goTenantHeaders(TENANT.id),
  value: JSON.stringify(value),
});

const parse = (m: ReadMessage) =>
  JSON.parse(m.value.toString()) as Record<string, unknown> & { type: string };

describe.skipIf(!inject('kafkaTools'))('the full app on Kafka, fed by a Go-bytes producer', () => {
  let broker: MockBroker;
  let app: AppProcess | undefined;
  const characters: Character[] = [];

  const get = async (path: string) => fetch(`${app!.url}${path}`, { headers: HEADERS });
  const attributes = async (id: number) =>
    ((await (await get(`/api/characters/${id}`)).json()) as { data: { attributes: Record<string, number> } })
      .data.attributes;

  beforeAll(async () => {
    broker = await startMockBroker();
    app = await startApp({ BOOTSTRAP_SERVERS: broker.bootstrap, DATABASE_URL: await createTestDatabase() });
    for (let i = 0; i < 8; i++) {
      const accountId = 5_000 + i;
      const response = await fetch(`${app.url}/api/characters`, {
        method: 'POST',
        headers: HEADERS,
        body: JSON.stringify({
          data: { type: 'characters', attributes: { ...BEGINNER, accountId, name: `Kafka${i}` } },
        }),
      });
      expect(response.status).toBe(201);
      characters.push({
        id: Number(((await response.json()) as { data: { id: string } }).data.id),
        accountId,
      });
    }
  });

  afterAll(async () => {
    await app?.kill9();
    broker?.stop();
  });

  it('consumes every partition of every topic of its three groups and applies each message', async () => {
    const c = characters;
    // Phase 1: commands, movement, sessions, drops, level-ups, an account deletion, a ride, channels and a
    // configuration event — each topic written on every partition, as Go's key-blind producer spreads them.
    produceGo(broker.bootstrap, [
      ...c.map((ch, i) =>
        go('COMMAND_TOPIC_CHARACTER', i % 4, goKey(ch.id), {
          transactionId: NIL,
          worldId: 0,
          characterId: ch.id,
          type: 'REQUEST_CHANGE_MESO',
          body: { actorId: 0, actorType: 'SYSTEM', amount: 10 },
        }),
      ),
      ...c.map((ch, i) =>
        go('COMMAND_TOPIC_CHARACTER_MOVEMENT', i % 4, goKey(ch.id), {
          worldId: 0,
          channelId: 1,
          mapId: 10000,
          instance: NIL,
          objectId: ch.id,
          observerId: ch.id,
          x: 100 + i,
          y: -5,
          stance: 2,
        }),
      ),
      ...PARTITIONS.map((p) =>
        go('EVENT_TOPIC_SESSION_STATUS', p, goKey(c[p]!.id), {
          sessionId: `6f1c1d2e-0000-4000-8000-00000000000${p}`,
          accountId: c[p]!.accountId,
          characterId: c[p]!.id,
          worldId: 0,
          channelId: 1,
          issuer: 'CHANNEL',
          type: 'CREATED',
        }),
      ),
      ...PARTITIONS.map((p) =>
        go('EVENT_TOPIC_DROP_STATUS', p, goKey(p + 1), {
          transactionId: NIL,
          worldId: 0,
          channelId: 1,
          mapId: 10000,
          instance: NIL,
          dropId: p + 1,
          type: 'RESERVED',
          body: { characterId: c[p]!.id, itemId: 0, equipmentId: 0, quantity: 0, meso: 50 },
        }),
      ),
      ...PARTITIONS.map((p) =>
        go('EVENT_TOPIC_CHARACTER_STATUS', p, goKey(c[4 + p]!.id), {
          transactionId: NIL,
          worldId: 0,
          characterId: c[4 + p]!.id,
          type: 'LEVEL_CHANGED',
          body: { channelId: 1, amount: 1, current: 2 },
        }),
      ),
      // One account that has a character, three that have none.
      ...PARTITIONS.map((p) =>
        go('EVENT_TOPIC_ACCOUNT_STATUS', p, goKey(p === 0 ? c[7]!.accountId : 9_000 + p), {
          account_id: p === 0 ? c[7]!.accountId : 9_000 + p,
          name: 'someone',
          status: 'DELETED',
        }),
      ),
      // A ride for character 4 (the other partitions name a route that does not exist: skipped, consumed).
      ...PARTITIONS.map((p) =>
        go('COMMAND_TOPIC_INSTANCE_TRANSPORT', p, goKey(c[4]!.id), {
          transactionId: NIL,
          worldId: 0,
          characterId: c[4]!.id,
          type: 'START',
          body: { routeId: p === 0 ? TRAIN : instanceRouteId(TENANT.id, 'nowhere'), channelId: 1 },
        }),
      ),
      ...PARTITIONS.map((p) =>
        go('EVENT_TOPIC_CHANNEL_STATUS', p, Buffer.from(TENANT.id), {
          type: 'STARTED',
          worldId: 0,
          channelId: 2 + p,
          ipAddress: '127.0.0.1',
          port: 7575 + p,
          currentCapacity: 0,
          maxCapacity: 100,
        }),
      ),
      ...PARTITIONS.map((p) =>
        go('EVENT_TOPIC_CONFIGURATION_STATUS', p, Buffer.from(TENANT.id), {
          tenantId: TENANT.id,
          type: 'ROUTE_UPDATED',
          resourceType: 'route',
          resourceId: 'boat-ellinia-orbis',
        }),
      ),
    ]);
    await eventually('phase 1 effects', async () => {
      const a = await attributes(c[0]!.id);
      const rider = await get(`/api/transports/instance-routes/${TRAIN}/status`);
      return a.meso === 60 && rider.ok ? true : undefined;
    });

    // Phase 2, after phase 1 landed: the rider leaves the train's map, a character logs in on the train's
    // transit map with no ride going on, and the channel that hosts the four sessions shuts down.
    produceGo(broker.bootstrap, [
      ...PARTITIONS.map((p) =>
        go('EVENT_TOPIC_MAP_STATUS', p, goKey(103000000), {
          transactionId: NIL,
          worldId: 0,
          channelId: 1,
          mapId: 103000000,
          instance: NIL,
          type: p === 0 ? 'CHARACTER_ENTER' : 'CHARACTER_EXIT',
          body: { characterId: c[4]!.id },
        }),
      ),
      go('EVENT_TOPIC_CHARACTER_STATUS', 1, goKey(c[5]!.id), {
        transactionId: NIL,
        worldId: 0,
        characterId: c[5]!.id,
        type: 'LOGIN',
        body: { channelId: 1, mapId: TRAIN_TRANSIT, instance: NIL },
      }),
      go('EVENT_TOPIC_CHANNEL_STATUS', 0, Buffer.from(TENANT.id), {
        type: 'SHUTDOWN',
        worldId: 0,
        channelId: 1,
        ipAddress: '127.0.0.1',
        port: 7575,
        currentCapacity: 0,
        maxCapacity: 100,
      }),
    ]);

    // Every group holds every partition of each of its topics and has consumed (and committed) all of it.
    const lagsDone = await eventually(
      'every partition consumed',
      async () => {
        const document = (await (await fetch(`${app!.url}/api/debug/consumers`)).json()) as {
          data: {
            id: string;
            attributes: {
              live: boolean;
              partitions: { topic: string; partition: number; lag: number | null }[];
            };
          }[];
        };
        for (const [group, topics] of Object.entries(SUBSCRIPTIONS)) {
          const status = document.data.find((d) => d.id === group);
          if (!status?.attributes.live) return undefined;
          for (const topic of topics)
            for (const partition of PARTITIONS) {
              const held = status.attributes.partitions.find(
                (p) => p.topic === topic && p.partition === partition,
              );
              if (held?.lag !== 0) return undefined;
            }
        }
        return document;
      },
      60_000,
    );
    expect(lagsDone.data.map((d) => d.id).sort()).toEqual(Object.keys(SUBSCRIPTIONS).sort());
    // The same lag as the metric an alert reads (docs/alerts.yml): one series per partition held, 0 now.
    const scraped = await (await fetch(`${app!.url}/api/metrics`)).text();
    for (const [group, topics] of Object.entries(SUBSCRIPTIONS))
      for (const topic of topics)
        for (const partition of PARTITIONS)
          expect(scraped).toContain(
            `bus_consumer_lag{group="${group}",topic="${topic}",partition="${partition}"} 0\n`,
          );

    // Character effects, over REST.
    for (const [i, ch] of c.entries()) {
      if (i === 7) {
        expect((await get(`/api/characters/${ch.id}`)).status).toBe(404);
        continue;
      }
      const a = await attributes(ch.id);
      expect(a.meso).toBe(i < 4 ? 60 : 10);
      if (i >= 4) expect(a.maxHp).toBeGreaterThan(BEGINNER.maxHp);
      // The others logged in or were warped meanwhile, on other topics: their position is that or the move's.
      if (i === 6) expect(a.x).toBe(106);
    }
    for (const ch of c.slice(0, 4)) {
      const sessions = (await (await get(`/api/characters/${ch.id}/sessions`)).json()) as {
        data: { attributes: { logoutTime: string | null } }[];
      };
      expect(sessions.data).toHaveLength(1);
      expect(sessions.data[0]!.attributes.logoutTime).not.toBeNull();
    }

    // Messages the app produced, read back byte by byte.
    const status = await readTopic(broker.bootstrap, 'EVENT_TOPIC_CHARACTER_STATUS', (read) =>
      c
        .slice(0, 4)
        .every((ch) => read.some((m) => parse(m).type === 'LOGOUT' && parse(m).characterId === ch.id)),
    );
    const meso = status.find((m) => parse(m).type === 'MESO_CHANGED' && parse(m).characterId === c[6]!.id)!;
    expect(meso.key.equals(goKey(c[6]!.id))).toBe(true);
    expect(meso.value.toString()).toBe(
      `{"transactionId":"${NIL}","worldId":0,"characterId":${c[6]!.id},"type":"MESO_CHANGED","body":{"actorId":0,"actorType":"SYSTEM","amount":10,"showEffect":false}}`,
    );
    expect(meso.headers.TENANT_ID!.toString('hex')).toBe(Buffer.from(TENANT.id, 'ascii').toString('hex'));
    expect(meso.headers.REGION!.toString()).toBe('GMS');
    expect(meso.headers.MAJOR_VERSION!.toString('hex')).toBe('0053');
    expect(meso.headers.MINOR_VERSION!.toString('hex')).toBe('0001');
    expect(meso.headers.traceparent!.toString()).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    for (const ch of c.slice(0, 4))
      expect(status.filter((m) => parse(m).type === 'LOGIN' && parse(m).characterId === ch.id)).toHaveLength(
        1,
      );

    // Transports: the ride started, was cancelled by the map exit, and the stranded login went home.
    const rides = await readTopic(broker.bootstrap, 'EVENT_TOPIC_INSTANCE_TRANSPORT', (read) =>
      read.some((m) => parse(m).type === 'CANCELLED'),
    );
    expect(rides.map((m) => [parse(m).type, parse(m).characterId])).toEqual([
      ['STARTED', c[4]!.id],
      ['CANCELLED', c[4]!.id],
    ]);
    expect((parse(rides[1]!).body as { reason: string }).reason).toBe('MAP_EXIT');
    const warps = await readTopic(broker.bootstrap, 'COMMAND_TOPIC_CHARACTER', (read) =>
      read.some((m) => parse(m).type === 'CHANGE_MAP' && parse(m).characterId === c[5]!.id),
    );
    const home = warps.find((m) => parse(m).type === 'CHANGE_MAP' && parse(m).characterId === c[5]!.id)!;
    expect(home.key.equals(goKey(c[5]!.id))).toBe(true);
    expect((parse(home).body as { mapId: number }).mapId).toBe(103000100);

    // Presence: the login on the transit map was announced to the map.
    const maps = await readTopic(broker.bootstrap, 'EVENT_TOPIC_MAP_STATUS', (read) =>
      read.some((m) => parse(m).type === 'CHARACTER_ENTER' && parse(m).mapId === TRAIN_TRANSIT),
    );
    const entered = maps.find(
      (m) => parse(m).type === 'CHARACTER_ENTER' && parse(m).mapId === TRAIN_TRANSIT,
    )!;
    expect(entered.key.equals(goKey(TRAIN_TRANSIT))).toBe(true);

    // Nothing went to the dead letters, and a stop is prompt and clean.
    expect(await (await get('/api/admin/dead-letters')).json()).toEqual({ data: [] });
    const stopped = await app!.stop();
    app = undefined;
    expect(stopped).toMatchObject({ code: 0 });
    expect(stopped.ms).toBeLessThan(5_000);
  });
});
