// npm run bench:transports: 1,000 tenants with the bundled configuration (12,000 routes, 1,044,000 trips a day).
// Load and timetable time and memory; CPU per simulated hour of transitions on a manual clock; lateness of
// transitions on the real clock beside bare setTimeout lateness of the same event loop; instance starts per second
// on a durable embedded PostgreSQL (rides are rows shared by replicas).
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../src/platform/clock.js';
import { Database } from '../src/platform/db/database.js';
import { startEmbeddedPostgres } from '../src/platform/db/embedded.js';
import { INBOX_MIGRATION } from '../src/platform/db/inbox.js';
import { OUTBOX_MIGRATION, writeOutbox } from '../src/platform/db/outbox.js';
import { OutboxSender } from '../src/platform/db/outbox-sender.js';
import { Metrics } from '../src/platform/metrics.js';
import { DAY_MS, tripCount, utcDayStart } from '../src/transports/core/timetable.js';
import { InstanceTransports } from '../src/transports/instances/processor.js';
import { RideStore } from '../src/transports/instances/rides.js';
import { RIDES_MIGRATION } from '../src/transports/instances/rides-schema.js';
import { MANIFESTS_MIGRATION } from '../src/transports/manifests/manifests.js';
import { transportMetrics } from '../src/transports/metrics.js';
import { TenantRegistry } from '../src/transports/tenants/loaded-tenant.js';
import {
  buildTenants,
  dueBoundary,
  gc,
  gcPauses,
  latenessRecorder,
  logger,
  mb,
  messages,
  ms,
  nextBoundaryAfter,
  offsetClock,
  percentile,
  runnerFor,
  TENANTS,
} from './transports-support.js';

