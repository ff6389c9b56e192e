import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTestApp, TENANT, type TestApp } from '../test/support/app.js';
import { createTestDatabase } from '../test/support/database.js';
import type { Bus, ConsumerStatus } from './platform/bus/bus.js';
import { registerBusGauges } from './platform/bus/bus-metrics.js';
import { ManualClock } from './platform/clock.js';
import { createLogger } from './platform/logging.js';
import { Metrics } from './platform/metrics.js';
import { startHarness } from './transports/testing/harness.js';

interface Rule {
  alert?: string;
  expr?: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const rules = (
  parse(readFileSync(new URL('../docs/alerts.yml', import.meta.url), 'utf8')) as {
    groups: { name: string; rules: Rule[] }[];
  }
).groups.flatMap((group) => group.rules);

/** Metric names an expression reads, without the histogram series suffixes Prometheus adds. */
function metricNames(expr: string): string[] {
  const names = expr.match(/\b(?:transports|bus)_[a-z_]+\b/g) ?? [];
  return names.map((name) => name.replace(/_(bucket|count|sum)$/, ''));
}

/** Metrics only a Kafka-backed app registers, checked against registerBusGauges with a bus that has lag. */
const KAFKA_ONLY = new Set(['bus_consumer_lag']);

const NIL = '00000000-0000-0000-0000-000000000000';

describe('docs/alerts.yml', () => {
  it('is a Prometheus rule file: every rule has a name, an expression, a severity and a summary', () => {
    expect(rules.length).toBeGreaterThanOrEqual(6);
    for (const rule of rules) {
      expect(rule.alert, JSON.stringify(rule)).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(metricNames(rule.expr ?? ''), rule.alert).not.toHaveLength(0);
      expect(rule.labels?.severity, rule.alert).toMatch(/^(critical|warning)$/);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      if (rule.for !== undefined) expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
    }
  });
});

describe('alert metrics of a running app', () => {
  let t: TestApp;
  let db: pg.Client;
  beforeAll(async () => {
    const databaseUrl = await createTestDatabase();
    t = await startTestApp({ databaseUrl, services: ['character', 'transports'] });
    db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await t?.app.close();
  });

  const scrape = async () => (await fetch(`${t.url}/api/metrics`)).text();
  const value = (text: string, name: string) => {
    const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
    return match ? Number(match[1]) : undefined;
  };

  it('serves every metric the rules name (those of Kafka only aside)', async () => {
    const text = await scrape();
    const named = new Set(rules.flatMap((rule) => metricNames(rule.expr ?? '')));
    for (const name of named) {
      if (KAFKA_ONLY.has(name)) continue;
      expect(text, name).toContain(`# TYPE ${name} `);
    }
  });

  it('counts riders aboard rides whose arrival passed more than the grace, and how late the worst is', async () => {
    await t.app.idle();
    expect(value(await scrape(), 'transports_riders_overdue')).toBe(0);
    expect(value(await scrape(), 'transports_rides_overdue_seconds')).toBe(0);
    const now = t.clock.now();
    // Two rides far from their stuck timeout (due_at), so nothing ends them during the test: one 90 s past
    // its arrival with two riders, one 10 s past it (within the 30 s grace) with one.
    const ride = async (id: string, arrivalAt: number, characters: number[]) => {
      await db.query(
        `INSERT INTO transport_rides (instance_id, tenant_id, region, major_version, minor_version, route_id,
           route, capacity, boarding_until, arrival_at, created_at, due_at)
         VALUES ($1, $2, 'GMS', 83, 1, $3, '{}', 10, $4, $4, $4, $5)`,
        [id, TENANT.id, NIL, arrivalAt, now + 3_600_000],
      );
      for (const characterId of characters)
        await db.query(
          `INSERT INTO transport_riders (tenant_id, character_id, instance_id, world_id, channel_id)
           VALUES ($1, $2, $3, 0, 1)`,
          [TENANT.id, characterId, id],
        );
    };
    await ride('11111111-1111-4111-8111-111111111111', now - 90_000, [1, 2]);
    await ride('22222222-2222-4222-8222-222222222222', now - 10_000, [3]);
    // Cached for a second of the injected clock: the same instant still shows the reading made before.
    expect(value(await scrape(), 'transports_riders_overdue')).toBe(0);
    t.clock.advance(1_000);
    const text = await scrape();
    expect(value(text, 'transports_riders_overdue')).toBe(2);
    expect(value(text, 'transports_rides_overdue_seconds')).toBe(91);
    // 21 s later the second ride is past the grace too.
    t.clock.advance(21_000);
    expect(value(await scrape(), 'transports_riders_overdue')).toBe(3);
  });
});

describe('bus_consumer_lag', () => {
  it('shows the lag of each partition the brokers told, leaves out unknown lag, and reads at most every 5 s', async () => {
    const metrics = new Metrics();
    let statuses: ConsumerStatus[] = [
      {
        group: 'Transport Service',
        topics: ['EVENT_TOPIC_MAP_STATUS'],
        live: true,
        restarts: 0,
        partitions: [
          { topic: 'EVENT_TOPIC_MAP_STATUS', partition: 0, lag: 12 },
          { topic: 'EVENT_TOPIC_MAP_STATUS', partition: 1, lag: null },
        ],
      },
    ];
    let reads = 0;
    const bus = {
      deadLetters: () => [],
      consumers: async () => {
        reads++;
        return statuses;
      },
    } as unknown as Bus;
    registerBusGauges(metrics, bus, createLogger('silent'), true);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(
      /^bus_consumer_lag\{group="Transport Service",topic="EVENT_TOPIC_MAP_STATUS",partition="0"\} 12$/m,
    );
    expect(text).not.toContain('partition="1"');
    statuses = [];
    await metrics.registry.metrics();
    expect(reads).toBe(1);
  });
});

/** A manual clock whose timers, while stalled, come due without running: an event loop that is blocked. */
class StallingClock extends ManualClock {
  stalled = false;
  readonly held: (() => void)[] = [];

  override at(at: number, fn: () => void) {
    return super.at(at, () => {
      if (this.stalled) this.held.push(fn);
      else fn();
    });
  }
}

describe('transports_route_overdue_seconds', () => {
  it('shows how long a due route boundary has waited for its transition, and 0 once it ran', async () => {
    const clock = new StallingClock(Date.UTC(2026, 1, 18, 10));
    const harness = await startHarness({ clock });
    const overdue = async () => {
      const text = await (await fetch(`${harness.url}/api/metrics`)).text();
      return Number(/^transports_route_overdue_seconds (\S+)$/m.exec(text)?.[1]);
    };
    try {
      await harness.app.idle();
      expect(await overdue()).toBe(0);
      clock.stalled = true;
      // Twenty minutes pass with no timer running: the boats' boundaries of that time all come due.
      const from = clock.now();
      clock.set(from + 20 * 60_000);
      const seconds = await overdue();
      expect(seconds).toBeGreaterThan(0);
      expect(seconds).toBeLessThanOrEqual(20 * 60);
      clock.stalled = false;
      for (const fn of clock.held.splice(0)) fn();
      await harness.app.idle();
      expect(await overdue()).toBe(0);
    } finally {
      await harness.close();
    }
  });
});
