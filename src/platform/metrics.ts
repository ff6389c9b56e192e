import { Counter, collectDefaultMetrics, Gauge, Histogram, type LabelValues, Registry } from 'prom-client';

/** One value of a labelled gauge, per label set. */
export type GaugeReadings<L extends string> = ReadonlyArray<{ labels: LabelValues<L>; value: number }>;

/** One registry per application, so that several apps in one test process keep separate figures. */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly busHandled = new Counter({
    name: 'bus_messages_handled_total',
    help: 'Bus messages handled successfully by topic and consumer group',
    labelNames: ['topic', 'group'] as const,
    registers: [this.registry],
    // Handled messages are tallied in plain numbers (see messageHandled) and added here when read.
    collect: () => this.addHandled(),
  });
  readonly busFailed = new Counter({
    name: 'bus_messages_failed_total',
    help: 'Bus messages whose handler kept failing and were set aside as dead letters',
    labelNames: ['topic', 'group'] as const,
    registers: [this.registry],
  });
  readonly busRetried = new Counter({
    name: 'bus_messages_retried_total',
    help: 'Handler attempts that failed and were retried',
    labelNames: ['topic', 'group'] as const,
    registers: [this.registry],
  });
  readonly busMalformed = new Counter({
    name: 'bus_messages_malformed_total',
    help: 'Bus messages skipped because they did not parse, lacked a tenant or named something unknown',
    labelNames: ['topic', 'group', 'reason'] as const,
    registers: [this.registry],
  });

  readonly busDuplicates = new Counter({
    name: 'bus_messages_duplicate_total',
    help: 'Messages delivered again (crash, rebalance) and recognised by the inbox: their effect was not repeated',
    labelNames: ['topic', 'group'] as const,
    registers: [this.registry],
  });
  readonly consumerRestarts = new Counter({
    name: 'bus_consumer_restarts_total',
    help: 'Kafka consumers that died (or could not start) and were started again',
    labelNames: ['group'] as const,
    registers: [this.registry],
  });

  /** Handled messages not yet added to busHandled, by topic and group. */
  private readonly handledTally = new Map<string, Map<string, number>>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Counts one handled message. Called for every message (hundreds of thousands a second on the movement
   * topic): prom-client hashes the labels on every increment, even through a labelled child, so the count is
   * a plain number here until the counter is read (a scrape, `get()`).
   */
  messageHandled(topic: string, group: string): void {
    let groups = this.handledTally.get(topic);
    if (!groups) {
      groups = new Map();
      this.handledTally.set(topic, groups);
    }
    groups.set(group, (groups.get(group) ?? 0) + 1);
  }

  private addHandled(): void {
    for (const [topic, groups] of this.handledTally) {
      for (const [group, count] of groups) if (count > 0) this.busHandled.inc({ topic, group }, count);
      groups.clear();
    }
  }

  /** A counter or gauge a domain adds (for example transitions by state); registered once per name. */
  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as Counter<L>;
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  /**
   * A counter of one label for counts made thousands of times in one turn (12,000 route transitions at
   * midnight): counts per label value are plain numbers until the counter is read (a scrape, `get()`), as for
   * handled messages. Registered once per name.
   */
  tallied<L extends string>(name: string, help: string, label: L): TalliedCounter {
    let tally = this.tallies.get(name);
    if (!tally) {
      const counts = new Map<string, number>();
      const counter: Counter<L> = new Counter({
        name,
        help,
        labelNames: [label],
        registers: [this.registry],
        collect: () => {
          for (const [value, count] of counts)
            if (count > 0) counter.inc({ [label]: value } as LabelValues<L>, count);
          counts.clear();
        },
      });
      tally = new TalliedCounter(counts);
      this.tallies.set(name, tally);
    }
    return tally;
  }

  private readonly tallies = new Map<string, TalliedCounter>();

  /**
   * A gauge read when /metrics is scraped (what a domain knows without counting: routes owned, replicas,
   * riders overdue). With label names, `read` gives one value per label set, and label sets it no longer
   * gives disappear from the scrape (a partition no longer held, a topic whose dead letters were dropped).
   * `read` may be asynchronous (a database query, a broker round trip); a failing read is logged by the
   * caller's own code, not here: it must resolve, and the scrape then shows what it resolved to.
   */
  gauge(name: string, help: string, read: () => number | Promise<number>): void;
  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    read: () => GaugeReadings<L> | Promise<GaugeReadings<L>>,
  ): void;
  gauge<L extends string>(
    name: string,
    help: string,
    labelsOrRead: readonly L[] | (() => number | Promise<number>),
    labelledRead?: () => GaugeReadings<L> | Promise<GaugeReadings<L>>,
  ): void {
    if (this.registry.getSingleMetric(name)) return;
    if (typeof labelsOrRead === 'function') {
      const read = labelsOrRead;
      new Gauge({
        name,
        help,
        registers: [this.registry],
        async collect() {
          this.set(await read());
        },
      });
      return;
    }
    const read = labelledRead;
    if (!read) throw new Error(`gauge ${name}: labelled gauges need a read function`);
    new Gauge({
      name,
      help,
      labelNames: labelsOrRead,
      registers: [this.registry],
      async collect() {
        const readings = await read();
        // Replaced as a whole: a label set missing from this reading must not keep its last value.
        this.reset();
        for (const { labels, value } of readings) this.set(labels, value);
      },
    });
  }

  histogram<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    buckets: number[],
  ): Histogram<L> {
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as Histogram<L>;
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }
}

/** See Metrics.tallied: an increment is an addition to a number. */
export class TalliedCounter {
  constructor(private readonly counts: Map<string, number>) {}

  inc(value: string): void {
    this.counts.set(value, (this.counts.get(value) ?? 0) + 1);
  }
}
