import { execFileSync } from 'node:child_process';
import type { App } from '../src/app.js';
import { NIL_UUID } from '../src/platform/tenant.js';
import { kprodPath } from '../test/kafka/support.js';

/** The sample tenant's REST headers, as an Atlas Go client sends them. */
export const BENCH_HEADERS = {
  TENANT_ID: '083839c6-c47c-42a6-9585-76492795d123',
  REGION: 'GMS',
  MAJOR_VERSION: '83',
  MINOR_VERSION: '1',
};

/** `count` level-10 characters created over REST (one account each); resolves once the app is idle. */
export async function createCharacters(app: App, count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const response = await fetch(`${app.url}/api/characters`, {
      method: 'POST',
      headers: { ...BENCH_HEADERS, 'content-type': 'application/json' },
      body: JSON.stringify({
        data: { type: 'characters', attributes: { accountId: i, worldId: 0, name: `Bench${i}`, level: 10 } },
      }),
    });
    ids.push(Number(((await response.json()) as { data: { id: string } }).data.id));
  }
  await app.idle();
  return ids;
}

/** The `i`-th movement command of a character, as atlas-channel sends it (no `type`). */
export const movement = (i: number, objectId: number) => ({
  worldId: 0,
  channelId: 1,
  mapId: 100000000,
  instance: NIL_UUID,
  objectId,
  observerId: objectId,
  x: i % 1000,
  y: -(i % 500),
  stance: i % 8,
});

/**
 * Whether the Kafka benchmarks can run here: Debian's kcat (the mock cluster) and the librdkafka producer built
 * with gcc, as the Kafka tests need. Says so when not, under `name`.
 */
export function kafkaToolsPresent(name: string): boolean {
  try {
    execFileSync('kcat', ['-V'], { stdio: 'ignore' });
    kprodPath();
    return true;
  } catch {
    process.stdout.write(`${name}: SKIPPED (needs kcat, gcc and librdkafka-dev, as the Kafka tests do)\n`);
    return false;
  }
}

/** The middle value (the upper one of an even count): rounds alternate on a noisy machine, medians are reported. */
export const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
