// Shared by the transports benchmarks: 1,000 tenants with the bundled configuration (12,000 routes), a runner
// whose messages are counted instead of sent, and clocks that put a chosen instant of the day just ahead.
import { readFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import type { Histogram } from 'prom-client';
import { MessageFactory } from '../src/platform/bus/messages.js';
import { type Clock, SystemClock } from '../src/platform/clock.js';
import type { Field, FieldDirectory } from '../src/platform/fields.js';
import { createLogger } from '../src/platform/logging.js';
import { resolveTopics } from '../src/platform/topics.js';
import { ChannelRegistry } from '../src/transports/channels.js';
import { parseTenantConfiguration } from '../src/transports/core/config.js';
import { evaluate } from '../src/transports/core/evaluate.js';
import { evaluateSchedule } from '../src/transports/core/schedule.js';
import type { TransportMetrics } from '../src/transports/metrics.js';
import { TransportMessages } from '../src/transports/producer.js';
import type { ScheduledRunner } from '../src/transports/scheduled/runner.js';
import type { RouteOwnership } from '../src/transports/scheduled/steps.js';
import { type LoadedTenant, loadTenant } from '../src/transports/tenants/loaded-tenant.js';
import { runnerRig } from '../src/transports/testing/runner-rig.js';

export const TENANTS = 1_000;
const sampleEntry = (
  JSON.parse(readFileSync(new URL('../config/tenants.json', import.meta.url), 'utf8')) as {
    tenants: Array<Record<string, unknown>>;
  }
).tenants[0]!;
export const logger = createLogger('silent');
export const messages = new TransportMessages(new MessageFactory(resolveTopics({})));

export function tenantId(index: number): string {
  return `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}

/** The bundled tenant 1,000 times over, under 1,000 ids. */
export function buildTenants(count = TENANTS): LoadedTenant[] {
  const tenants: LoadedTenant[] = [];
  for (let i = 0; i < count; i++)
    tenants.push(loadTenant(parseTenantConfiguration({ ...sampleEntry, id: tenantId(i) })));
  return tenants;
}

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
export const ms = (value: number) => `${value.toFixed(2)} ms`;

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** The first boundary of any route after a time of day (ms since midnight). */
export function nextBoundaryAfter(tenant: LoadedTenant, timeOfDay: number): number {
  const day = Date.UTC(2026, 1, 18);
  const next = [...tenant.schedules.values()]
    .map((s) => s.timetable)
    .map((tt) => evaluate(tt, day + timeOfDay).nextTransitionAt ?? Infinity);
  return Math.min(...next) - day;
}

export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/**
 * The due instant of a message sent at `now` (the clock's time): the latest route boundary at or before it,
 * among every boundary of `tenants` in [from, to]. Boundaries fall on whole seconds, but a burst's messages
 * may leave more than a second after it: reading the last whole second would wrap their lateness at 1 s.
 */
export function dueBoundary(tenants: LoadedTenant[], from: number, to: number): (now: number) => number {
  const instants = new Set<number>();
  for (const tenant of tenants)
    for (const schedule of tenant.schedules.values()) {
      let at = evaluateSchedule(schedule, from - 1).nextTransitionAt;
      while (at !== null && at <= to) {
        instants.add(at);
        at = evaluateSchedule(schedule, at).nextTransitionAt;
      }
    }
  const sorted = [...instants].sort((a, b) => a - b);
  return (now) => {
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (sorted[middle]! <= now) low = middle + 1;
      else high = middle;
    }
    return low > 0 ? sorted[low - 1]! : Number.NaN;
  };
}

/**
 * One passenger on every dock, nobody elsewhere: every departure warps someone, lookups cost nothing. Like
 * the embedded presence module, it answers many fields in one call (one statement there).
 */
function directoryFor(tenants: LoadedTenant[]): FieldDirectory {
  const docks = new Set(tenants[0]!.routes.map((route) => route.stagingMapId));
  const standing = (field: Field) => (docks.has(field.mapId) ? [field.channelId + 1] : []);
  return {
    charactersIn: async (_tenant, field) => standing(field),
    charactersInFields: async (queries) =>
      queries.map(({ field }) => ({ status: 'fulfilled', value: standing(field) })),
  };
}

export function latenessRecorder(base: TransportMetrics, samples: number[]): TransportMetrics {
  const lateness = {
    observe: (seconds: number) => samples.push(seconds * 1000),
  } as unknown as Histogram<never>;
  return { ...base, lateness };
}

/**
 * The system clock shifted, and for a warm-up also sped up: from the real instant `travel` is called it reads
 * `shifted`, advancing `rate` ms for every real millisecond, and its timers fire at the real instants that
 * correspond. Timers armed before a `travel` keep the real instants they were given (a runner re-applies its
 * tenants after one, which re-arms every route).
 */
export class TravelClock extends SystemClock {
  private realBase = Date.now();
  private shiftedBase = Date.now();
  private rate = 1;

  travel(shifted: number, rate = 1): void {
    this.realBase = Date.now();
    this.shiftedBase = shifted;
    this.rate = rate;
  }

  override now(): number {
    return this.shiftedBase + (Date.now() - this.realBase) * this.rate;
  }

  override at(at: number, fn: () => void) {
    return super.at(this.realBase + (at - this.shiftedBase) / this.rate, fn);
  }

  // SystemClock's `after` calls `this.at` with a real instant, which the shift above would move.
  override after(ms: number, fn: () => void) {
    return super.at(Date.now() + ms, fn);
  }
}

/** The system clock shifted by `offset` ms: its `now()` reads the shifted time, its timers fire on it. */
export function offsetClock(offset: number): TravelClock {
  const clock = new TravelClock();
  clock.travel(Date.now() + offset);
  return clock;
}

export function runnerFor(
  clock: Clock,
  tenants: LoadedTenant[],
  metrics: TransportMetrics,
  counter: { sent: number; publishLateness?: number[]; due?: () => number },
  ownership?: RouteOwnership,
) {
  const channels = new ChannelRegistry();
  for (const t of tenants)
    for (const c of [0, 1, 2]) channels.register(t.tenant.id, { worldId: 0, channelId: c });
  const sent = (count: number) => {
    counter.sent += count;
    if (count > 0 && counter.publishLateness && counter.due)
      counter.publishLateness.push(clock.now() - counter.due());
  };
  const { runner, settle } = runnerRig(clock, messages, {
    metrics,
    channels,
    directory: directoryFor(tenants),
    sent: (outgoing) => sent(outgoing.length),
    ownership,
  });
  return { runner, settle };
}

/**
 * Takes `runner` (with every route owned: the caller's ownership says so while this runs) through `rounds`
 * real midnights of earlier days before the measured one: the runner's code is then compiled as in a replica
 * that has been running, for which midnight is not the first burst. Each round reads the last 16 seconds of a
 * day, eight times as fast, on the runner's own clock: the subway's last arrival at 23:59:46, then the burst.
 *
 * It is the measured runner itself that is warmed up, not a throwaway one. Traced with --trace-opt and
 * --trace-deopt, a replica warmed up on other runners compiled its burst code again at the measured midnight:
 * the optimized code had been specialised on the throwaway runner's own callbacks (call targets) and had never
 * seen an arrival at 23:59:46 (the throwaway ones started after it), so the real runner's first transitions
 * deoptimized it and most of the burst ran unoptimized while TurboFan recompiled on the replica's other
 * threads (60 to 75 ms of CPU for the sender alone, on a machine the three replicas already share). A
 * replica that has been running has one runner, whose code the day's transitions have long made stable.
 */
export async function warmUp(
  runner: ScheduledRunner,
  settle: () => Promise<void>,
  clock: TravelClock,
  tenants: LoadedTenant[],
  rounds = 3,
): Promise<void> {
  const lead = 16_000;
  const rate = 8;
  for (let round = 0; round < rounds; round++) {
    const midnight = Date.UTC(2026, 1, 18 + round);
    clock.travel(midnight - lead, rate);
    // The first round takes the routes (a start-up); later ones move each route to its state then (a reload).
    for (const tenant of tenants) runner.apply(tenant);
    await runner.rebalance();
    await settle();
    await new Promise((resolve) => setTimeout(resolve, (midnight + 200 - clock.now()) / rate));
    await settle();
  }
}

/**
 * Garbage collection pauses that start in [from, to) (epoch ms) while the returned recorder is open: how many,
 * their total and the longest, to tell a late transition the collector held from one the runner made late.
 */
export function gcPauses(from: number, to: number) {
  const pauses = { count: 0, ms: 0, longest: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const startedAt = performance.timeOrigin + entry.startTime;
      if (startedAt < from || startedAt >= to) continue;
      pauses.count++;
      pauses.ms += entry.duration;
      pauses.longest = Math.max(pauses.longest, entry.duration);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    pauses,
    close: () => observer.disconnect(),
    describe: () => `${pauses.count} GC pauses (${ms(pauses.ms)}, longest ${ms(pauses.longest)})`,
  };
}
