// One replica of the midnight benchmark (bench/replicas.ts forks it): 1,000 tenants' routes, of which it drives
// its share by the fleet's leases in PostgreSQL; its clock reads midnight at MIDNIGHT_AT (real epoch ms).
import { SystemClock } from '../src/platform/clock.js';
import { Database } from '../src/platform/db/database.js';
import { Metrics } from '../src/platform/metrics.js';
import { DAY_MS, utcDayStart } from '../src/transports/core/timetable.js';
import { transportMetrics } from '../src/transports/metrics.js';
import { Fleet } from '../src/transports/scheduled/fleet.js';
import { lastSteps, stepTopic } from '../src/transports/scheduled/steps.js';
import {
  buildTenants,
  dueBoundary,
  gcPauses,
  latenessRecorder,
  logger,
  runnerFor,
  TravelClock,
  warmUp,
} from './transports-support.js';

export interface WorkerReport {
  readonly owned: number;
  readonly transitions: number[];
  readonly sent: number[];
  /** Lateness of bare timers due at the burst's instant, armed before the runner's: the event loop's floor. */
  readonly floor: number[];
  /** Garbage collection pauses in the first second after midnight: how many, and their total length. */
  readonly gc: { readonly pauses: number; readonly ms: number };
  /** CPU time (user + system, all threads) in the 400 ms from the burst's instant. */
  readonly burstCpuMs: number;
  readonly upkeep: { ticks: number; statements: number; ms: number; cpuMs: number; windowMs: number };
}

async function main(): Promise<void> {
  const midnightAt = Number(process.env.MIDNIGHT_AT);
  const replicas = Number(process.env.REPLICAS);
  const db = new Database(process.env.DATABASE_URL!, logger, 4);
  const tenants = buildTenants();
  const transitions: number[] = [];
  const sent: number[] = [];
  const floor: number[] = [];
  const offset = utcDayStart(Date.now()) + DAY_MS - midnightAt;
  const midnight = midnightAt + offset;
  const dueAt = dueBoundary(tenants, midnight - 60_000, midnight + 60_000);
  const fleet = new Fleet(db, new SystemClock(), logger);
  // While the runner warms up it drives every route (see warmUp); then the fleet's leases say which.
  let warming = !process.env.BENCH_COLD;
  const clock = new TravelClock();
  const { runner, settle } = runnerFor(
    clock,
    tenants,
    latenessRecorder(transportMetrics(new Metrics()), transitions),
    // A send's lateness is counted from the last boundary before it (the burst's instant). The time of day is
    // read on the measured day, so that the warm-up's sends (earlier days) take the look-up's every path too.
    { sent: 0, publishLateness: sent, due: () => dueAt(midnight + sinceMidnight(clock.now())) },
    {
      owns: (tenantId, routeId) => warming || fleet.owns(stepTopic(tenantId, routeId)),
      lastSteps: (topics) => lastSteps(db, topics),
    },
  );
  // BENCH_COLD=1 measures a fresh process's first burst instead of a replica that has been running.
  if (warming) await warmUp(runner, settle, clock, tenants);
  warming = false;
  clock.travel(Date.now() + offset);
  for (let i = 0; i < 100; i++)
    setTimeout(() => floor.push(Date.now() - midnightAt), midnightAt - Date.now());
  // The CPU this process spends in the burst's first 400 ms (the burst and nothing else: the loop is idle
  // around it), against those 400 ms of wall time: a process held back by the others waits, not computes.
  let burstCpu = 0;
  setTimeout(
    () => {
      const cpu = process.cpuUsage();
      setTimeout(() => {
        const used = process.cpuUsage(cpu);
        burstCpu = (used.user + used.system) / 1000;
      }, 400);
    },
    midnightAt - 2 - Date.now(),
  );
  // Every route at today's time: after a warm-up each is moved to its state now and armed, until the fleet's
  // first membership takes the others away.
  for (const tenant of tenants) runner.apply(tenant);
  await fleet.start({ membership: () => void runner.rebalance(), shared: () => undefined });
  while (fleet.liveReplicas().length < replicas) await new Promise((resolve) => setTimeout(resolve, 50));
  await runner.rebalance();
  await settle();
  // The start-up sweeps, and boundaries between the start and midnight, are not the burst.
  await new Promise((resolve) => setTimeout(resolve, midnightAt - 500 - Date.now()));
  transitions.length = 0;
  sent.length = 0;
  // Garbage collection pauses in the burst's first second: what the heap costs the runner at midnight.
  const collector = gcPauses(midnightAt, midnightAt + 1_000);
  const cpu = process.cpuUsage();
  const upkeepBefore = { ...fleet.upkeep };
  const began = Date.now();
  await new Promise((resolve) => setTimeout(resolve, midnightAt + 5_000 - Date.now()));
  await settle();
  const used = process.cpuUsage(cpu);
  collector.close();
  const report: WorkerReport = {
    owned: runner.owned(),
    transitions,
    sent,
    floor,
    gc: { pauses: collector.pauses.count, ms: collector.pauses.ms },
    burstCpuMs: burstCpu,
    upkeep: {
      ticks: fleet.upkeep.ticks - upkeepBefore.ticks,
      statements: fleet.upkeep.statements - upkeepBefore.statements,
      ms: fleet.upkeep.ms - upkeepBefore.ms,
      cpuMs: (used.user + used.system) / 1000,
      windowMs: Date.now() - began,
    },
  };
  runner.stop();
  process.send!(report);
  await fleet.leave();
  await db.close();
  // The IPC channel would keep the process alive; the parent waits for this exit before stopping PostgreSQL.
  process.disconnect();
}

/** Milliseconds from the nearest midnight (UTC) to `at`: negative in the evening. */
function sinceMidnight(at: number): number {
  const ofDay = at - utcDayStart(at);
  return ofDay < DAY_MS / 2 ? ofDay : ofDay - DAY_MS;
}

void main();
