import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import postgres from '../support/global-setup.js';
import { CHROMIUM } from './chromium.js';

declare module 'vitest' {
  export interface ProvidedContext {
    browser: boolean;
  }
}

/**
 * The browser tests drive the console in Debian's headless Chromium: `.ci/run` installs it and requires the
 * tests to run (REQUIRE_BROWSER_TESTS=1). Elsewhere a machine without it reports them as skipped, loudly,
 * rather than failing `npm test`.
 */
export default async function setup(project: TestProject) {
  const present = existsSync(CHROMIUM);
  if (!present && process.env.REQUIRE_BROWSER_TESTS === '1') {
    throw new Error(`the browser tests need ${CHROMIUM} (apt-get install chromium)`);
  }
  if (!present) {
    process.stderr.write(
      `\n*** Browser tests SKIPPED: no ${CHROMIUM} on this machine (apt-get install chromium). CI runs them. ***\n\n`,
    );
  }
  if (present && !existsSync(new URL('../../dist/console/index.html', import.meta.url))) {
    throw new Error('the console is not built: run npm run build (npm test does it first)');
  }
  project.provide('browser', present);
  return postgres(project);
}
