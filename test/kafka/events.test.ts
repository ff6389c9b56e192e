import { describe, expect, inject, it } from 'vitest';
import { ownerOf } from '../../src/transports/scheduled/fleet.js';
import { stepTopic } from '../../src/transports/scheduled/steps.js';
import { TENANT } from '../support/tenant.js';
import type { AppProcess } from './support.js';
import { useTransportsFleet } from './transports-fleet.js';

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
  const fleet = useTransportsFleet('atlas-ts-events-');

  it("carries another replica's route events to a stream, for the stream's tenant only", async () => {
    // A day of trips in 24 minutes: every route changes state every few seconds.
    const { apps } = await fleet.start(2);
    const [viewer, other] = apps as [AppProcess, AppProcess];
    await fleet.spread(apps);
    const ids = await fleet.replicaIds();
    expect(ids).toHaveLength(2);
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
