// npm run bench:http: the character service's REST reads measured from outside, each in its own process, so
// that the figures are the service's and not the load generator's:
//   - one embedded PostgreSQL (the project's own module, durable), seeded with CHARACTERS characters;
//   - the real application (`node dist/main.js`, SERVICES=character) on it;
//   - a bare Fastify + pg server doing the same SELECT and JSON.stringify (bench/http/bare.ts);
//   - PostgreSQL alone: a pg client loop, same query, same concurrency, same pool size (bench/http/postgres.ts);
//   - the load from Debian's wrk (bench/http/load.ts, a Node client, when wrk is missing).
// The machine has 2 cores shared by everything: the three are measured in turn, ROUNDS times, and the
// medians are reported with the spread of the rounds; each ratio is the median of the rounds' own ratios.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startEmbeddedPostgres } from '../src/platform/db/embedded.js';
import { createLogger } from '../src/platform/logging.js';
import type { QueryName } from './http/queries.js';
import { BENCH_HEADERS, median } from './support.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..');
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CHARACTERS = 32;
const run = promisify(execFile);

interface Endpoint {
  readonly name: string;
  readonly query: QueryName;
  /** The request paths, rotated over (one per character or account). */
  readonly paths: (ids: readonly number[]) => string[];
  /** What PostgreSQL alone is given: the ids or accounts the paths name. */
  readonly keys: (ids: readonly number[]) => number[];
}

const ENDPOINTS: Endpoint[] = [
  {
    name: 'GET /api/characters/{id}',
    query: 'byId',
    paths: (ids) => ids.map((id) => `/api/characters/${id}`),
    keys: (ids) => [...ids],
  },
  {
    name: 'GET /api/characters?accountId=',
    query: 'byAccount',
    paths: (ids) => ids.map((_, account) => `/api/characters?accountId=${account}`),
    keys: (ids) => ids.map((_, account) => account),
  },
];

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** A child process whose first stdout line is JSON; resolves with it. */
function firstLine(child: ChildProcess): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const end = out.indexOf('\n');
      if (end !== -1) resolve(JSON.parse(out.slice(0, end)) as Record<string, number>);
    });
    child.once('exit', (code) => reject(new Error(`${child.spawnargs.join(' ')} exited ${code}`)));
  });
}

