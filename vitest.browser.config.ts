import { defineConfig } from 'vitest/config';

// The console in headless Chromium (Debian's chromium, driven by playwright-core), against the app on loopback
// with a ManualClock. One browser per file; files one at a time, so that two Chromiums never share 2 cores.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    globalSetup: ['test/browser/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
