// npm run bench:replicas: the midnight burst (12,000 routes of 1,000 tenants at one instant) driven by one
// replica, then by three replica processes sharing the routes by leases in one PostgreSQL (decisions E5), in the
// same run. Each replica's messages are counted where the outbox would take them (as in bench:transports), so
// the figures compare the runner's own lateness: state change (the route's state set) and messages handed to
// the durable send, each measured from the boundary. Lease upkeep per replica per minute is reported beside.
import { fork } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Database } from '../src/platform/db/database.js';
import { startEmbeddedPostgres } from '../src/platform/db/embedded.js';
import { INBOX_MIGRATION } from '../src/platform/db/inbox.js';
import { createLogger } from '../src/platform/logging.js';
import { CONTROLS_MIGRATION } from '../src/transports/scheduled/controls-store.js';
import { FLEET_MIGRATION } from '../src/transports/scheduled/fleet.js';
import type { WorkerReport } from './replica-worker.js';
import { median } from './support.js';
import { ms, percentile } from './transports-support.js';

const here = path.dirname(fileURLToPath(import.meta.url));

async function burst(url: string, replicas: number): Promise<WorkerReport[]> {
  // Far enough ahead for every worker to load 1,000 tenants, warm up and agree on the fleet.
  const midnightAt = Date.now() + 25_000;
  const workers = Array.from({ length: replicas }, () =>
    fork(path.join(here, 'replica-worker.ts'), [], {
      // BENCH_CPU_PROF=<dir>: each worker writes a CPU profile there (as in bench:http).
      execArgv: [
        '--import',
        'tsx',
        ...(process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : []),
        ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      ],
      env: { ...process.env, DATABASE_URL: url, MIDNIGHT_AT: String(midnightAt), REPLICAS: String(replicas) },
    }),
  );
  // A report counts once its worker has also left the fleet and exited: the database stays up until then.
  return Promise.all(
    workers.map(
      (worker) =>
        new Promise<WorkerReport>((resolve, reject) => {
          let report: WorkerReport | undefined;
          worker.once('message', (message) => {
            report = message as WorkerReport;
          });
          worker.once('exit', (code) => {
            if (code === 0 && report) resolve(report);
            else reject(new Error(`worker exited with ${code}${report ? '' : ' before its report'}`));
          });
        }),
    ),
  );
}

function describe(label: string, reports: WorkerReport[]): { state: number; sent: number } {
  const transitions = reports.flatMap((r) => r.transitions);
  const floor = reports.flatMap((r) => r.floor);
  const sent = reports.flatMap((r) => r.sent);
  const p = (values: number[], q: number) => ms(percentile(values, q));
  console.log(
    `midnight    ${label}: routes ${reports.map((r) => r.owned).join(' + ')}, ${transitions.length} transitions; state change p50 ${p(transitions, 50)}, p99 ${p(transitions, 99)}; messages sent p50 ${p(sent, 50)}, p99 ${p(sent, 99)}; bare timers at the instant p99 ${p(floor, 99)}`,
  );
  for (const [i, r] of reports.entries()) {
    if (process.env.BENCH_VERBOSE)
      console.log(
        `  replica ${i + 1}  state change min ${p(r.transitions, 0)}, p50 ${p(r.transitions, 50)}, p99 ${p(r.transitions, 99)}; messages min ${p(r.sent, 0)}, p50 ${p(r.sent, 50)}, p99 ${p(r.sent, 99)}; bare timers min ${p(r.floor, 0)}, p99 ${p(r.floor, 99)}`,
      );
    const perMinute = 60_000 / r.upkeep.windowMs;
    console.log(
      `  replica ${i + 1}  ${ms(r.burstCpuMs)} CPU in the burst's first 400 ms; ${r.gc.pauses} GC pauses (${ms(r.gc.ms)}) in the burst's first second; lease upkeep per minute: ${Math.round(r.upkeep.ticks * perMinute)} ticks, ${Math.round(r.upkeep.statements * perMinute)} statements, ${ms(r.upkeep.ms * perMinute)} waiting on them (whole process CPU over the window: ${ms(r.upkeep.cpuMs * perMinute)} per minute)`,
    );
  }
  return { state: percentile(transitions, 99), sent: percentile(sent, 99) };
}

async function main(): Promise<void> {
  const logger = createLogger('warn');
  // Not mkdtemp: its 0700 directory is closed to the `postgres` user initdb runs as when we are root.
  const dataDir = path.join(tmpdir(), `atlas-ts-bench-replicas-${process.pid}-${Date.now()}`);
  const server = await startEmbeddedPostgres({ dataDir, port: 0, logger, fast: true });
  try {
    const db = new Database(server.url(), logger);
    // Every table a fleet tick reads (the shared changes include trip controls): a tick that fails is not upkeep.
    await db.migrate([INBOX_MIGRATION, FLEET_MIGRATION, CONTROLS_MIGRATION]);
    await db.close();
    // BENCH_ROUNDS=n: n rounds of both, alternating, then the medians (runs on this machine vary by 2x).
    const rounds = Number(process.env.BENCH_ROUNDS ?? 1);
    const ones: Array<{ state: number; sent: number }> = [];
    const threes: Array<{ state: number; sent: number }> = [];
    for (let round = 0; round < rounds; round++) {
      ones.push(describe('1 replica ', await burst(server.url(), 1)));
      threes.push(describe('3 replicas', await burst(server.url(), 3)));
    }
    const one = { state: median(ones.map((r) => r.state)), sent: median(ones.map((r) => r.sent)) };
    const three = { state: median(threes.map((r) => r.state)), sent: median(threes.map((r) => r.sent)) };
    console.log(
      `  ${rounds > 1 ? `medians of ${rounds} rounds: 1 replica state change p99 ${ms(one.state)}, messages p99 ${ms(one.sent)}; 3 replicas ${ms(three.state)} and ${ms(three.sent)}\n  ` : ''}ratio     3 replicas / 1: state change p99 ${(three.state / one.state).toFixed(2)}, messages sent p99 ${(three.sent / one.sent).toFixed(2)} (targets: p99 <= 20 ms and <= 100 ms)`,
    );
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