function tsChild(file: string, args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(here, 'http', file), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

async function waitReady(url: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt++) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} never became ready`);
}

// BENCH_LOADER=node uses the Node client even where wrk is installed.
const hasWrk = existsSync('/usr/bin/wrk') && process.env.BENCH_LOADER !== 'node';

/** Requests/s of `paths` on `base`, CONCURRENCY connections, from its own process. */
async function load(base: string, paths: string[], seconds: number): Promise<number> {
  if (!hasWrk) {
    const args = [base, String(CONCURRENCY), String(seconds), paths.join(' '), JSON.stringify(BENCH_HEADERS)];
    return (await firstLine(tsChild('load.ts', args, {}))).rate!;
  }
  const script = path.join(os.tmpdir(), `atlas-ts-wrk-${process.pid}.lua`);
  const headers = Object.entries(BENCH_HEADERS)
    .map(([name, value]) => `wrk.headers["${name}"] = "${value}"`)
    .join('\n');
  await fs.writeFile(
    script,
    `${headers}\nlocal paths = {${paths.map((p) => `"${p}"`).join(',')}}\nlocal i = 0\n` +
      'request = function()\n  i = i + 1\n  return wrk.format(nil, paths[i % #paths + 1])\nend\n',
  );
  const { stdout } = await run('wrk', ['-t1', `-c${CONCURRENCY}`, `-d${seconds}s`, '-s', script, base]);
  if (/Non-2xx/.test(stdout) || /Socket errors/.test(stdout)) throw new Error(`${base}: ${stdout}`);
  return Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)![1]);
}

async function postgresAlone(url: string, query: QueryName, keys: number[], seconds: number) {
  const args = [query, String(CONCURRENCY), String(seconds), keys.join(',')];
  return (await firstLine(tsChild('postgres.ts', args, { DATABASE_URL: url }))).rate!;
}

async function seed(base: string): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < CHARACTERS; i++) {
    const response = await fetch(`${base}/api/characters`, {
      method: 'POST',
      headers: { ...BENCH_HEADERS, 'content-type': 'application/json' },
      body: JSON.stringify({
        data: { type: 'characters', attributes: { accountId: i, worldId: 0, name: `Bench${i}`, level: 10 } },
      }),
    });
    if (response.status !== 201) throw new Error(`seeding: ${response.status} ${await response.text()}`);
    ids.push(Number(((await response.json()) as { data: { id: string } }).data.id));
  }
  return ids;
}

function spread(values: number[]): string {
  const m = median(values);
  return `±${Math.round(((Math.max(...values) - Math.min(...values)) / 2 / m) * 100)}%`;
}

async function main(): Promise<void> {
  if (!existsSync(path.join(root, 'dist/main.js'))) throw new Error('run `npm run build` first');
  const dataDir = path.join(os.tmpdir(), `atlas-ts-bench-http-${process.pid}-${Date.now()}`);
  const database = await startEmbeddedPostgres({ dataDir, port: 0, logger: createLogger('silent') });
  const url = database.url();
  const children: ChildProcess[] = [];
  try {
    const port = 20_000 + (process.pid % 20_000);
    // BENCH_CPU_PROF=<dir>: the service writes a CPU profile there when it stops (node --cpu-prof).
    const profile = process.env.BENCH_CPU_PROF
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
      : [];
    const service = spawn(process.execPath, [...profile, path.join(root, 'dist/main.js')], {
      env: {
        ...process.env,
        SERVICES: 'character',
        DATABASE_URL: url,
        REST_PORT: String(port),
        LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(service);
    const serviceUrl = `http://127.0.0.1:${port}`;
    await waitReady(serviceUrl);
    const bare = tsChild('bare.ts', [], { DATABASE_URL: url });
    children.push(bare);
    const bareUrl = `http://127.0.0.1:${(await firstLine(bare)).port}`;
    const ids = await seed(serviceUrl);
    process.stdout.write(
      `character REST, from outside: ${os.cpus().length} CPUs, ${CONCURRENCY} connections, load by ` +
        `${hasWrk ? 'wrk' : 'a Node client (apt-get install wrk for lighter load)'}, ` +
        `median of ${ROUNDS} rounds of ${SECONDS} s (± half the spread of the rounds)\n`,
    );
    const only = process.env.BENCH_ONLY; // a query name (byId, byAccount): that endpoint alone
    for (const endpoint of ENDPOINTS.filter((e) => !only || e.query === only)) {
      const paths = endpoint.paths(ids);
      await load(serviceUrl, paths, 1);
      await load(bareUrl, paths, 1);
      const ours: number[] = [];
      const bares: number[] = [];
      const alone: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        // The order turns each round, so that a neighbour's burst does not always fall on the same one.
        const steps = [
          async () => ours.push(await load(serviceUrl, paths, SECONDS)),
          async () => bares.push(await load(bareUrl, paths, SECONDS)),
          async () => alone.push(await postgresAlone(url, endpoint.query, endpoint.keys(ids), SECONDS)),
        ];
        for (let step = 0; step < steps.length; step++) await steps[(round + step) % steps.length]!();
      }
      // Ratios are taken within each round (its three runs are neighbours in time), then their median.
      const ratio = (baseline: number[]) => median(ours.map((o, round) => o / baseline[round]!)).toFixed(2);
      process.stdout.write(
        `${endpoint.name.padEnd(32)} service ${fmt(median(ours))} req/s ${spread(ours)}` +
          ` | bare Fastify+pg ${fmt(median(bares))} ${spread(bares)} (${ratio(bares)}×)` +
          ` | PostgreSQL alone ${fmt(median(alone))} q/s ${spread(alone)} (${ratio(alone)}×)\n`,
      );
    }
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      children.map((child) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : null)),
    );
    await database.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

await main();
