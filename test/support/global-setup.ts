import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/platform/db/embedded.js';
import { createLogger } from '../../src/platform/logging.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

/**
 * One real PostgreSQL for the whole run (embedded, fsync off); each test file makes its own database on it.
 * TEST_DATABASE_URL points the suite at an existing server instead.
 */
export default async function setup(project: TestProject) {
  const external = process.env.TEST_DATABASE_URL;
  if (external) {
    project.provide('postgresUrl', external);
    return;
  }
  const dataDir = path.join(os.tmpdir(), `atlas-ts-test-pg-${process.pid}`);
  const server = await startEmbeddedPostgres({ dataDir, port: 0, logger: createLogger('warn'), fast: true });
  project.provide('postgresUrl', server.url());
  return async () => {
    await server.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  };
}
