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

  it('includes the default process metrics', async () => {
    const text = await new Metrics().registry.metrics();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });
});
