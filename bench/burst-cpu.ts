// npm run bench:burst: the CPU of one midnight burst (12,000 routes of 1,000 tenants changing state at one
// instant) on a manual clock, no timers: from the clock set to midnight until every transition's messages are
// handed to the (counting) durable send. ROUNDS rounds, each on a fresh runner and a new day.
import { ManualClock } from '../src/platform/clock.js';
import { Metrics } from '../src/platform/metrics.js';
import { transportMetrics } from '../src/transports/metrics.js';
import { buildTenants, latenessRecorder, runnerFor } from './transports-support.js';

const tenants = buildTenants();
const rounds = Number(process.env.ROUNDS ?? 5);
for (let round = 0; round < rounds; round++) {
  const midnight = Date.UTC(2026, 1, 18 + round);
  const clock = new ManualClock(midnight - 5_000);
  const transitions: number[] = [];
  const counter = { sent: 0 };
  const metrics = latenessRecorder(transportMetrics(new Metrics()), transitions);
  const { runner, settle } = runnerFor(clock, tenants, metrics, counter);
  for (const tenant of tenants) runner.apply(tenant);
  await settle();
  // A second before midnight: what the runner does ahead of a boundary (evaluating it, see
  // Ahead, src/transports/scheduled/ahead.ts) happens before the burst, as it does on real timers.
  clock.set(midnight - 1_000);
  await settle();
  transitions.length = 0;
  counter.sent = 0;
  const begin = performance.now();
  const cpu = process.cpuUsage();
  clock.set(midnight);
  await settle();
  const elapsed = performance.now() - begin;
  const used = process.cpuUsage(cpu);
  // CPU time beside wall time: on a shared machine the wall time also counts the turns other processes took.
  const cpuMs = (used.user + used.system) / 1000;
  console.log(
    `burst       ${transitions.length} transitions, ${counter.sent} messages: ${elapsed.toFixed(1)} ms (${((elapsed * 1000) / transitions.length).toFixed(1)} µs a transition), CPU ${cpuMs.toFixed(1)} ms`,
  );
  runner.stop();
}
