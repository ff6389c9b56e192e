import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { closedCheckout } from './support/closed-checkout.js';
import { createTestDatabase } from './support/database.js';
import { buildAtlasDatabase } from './support/gorm.js';
import { TENANT } from './support/tenant.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Run {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];

function run(env: Record<string, string>, script = 'src/main.ts'): Run {
  return runProcess(['--import', 'tsx', script], ROOT, env);
}

/** `npm start` without the build: the built entry point, run from `cwd`. */
function runFrom(cwd: string, env: Record<string, string>): Run {
  return runProcess(['dist/main.js'], cwd, env);
}

function runProcess(args: string[], cwd: string, env: Record<string, string>): Run {
  // Only what the process needs from the outer environment, so that no Atlas variable of the host leaks in.
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

/** Resolves with the first JSON log line whose msg matches, or rejects if the process exits first. */
function logLine(r: Run, msg: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const check = () => {
      for (const line of r.stdout().split('\n')) {
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as Record<string, unknown>;
        if (entry.msg === msg) {
          r.child.stdout!.off('data', check);
          resolve(entry);
          return;
        }
      }
    };
    r.child.stdout!.on('data', check);
    void r.exit.then(({ code }) => reject(new Error(`exited with ${code} before "${msg}": ${r.stderr()}`)));
    check();
  });
}

/** The directories a run logged it put under /var/lib (the binaries' copy, the data's fallback). */
function placedUnderVarLib(stdout: string): string[] {
  const placed: string[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { to?: string; fallback?: string };
    if (entry.to) placed.push(entry.to);
    if (entry.fallback) placed.push(path.dirname(entry.fallback));
  }
  return placed;
}

/** A run on loopback, on any free port, with its own data directory. */
function localEnv(dataDir: string, services: string): Record<string, string> {
  return { REST_PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, SERVICES: services, LOG_LEVEL: 'info' };
}

afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

describe('the command line (node src/main.ts)', () => {
  it('starts, answers /healthz and stops with exit code 0 on SIGINT', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'atlas-ts-cli-'));
    try {
      const r = run(localEnv(dataDir, 'presence'));
      const listening = await logLine(r, 'atlas-ts listening');
      expect(listening['service.name']).toBe('atlas-ts');
      const port = listening.port as number;
      expect(port).toBeGreaterThan(0);

      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });

      const signalledAt = Date.now();
      r.child.kill('SIGINT');
      const { code } = await r.exit;
      expect(code).toBe(0);
      expect(Date.now() - signalledAt).toBeLessThan(10_000);
      expect(r.stdout()).toContain('"msg":"stopped"');
      expect(r.stderr()).toBe('');
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  }, 20_000);

  it('a SIGHUP during start-up (the terminal closed while initdb ran) still ends in a clean stop', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'atlas-ts-cli-'));
    try {
      const r = run(localEnv(dataDir, 'presence'));
      await logLine(r, 'initialising embedded PostgreSQL');
      r.child.kill('SIGHUP');
      const { code, signal } = await r.exit;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      // Start-up is cut short: what was started is stopped, and no service is started after the signal.
      expect(r.stderr()).toContain('stopped during start-up');
      expect(r.stdout()).not.toContain('atlas-ts listening');
      await expect(fs.access(path.join(dataDir, 'postgres', 'postmaster.pid'))).rejects.toThrow();
      await expect(fs.access(path.join(dataDir, 'postgres.owner'))).rejects.toThrow();
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  }, 30_000);

  it('exits with code 2 and names the variable on a bad configuration', async () => {
    const r = run({ REST_PORT: 'abc' });
    const { code } = await r.exit;
    expect(code).toBe(2);
    expect(r.stderr()).toMatch(/configuration error: REST_PORT: /);
    expect(r.stdout()).not.toContain('listening');
  }, 20_000);

  it('runs the embedded PostgreSQL for one process per data directory and leaves nothing running', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'atlas-ts-cli-'));
    const env = localEnv(dataDir, 'character');
    try {
      const first = run(env);
      const ready = await logLine(first, 'embedded PostgreSQL ready');
      await logLine(first, 'atlas-ts listening');

      // A second start on the same directory is refused and must not disturb the first one's database.
      const second = run(env);
      expect((await second.exit).code).toBe(1);
      expect(second.stderr()).toContain(`in use by process ${first.child.pid}`);

      first.child.kill('SIGTERM');
      expect((await first.exit).code).toBe(0);
      expect(first.stdout()).not.toContain('outbox relay failed');
      // The server's own lock file is gone once it stopped: no orphan holds the directory.
      await expect(fs.access(path.join(dataDir, 'postgres', 'postmaster.pid'))).rejects.toThrow();
      expect(ready.port).toBeGreaterThan(0);
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('a database that cannot start is one clear line on stderr and exit code 1', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'atlas-ts-cli-'));
    try {
      // DATA_DIR under a regular file: nothing can be created there, whoever we are.
      await fs.writeFile(path.join(dir, 'file'), '');
      const r = run(localEnv(path.join(dir, 'file', 'data'), 'character'));
      expect((await r.exit).code).toBe(1);
      expect(r.stderr()).toMatch(
        /^atlas-ts: failed to start: the embedded PostgreSQL could not start: .*ENOTDIR/,
      );
      expect(r.stderr().trim().split('\n')).toHaveLength(1);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 20_000);

  const asRoot = process.getuid?.() === 0;
  it.skipIf(!asRoot)(
    // Skipped unless root: only root runs PostgreSQL as another user, whose reach is what this is about.
    'as root, `npm start` from a checkout in a directory closed to others serves requests and stops cleanly',
    async () => {
      const checkout = await closedCheckout(ROOT);
      let r: Run | undefined;
      try {
        r = runFrom(checkout.dir, { REST_PORT: '0', HOST: '127.0.0.1', SERVICES: 'character' });
        const listening = await logLine(r, 'atlas-ts listening');
        const base = `http://127.0.0.1:${listening.port as number}`;
        const headers = {
          TENANT_ID: '083839c6-c47c-42a6-9585-76492795d123',
          REGION: 'GMS',
          MAJOR_VERSION: '83',
          MINOR_VERSION: '1',
        };
        // A request that reaches the database: the server really runs from the relocated binaries.
        const list = await fetch(`${base}/api/characters`, { headers });
        expect(list.status).toBe(200);
        const copied = await logLine(
          r,
          'the postgres user cannot reach the PostgreSQL binaries (a parent is closed to others); copying them',
        );
        const moved = await logLine(
          r,
          'the postgres user cannot reach the data directory (a parent is closed to others); using the fallback',
        );
        expect(path.dirname(moved.fallback as string)).toMatch(/^\/var\/lib\/atlas-ts\/[0-9a-f]{12}$/);
        expect(copied.to).toMatch(/^\/var\/lib\/atlas-ts\/native\//);
        r.child.kill('SIGTERM');
        expect((await r.exit).code).toBe(0);
        expect(r.stderr()).toBe('');
      } finally {
        await checkout.remove(r ? placedUnderVarLib(r.stdout()) : []);
      }
    },
    90_000,
  );
});

