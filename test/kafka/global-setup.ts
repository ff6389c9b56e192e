import { execFileSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import postgres from '../support/global-setup.js';
import { kprodPath } from './support.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaTools: boolean;
  }
}

function missingTools(): string | undefined {
  try {
    execFileSync('kcat', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'kcat (apt-get install kcat)';
  }
  try {
    kprodPath();
  } catch {
    return 'gcc and librdkafka-dev (apt-get install gcc librdkafka-dev)';
  }
  return undefined;
}

/**
 * The Kafka tests run the app against librdkafka's mock cluster and produce with librdkafka: they need kcat,
 * gcc and librdkafka-dev, which `.ci/run` installs and then requires (REQUIRE_KAFKA_TESTS=1). Elsewhere a
 * machine without them reports these tests as skipped, loudly, rather than failing `npm test`.
 */
export default async function setup(project: TestProject) {
  const missing = missingTools();
  if (missing && process.env.REQUIRE_KAFKA_TESTS === '1') {
    throw new Error(`the Kafka tests need ${missing}`);
  }
  if (missing) {
    process.stderr.write(`\n*** Kafka tests SKIPPED: this machine lacks ${missing}. CI runs them. ***\n\n`);
  }
  project.provide('kafkaTools', missing === undefined);
  return postgres(project);
}
