import { describe, expect, it } from 'vitest';
import { Metrics } from './metrics.js';

describe('Metrics', () => {
  it('keeps separate figures per instance', async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.busHandled.inc({ topic: 't', group: 'g' });
    expect((await a.busHandled.get()).values[0]?.value).toBe(1);
    expect((await b.busHandled.get()).values).toEqual([]);
  });

  it('reports every handled message when read, and each only once', async () => {
    const metrics = new Metrics();
    for (let i = 0; i < 3; i++) metrics.messageHandled('movement', 'Character Service');
    metrics.messageHandled('status', 'Character Service');
    const scrape = await metrics.registry.metrics();
    expect(scrape).toContain('bus_messages_handled_total{topic="movement",group="Character Service"} 3');
    expect(scrape).toContain('bus_messages_handled_total{topic="status",group="Character Service"} 1');
    metrics.messageHandled('movement', 'Character Service');
    const values = (await metrics.busHandled.get()).values;
    expect(values.find((v) => v.labels.topic === 'movement')?.value).toBe(4);
    expect(values.find((v) => v.labels.topic === 'status')?.value).toBe(1);
  });

  it('registers a domain counter once per name', async () => {
    const metrics = new Metrics();
    const first = metrics.counter('transitions_total', 'transitions', ['state']);
    const again = metrics.counter('transitions_total', 'transitions', ['state']);
    expect(again).toBe(first);
    first.inc({ state: 'IN_TRANSIT' });
    expect(await metrics.registry.getSingleMetricAsString('transitions_total')).toContain(
      'transitions_total{state="IN_TRANSIT"} 1',
    );
    const histogram = metrics.histogram('wait_seconds', 'wait', ['route'], [1, 5]);
    expect(metrics.histogram('wait_seconds', 'wait', ['route'], [1, 5])).toBe(histogram);
  });

  it('adds the increments of a tallied counter when read, each once, under one registration per name', async () => {
    const metrics = new Metrics();
    const tally = metrics.tallied('changes_total', 'changes', 'state');
    expect(metrics.tallied('changes_total', 'changes', 'state')).toBe(tally);
    for (let i = 0; i < 5; i++) tally.inc('open_entry');
    tally.inc('in_transit');
    const first = await metrics.registry.getSingleMetricAsString('changes_total');
    expect(first).toContain('changes_total{state="open_entry"} 5');
    expect(first).toContain('changes_total{state="in_transit"} 1');
    tally.inc('open_entry');
    const second = await metrics.registry.getSingleMetricAsString('changes_total');
    expect(second).toContain('changes_total{state="open_entry"} 6');
    expect(second).toContain('changes_total{state="in_transit"} 1');
  });

  it('includes the default process metrics', async () => {
    const text = await new Metrics().registry.metrics();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });
});
