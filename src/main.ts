import { StartAborted, start } from './app.js';
import { ConfigError } from './platform/config.js';
import { EmbeddedDatabaseError } from './platform/db/embedded.js';

// SIGHUP is the terminal closing: without a handler Node dies at once and leaves the embedded server running.
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * `npm start`: run everything on the configuration from the environment. Ctrl-C, SIGTERM or SIGHUP drains HTTP
 * and the bus, warps transport passengers home, persists positions, stops the embedded database, exits 0.
 */
function main(): void {
  const startUp = new AbortController();
  const starting = start({ signal: startUp.signal });
  starting.catch(failed);
  // Listening from the first moment: a signal during start-up (initdb takes seconds) waits for the start to
  // finish and then stops what it started, instead of killing us with the database server left running.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      process.stderr.write(`atlas-ts: second ${signal}: exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    const force = setTimeout(() => {
      process.stderr.write('atlas-ts: shutdown took longer than 9 s; exiting\n');
      process.exit(1);
    }, 9_000);
    force.unref();
    // During start-up the waits on the broker end now; start() then stops what it started and rejects.
    startUp.abort();
    void starting.then(
      async (app) => {
        app.logger.info({ signal }, 'stopping');
        try {
          await app.close();
          app.logger.info('stopped');
          process.exit(0);
        } catch (error) {
          app.logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        }
        // A failed start is reported by the catch above.
      },
      () => undefined,
    );
  };
  for (const signal of SIGNALS) process.on(signal, () => stop(signal));
}

function failed(error: unknown): never {
  if (error instanceof StartAborted) {
    process.stderr.write('atlas-ts: stopped during start-up\n');
    process.exit(0);
  }
  if (error instanceof ConfigError) {
    process.stderr.write(`atlas-ts: configuration error: ${error.message}\n`);
    process.exit(2);
  }
  // A database that cannot start is an operator's problem with a clear cause: its message says it all.
  const text =
    error instanceof EmbeddedDatabaseError ? error.message : ((error as Error).stack ?? String(error));
  process.stderr.write(`atlas-ts: failed to start: ${text}\n`);
  process.exit(1);
}

main();
