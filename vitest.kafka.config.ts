import { defineConfig } from 'vitest/config';

// The Kafka adapter's tests need kcat (librdkafka's mock cluster); `.ci/run` installs it.
export default defineConfig({
  test: {
    include: ['test/kafka/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