describe('on an adopted Atlas database', () => {
  it('warns once at start-up about each group of legacy rows that break a rule, naming tenant, rule and ids', async () => {
    const url = await createTestDatabase();
    await buildAtlasDatabase(url, 'reference');
    const r = run({
      REST_PORT: '0',
      HOST: '127.0.0.1',
      SERVICES: 'character',
      LOG_LEVEL: 'info',
      DATABASE_URL: url,
    });
    await logLine(r, 'atlas-ts listening');
    r.child.kill('SIGTERM');
    expect((await r.exit).code).toBe(0);
    const warnings = r
      .stdout()
      .split('\n')
      .filter((line) => line.includes('legacy rows break a rule'))
      .map((line) => JSON.parse(line) as { level: string; msg: string; conflict: Record<string, unknown> });
    expect(warnings.map((w) => [w.level, w.conflict.rule, w.conflict.tenantId, w.conflict.ids])).toEqual([
      ['warn', 'name-equal-but-for-case', TENANT.id, [2, 3]],
      ['warn', 'several-open-sessions', TENANT.id, [2, 3]],
      ['warn', 'several-open-sessions', TENANT.id, [5, 6]],
      ['warn', 'saved-location-of-deleted-character', TENANT.id, ['b0b0b0b0-0000-4000-8000-000000000050']],
    ]);
    expect(warnings[0]!.msg).toBe(
      `legacy rows break a rule: tenant ${TENANT.id}: names equal but for case (bob, Bob): characters 2, 3`,
    );
  }, 30_000);

  it('db:check prints the plan and the conflicts and exits 0; without an external database it exits 2', async () => {
    const url = await createTestDatabase();
    await buildAtlasDatabase(url, 'head');
    const check = run({ DATABASE_URL: url }, 'src/db-check.ts');
    expect((await check.exit).code).toBe(0);
    expect(check.stderr()).toBe('');
    expect(check.stdout()).toContain('(a dry run: nothing is changed)');
    expect(check.stdout()).toContain('add column characters.map_id');
    expect(check.stdout()).toContain('outbox_entries (Atlas HEAD) holds 2 unsent rows');

    const embedded = run({}, 'src/db-check.ts');
    expect((await embedded.exit).code).toBe(2);
    expect(embedded.stderr()).toContain(
      'configuration error: DATABASE_URL: db:check needs an external database',
    );
  }, 30_000);
});
