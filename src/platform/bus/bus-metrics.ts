import type { Logger } from '../logging.js';
import type { GaugeReadings, Metrics } from '../metrics.js';
import type { Bus, ConsumerStatus } from './bus.js';

/** Lag read at most this often: each reading asks the brokers for every topic's offsets. */
export const LAG_CACHE_MS = 5_000;
/** A scrape waits this long for the brokers, then shows the last reading (a scrape must not hang). */
export const LAG_WAIT_MS = 2_000;

/**
 * Gauges an alert rule needs about the bus (docs/alerts.yml): dead letters held, and, on Kafka, each
 * partition's lag. Lag is what `/api/debug/consumers` shows, asked of the brokers at scrape time; readings
 * are shared for LAG_CACHE_MS (several Prometheus servers, a fast scrape interval) and a reading the brokers
 * do not answer in time leaves the previous one, so a scrape's cost stays bounded whatever the brokers do.
 * `withLag` is false for the in-process bus, whose consumers have no lag worth a metric: the gauge is absent.
 */
export function registerBusGauges(metrics: Metrics, bus: Bus, logger: Logger, withLag: boolean): void {
  metrics.gauge(
    'bus_dead_letters',
    'Dead letters held for the operator (GET /api/admin/dead-letters) by topic and group, the newest 1000',
    ['topic', 'group'],
    () => {
      const counts = new Map<string, { topic: string; group: string; n: number }>();
      for (const letter of bus.deadLetters()) {
        const key = `${letter.topic}\u0000${letter.group}`;
        const entry = counts.get(key) ?? { topic: letter.topic, group: letter.group, n: 0 };
        entry.n += 1;
        counts.set(key, entry);
      }
      return [...counts.values()].map(({ topic, group, n }) => ({ labels: { topic, group }, value: n }));
    },
  );
  if (!withLag) return;

  let last: GaugeReadings<'group' | 'topic' | 'partition'> = [];
  let readAt = Number.NEGATIVE_INFINITY;
  let reading: Promise<void> | undefined;
  const refresh = () => {
    reading ??= bus
      .consumers()
      .then((statuses) => {
        last = lagReadings(statuses);
        readAt = Date.now();
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'consumer lag could not be read for metrics'))
      .finally(() => {
        reading = undefined;
      });
    return reading;
  };
  metrics.gauge(
    'bus_consumer_lag',
    'Messages on a partition this process holds not yet committed by its group (Kafka only)',
    ['group', 'topic', 'partition'],
    async () => {
      // Real time, not the domain clock: like the brokers' offsets, the cache is about the present.
      if (Date.now() - readAt >= LAG_CACHE_MS) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          refresh(),
          new Promise((resolve) => {
            timer = setTimeout(resolve, LAG_WAIT_MS);
          }),
        ]);
        clearTimeout(timer);
      }
      return last;
    },
  );
}

/** One reading per partition whose lag the brokers told; an unknown lag (null) is left out, not shown as 0. */
export function lagReadings(
  statuses: readonly ConsumerStatus[],
): GaugeReadings<'group' | 'topic' | 'partition'> {
  return statuses.flatMap((status) =>
    status.partitions.flatMap((p) =>
      p.lag === null
        ? []
        : [{ labels: { group: status.group, topic: p.topic, partition: String(p.partition) }, value: p.lag }],
    ),
  );
}