async function main() {
  // 1. Load: validate 1,000 tenant entries and compute their day.
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const loadStart = performance.now();
  const tenants = buildTenants();
  const loadMs = performance.now() - loadStart;
  gc();
  const heapAfter = process.memoryUsage().heapUsed;
  const routes = tenants.reduce((n, t) => n + t.routes.length, 0);
  const trips = tenants.reduce(
    (n, t) => n + [...t.schedules.values()].map((s) => s.timetable).reduce((m, tt) => m + tripCount(tt), 0),
    0,
  );
  console.log(
    `load        ${TENANTS} tenants, ${routes} routes, ${trips} trips/day: ${ms(loadMs)} (${ms(loadMs / TENANTS)} per tenant), heap +${mb(heapAfter - heapBefore)}${(globalThis as { gc?: unknown }).gc ? '' : ' (run with --expose-gc for an exact figure)'}`,
  );

  // 2. CPU per simulated hour (manual clock): every boundary of 12,000 routes, with warps and events built.
  const manual = new ManualClock(Date.UTC(2026, 1, 18, 6));
  const counter = { sent: 0 };
  const manualSamples: number[] = [];
  const simulated = runnerFor(
    manual,
    tenants,
    latenessRecorder(transportMetrics(new Metrics()), manualSamples),
    counter,
  );
  for (const t of tenants) simulated.runner.apply(t);
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  const HOURS = 2;
  for (let minute = 1; minute <= HOURS * 60; minute++) {
    manual.set(Date.UTC(2026, 1, 18, 6) + minute * 60_000);
    await simulated.settle();
  }
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000 / HOURS;
  console.log(
    `simulate    ${manualSamples.length / HOURS} transitions and ${counter.sent / HOURS} messages per simulated hour: ${ms(cpuMs)} CPU per hour (${ms((performance.now() - wallStart) / HOURS)} wall), ${((cpuMs / 3_600_000) * 100).toFixed(4)} % of one core`,
  );
  simulated.runner.stop();

  // 3. Lateness on the real clock, beside bare setTimeout lateness on the same event loop. A clock offset puts
  // the busiest 20 s of the day (the 00:00 boundaries of every leg A, 6,000 routes at one instant, and more)
  // right ahead, so the runner works under its worst burst.
  const WINDOW_MS = 5_000;
  const baselineSamples: number[] = [];
  const baseline = new Promise<void>((resolve) => {
    let left = 12_000;
    const start = Date.now();
    for (let i = 0; i < 12_000; i++) {
      const due = start + 200 + Math.floor((i / 12_000) * 2_000);
      setTimeout(() => {
        baselineSamples.push(Date.now() - due);
        if (--left === 0) resolve();
      }, due - Date.now());
    }
  });
  await baseline;
  const p = (values: number[], q: number) => ms(percentile(values, q));
  for (const [label, timeOfDay] of [
    ['at midnight (12,000 routes at one instant)', 0],
    [
      'after 06:00 (one route of every tenant, 1,000 at one instant)',
      nextBoundaryAfter(tenants[0]!, 6 * 3_600_000),
    ],
  ] as const) {
    // Land 1 s before the boundary so that the runner is armed and idle when it comes.
    const target = utcDayStart(Date.now()) + DAY_MS + timeOfDay;
    const offset = target - (Date.now() + 2_000);
    const clock = offsetClock(offset);
    const realSamples: number[] = [];
    const publishLateness: number[] = [];
    // A send's lateness is counted from the last boundary before it (not the last whole second: a send more
    // than a second late would read as early).
    const dueAt = dueBoundary(tenants, target - 10_000, target + 10_000);
    const due = () => dueAt(clock.now());
    const real = runnerFor(clock, tenants, latenessRecorder(transportMetrics(new Metrics()), realSamples), {
      sent: 0,
      publishLateness,
      due,
    });
    for (const t of tenants) real.runner.apply(t);
    // The first start's sweeps are not the burst.
    await real.settle();
    publishLateness.length = 0;
    const collector = gcPauses(Date.now(), Date.now() + DAY_MS);
    await new Promise((resolve) => setTimeout(resolve, target + WINDOW_MS - clock.now()));
    real.runner.stop();
    await real.settle();
    collector.close();
    console.log(
      `lateness    ${label}: ${realSamples.length} transitions, state change p50 ${p(realSamples, 50)}, p99 ${p(realSamples, 99)}, max ${p(realSamples, 100)}; messages sent p50 ${p(publishLateness, 50)}, p99 ${p(publishLateness, 99)}; ${collector.describe()}`,
    );
  }
  console.log(
    `  baseline  12000 bare setTimeout over 2 s: p50 ${p(baselineSamples, 50)}, p99 ${p(baselineSamples, 99)}, max ${p(baselineSamples, 100)} (the floor any timer-driven transition sits on)`,
  );

  // 4. Instance starts per second: capacity-1 routes, so every start creates a ride (rows in PostgreSQL, with
  // its outbox rows, in one transaction) and its arrival timer. A durable embedded server (fsync on), the
  // application's pool size, as many starts in flight as a busy channel server sends at once.
  const registry = new TenantRegistry();
  for (const t of tenants) registry.swap(t);
  // Not mkdtemp: its 0700 directory is closed to the `postgres` user initdb runs as when we are root.
  const dataDir = path.join(os.tmpdir(), `atlas-ts-bench-rides-${process.pid}-${Date.now()}`);
  const server = await startEmbeddedPostgres({ dataDir, port: 0, logger, fast: false });
  const db = new Database(server.url(), logger);
  try {
    await db.migrate([OUTBOX_MIGRATION, INBOX_MIGRATION, RIDES_MIGRATION, MANIFESTS_MIGRATION]);
    const sender = new OutboxSender(db, () => undefined);
    const instanceClock = new ManualClock(Date.UTC(2026, 1, 18, 12));
    const instances = new InstanceTransports({
      clock: instanceClock,
      logger,
      metrics: transportMetrics(new Metrics()),
      messages,
      db,
      outbox: { write: writeOutbox, committed: () => undefined, send: (m, d) => sender.send(m, d) },
      rides: new RideStore(db),
      track: () => undefined,
      tenants: registry,
    });
    const STARTS = 20_000;
    const IN_FLIGHT = 64;
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < STARTS; i = next++) {
        const loaded = tenants[i % TENANTS]!;
        const route = loaded.instanceRoutes[Math.floor(i / TENANTS) % loaded.instanceRoutes.length]!;
        await instances.start(loaded.tenant, route.id, { characterId: i, worldId: 0, channelId: 1 });
      }
    };
    // The floor: as many transactions of one small INSERT each, through the same pool, as many in flight.
    await db.query('CREATE TABLE bench_floor (id integer PRIMARY KEY, at bigint NOT NULL)');
    let floorNext = 0;
    const floorWorker = async () => {
      for (let i = floorNext++; i < STARTS; i = floorNext++) {
        await db.transaction((client) =>
          client.query({ name: 'floor', text: 'INSERT INTO bench_floor VALUES ($1, $2)', values: [i, i] }),
        );
      }
    };
    const floorStart = performance.now();
    await Promise.all(Array.from({ length: IN_FLIGHT }, floorWorker));
    const floorMs = performance.now() - floorStart;
    const startStart = performance.now();
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const startMs = performance.now() - startStart;
    const perSecond = (n: number, elapsed: number) => Math.round(n / (elapsed / 1000));
    console.log(
      `instances   ${STARTS} starts (${IN_FLIGHT} in flight, durable PostgreSQL) in ${ms(startMs)}: ${perSecond(STARTS, startMs)} starts/s (${await instances.active()} rides open)`,
    );
    console.log(
      `  baseline  ${STARTS} one-INSERT transactions, same pool and concurrency: ${perSecond(STARTS, floorMs)}/s (the floor a start, one transaction, sits on)`,
    );
    instances.stop();
  } finally {
    await db.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
