import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The Kafka adapter's tests need kcat: `npm run test:kafka`; the console's need Chromium:
    // `npm run test:browser` (CI runs all three).
    exclude: [...configDefaults.exclude, 'test/kafka/**', 'test/browser/**'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
