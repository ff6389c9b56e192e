import type { Counter, Histogram } from 'prom-client';
import type { Clock } from '../platform/clock.js';
import type { Logger } from '../platform/logging.js';
import type { Metrics, TalliedCounter } from '../platform/metrics.js';

/** What an operator watches: boats on time, look-ups failing, instance rides ending well or not. */
export interface TransportMetrics {
  /** By new state (`state` label). */
  readonly transitions: TalliedCounter;
  /** Seconds between a boundary and the moment its transition ran (timer lateness, pauses caught up). */
  readonly lateness: Histogram<never>;
  readonly lookupFailures: Counter<'kind'>;
  readonly instanceEvents: Counter<'type'>;
  /** Route steps another replica had performed first (a takeover overlapping the old owner's last moments). */
  readonly stepsElsewhere: Counter<never>;
  /** Route steps whose messages could not be written and were tried again (each new try counts one). */
  readonly sendRetries: Counter<never>;
}

export function transportMetrics(metrics: Metrics): TransportMetrics {
  return {
    transitions: metrics.tallied(
      'transports_transitions_total',
      'Scheduled route state changes by new state',
      'state',
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
    sendRetries: metrics.counter(
      'transports_step_send_retries_total',
      'Tries again of route steps whose messages could not be written (the database out of reach)',
      [],
    ),
  };
}

/** A ride is overdue once its arrival is this far behind: the arrival itself takes a moment (warps, events). */
export const RIDE_OVERDUE_GRACE_MS = 30_000;
/** Scrapes within this much of the injected clock share one query. */
const RIDE_READING_MS = 1_000;

type OverdueReading = { riders: number; oldestArrival: number | null };

/**
 * `transports_riders_overdue` and `transports_rides_overdue_seconds`, both from one query of the arrival index
 * (RideStore.overdue) made at most once a second however many scrapes come; a failing query is logged and
 * shows the last reading, so a database outage never fails the whole scrape.
 */
export function registerRideGauges(
  metrics: Metrics,
  rides: { overdue(before: number): Promise<OverdueReading> },
  clock: Clock,
  logger: Logger,
): void {
  let last: OverdueReading & { now: number } = { riders: 0, oldestArrival: null, now: clock.now() };
  let readAt = Number.NEGATIVE_INFINITY;
  let reading: Promise<void> | undefined;
  const read = async () => {
    const now = clock.now();
    if (now - readAt < RIDE_READING_MS && now >= readAt) return last;
    reading ??= rides
      .overdue(now - RIDE_OVERDUE_GRACE_MS)
      .then((result) => {
        last = { ...result, now };
        readAt = now;
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'overdue riders could not be read for metrics'))
      .finally(() => {
        reading = undefined;
      });
    await reading;
    return last;
  };
  metrics.gauge(
    'transports_riders_overdue',
    `Characters aboard instance rides whose arrival passed more than ${RIDE_OVERDUE_GRACE_MS / 1000} s ago`,
    async () => (await read()).riders,
  );
  metrics.gauge(
    'transports_rides_overdue_seconds',
    'Seconds since the arrival of the longest-overdue ride with riders aboard, 0 when none is overdue',
    async () => {
      const { oldestArrival, now } = await read();
      return oldestArrival === null ? 0 : (now - oldestArrival) / 1000;
    },
  );
}
