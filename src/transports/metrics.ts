import type { Counter, Histogram } from 'prom-client';
import type { Metrics } from '../platform/metrics.js';

/** What an operator watches: boats on time, look-ups failing, instance rides ending well or not. */
export interface TransportMetrics {
  readonly transitions: Counter<'state'>;
  /** Seconds between a boundary and the moment its transition ran (timer lateness, pauses caught up). */
  readonly lateness: Histogram<never>;
  readonly lookupFailures: Counter<'kind'>;
  readonly instanceEvents: Counter<'type'>;
  /** Route steps another replica had performed first (a takeover overlapping the old owner's last moments). */
  readonly stepsElsewhere: Counter<never>;
}

export function transportMetrics(metrics: Metrics): TransportMetrics {
  return {
    transitions: metrics.counter(
      'transports_transitions_total',
      'Scheduled route state changes by new state',
      ['state'],
    ),
    lateness: metrics.histogram(
      'transports_transition_lateness_seconds',
      'Delay between a route boundary and its transition',
      [],
      [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5, 60, 600],
    ),
    lookupFailures: metrics.counter(
      'transports_lookup_failures_total',
      'Failed look-ups (map presence, portal data) during warps; the transition still happened',
      ['kind'],
    ),
    instanceEvents: metrics.counter(
      'transports_instance_events_total',
      'Instance transport events emitted by type',
      ['type'],
    ),
    stepsElsewhere: metrics.counter(
      'transports_steps_performed_elsewhere_total',
      'Route steps skipped because another replica had performed them (nothing was sent twice)',
      [],
    ),
  };
}
