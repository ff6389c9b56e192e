import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ownerOf } from '../../src/transports/scheduled/fleet.js';
import { stepTopic } from '../../src/transports/scheduled/steps.js';
import { FakeAtlas } from '../../src/transports/testing/fake-atlas.js';
import { createTestDatabase } from '../support/database.js';
import { TENANT } from '../support/tenant.js';
import { type AppProcess, eventually, type MockBroker, startApp, startMockBroker } from './support.js';

// GET /api/events in the shape it is deployed in: two transports processes on librdkafka's mock cluster. A
// stream opened on one of them carries the status events of routes the other one drives (its own consumer
// group reads the topic, not the process's own sends), and only the stream's tenant's.

interface StreamEvent {
  readonly event: string;
  readonly data: { topic: string; key: string; value: { routeId?: string; type?: string } };
}

/** Reads server-sent events off a fetch body until `done` holds or the time runs out. */
async function readStream(
  response: Response,
  done: (events: readonly StreamEvent[]) => boolean,
  timeoutMs: number,
): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const deadline = setTimeout(() => void reader.cancel(), timeoutMs);
  let buffer = '';
  try {
    while (!done(events)) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      buffer += value;
      let cut = buffer.indexOf('\n\n');
      while (cut >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) as StreamEvent['data'] });
        cut = buffer.indexOf('\n\n');
      }
    }
  } finally {
    clearTimeout(deadline);
    await reader.cancel().catch(() => undefined);
  }
  return events;
}

describe.skipIf(!inject('kafkaTools'))('the event stream on Kafka', () => {
  let broker: MockBroker;
  let databaseUrl: string;
  let atlas: FakeAtlas;
  let directory: string;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    broker = await startMockBroker();
    databaseUrl = await createTestDatabase();
    atlas = await new FakeAtlas().start();
    directory = mkdtempSync(path.join(tmpdir(), 'atlas-ts-events-'));
  });

  afterAll(async () => {
    for (const app of apps) await app.kill9().catch(() => undefined);
    broker?.stop();
    await atlas?.stop();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it("carries another replica's route events to a stream, for the stream's tenant only", async () => {
    const sample = JSON.parse(
      readFileSync(new URL('../../config/tenants.json', import.meta.url), 'utf8'),
    ) as { tenants: Array<Record<string, unknown>> };
    // A day of trips in 24 minutes: every route changes state every few seconds.
    const configFile = path.join(directory, 'tenants.json');
    writeFileSync(configFile, JSON.stringify({ tenants: [{ ...sample.tenants[0]!, travelRate: 60 }] }));
    const env = {
      BOOTSTRAP_SERVERS: broker.bootstrap,
      DATABASE_URL: databaseUrl,
      SERVICES: 'transports',
      CONFIG_FILE: configFile,
      MAPS_SERVICE_URL: atlas.url,
      DATA_SERVICE_URL: atlas.url,
    };
    apps.push(...(await Promise.all([startApp(env), startApp(env)])));
    const [viewer, other] = apps as [AppProcess, AppProcess];

    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const ids = await eventually(
      'two live replicas',
      async () => {
        const { rows } = await client.query<{ id: string }>(
          'SELECT replica_id AS id FROM transport_replicas WHERE seen_at > $1',
          [Date.now() - 3_000],
        );
        return rows.length === 2 ? rows.map((r) => r.id) : undefined;
      },
      20_000,
    );
    await client.end();
    const otherId = ids.find((id) => other.output().includes(id));
    expect(otherId).toBeDefined();

    const query = new URLSearchParams({
      tenantId: TENANT.id,
      region: TENANT.region,
      majorVersion: String(TENANT.majorVersion),
      minorVersion: String(TENANT.minorVersion),
    });
    const stranger = new URLSearchParams(query);
    stranger.set('tenantId', '00000000-0000-4000-8000-000000000001');
    const [mine, theirs] = await Promise.all([
      fetch(`${viewer.url}/api/events?${query}`),
      fetch(`${viewer.url}/api/events?${stranger}`),
    ]);
    expect(mine.status).toBe(200);
    expect(mine.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(theirs.status).toBe(200);

    // Routes move from one replica to the other as leases come and go: "driven by the other" is asked of the
    // replicas live now, for each event as it comes.
    const drivenByOther = (event: StreamEvent) =>
      event.data.value.routeId !== undefined &&
      ownerOf(ids, stepTopic(TENANT.id, event.data.value.routeId)) === otherId;
    const [events, strangers] = await Promise.all([
      readStream(mine, (read) => read.some(drivenByOther), 30_000),
      readStream(theirs, () => false, 5_000),
    ]);
    const seen = events.find(drivenByOther);
    expect(seen?.event).toBe('EVENT_TOPIC_TRANSPORT_STATUS');
    expect(seen?.data.topic).toBe('EVENT_TOPIC_TRANSPORT_STATUS');
    expect(['ARRIVED', 'DEPARTED', 'VOYAGE_ARRIVED', 'VOYAGE_DEPARTED']).toContain(seen?.data.value.type);
    // Another tenant's stream of the same process got nothing of this tenant's.
    expect(strangers).toEqual([]);
  });
});
