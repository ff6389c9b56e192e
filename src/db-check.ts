import { checkDatabase } from './check-database.js';
import { ConfigError, loadConfig } from './platform/config.js';

/** `npm run db:check`: the same environment as `npm start`; exit 0 after printing, 2 on bad configuration. */
async function main(): Promise<void> {
  try {
    process.stdout.write(await checkDatabase(loadConfig(process.env)));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`atlas-ts: configuration error: ${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`atlas-ts: db:check failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  }
}

void main();
