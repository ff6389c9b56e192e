import { describe, expect, it } from 'vitest';
import { TENANT } from '../../../test/support/tenant.js';
import { MemoryBus } from '../bus/memory-bus.js';
import { MessageFactory } from '../bus/messages.js';
import { ManualClock } from '../clock.js';
import { createLogger } from '../logging.js';
import { Metrics } from '../metrics.js';
import { resolveTopics } from '../topics.js';
import { EventHub, MAX_BACKLOG_BYTES, type StreamSink } from './hub.js';

/** A client that never reads: everything written stays in its backlog. */
function stalledSink() {
  const written: string[] = [];
  let ended = false;
  const sink: StreamSink = {
    write: (text) => {
      written.push(text);
    },
    backlog: () => written.reduce((total, text) => total + text.length, 0),
    end: () => {
      ended = true;
    },
  };
  return { sink, written, ended: () => ended };
}

describe('the event hub', () => {
  it('drops a client that does not read instead of buffering without bound, and counts it', async () => {
    const bus = new MemoryBus();
    const topics = resolveTopics({});
    const metrics = new Metrics();
    const hub = new EventHub(bus, topics, new ManualClock(0), createLogger('silent'), metrics);
    const slow = stalledSink();
    await hub.open(TENANT, slow.sink);
    const messages = new MessageFactory(topics);
    const big = { type: 'ARRIVED', body: { padding: 'x'.repeat(10_000) } };
    for (let i = 0; i < 200; i++) {
      await bus.publish(topics.EVENT_TOPIC_TRANSPORT_STATUS, [
        messages.create('EVENT_TOPIC_TRANSPORT_STATUS', 'route', big, { tenant: TENANT, traced: false }),
      ]);
    }
    await bus.idle();
    expect(slow.ended()).toBe(true);
    const backlog = slow.sink.backlog();
    expect(backlog).toBeGreaterThan(MAX_BACKLOG_BYTES);
    expect(backlog).toBeLessThan(MAX_BACKLOG_BYTES + 20_000);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^events_stream_dropped_total 1$/m);
    expect(text).toMatch(/^events_streams_open 0$/m);
    await bus.close();
  });
});
