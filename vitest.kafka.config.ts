import { defineConfig } from 'vitest/config';

// The Kafka mode, as deployed: the app on librdkafka's mock cluster, fed and read by librdkafka and kcat.
// One file at a time: each starts brokers and app processes of its own, and they are timing-sensitive.
export default defineConfig({
  test: {
    include: ['test/kafka/**/*.test.ts'],
    globalSetup: ['test/kafka/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
