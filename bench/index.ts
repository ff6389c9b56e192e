import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Each benchmark runs in its own process so that one's heap and timers never colour the other's figures.
const here = path.dirname(fileURLToPath(import.meta.url));
let failed = false;
for (const name of [
  'character.ts',
  'http.ts',
  'transports.ts',
  'replicas.ts',
  'kafka.ts',
  'kafka-movement.ts',
]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, name)], {
    stdio: 'inherit',
  });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
