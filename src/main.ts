import { start } from './app.js';
import { ConfigError } from './platform/config.js';

/**
 * `npm start`: run everything on the configuration from the environment. Ctrl-C or SIGTERM drains HTTP and
 * the bus, warps transport passengers home, persists positions, stops the embedded database, exits 0.
 */
async function main(): Promise<void> {
  let app: Awaited<ReturnType<typeof start>>;
  try {
    app = await start();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`atlas-ts: configuration error: ${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`atlas-ts: failed to start: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      app.logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    app.logger.info({ signal }, 'stopping');
    const force = setTimeout(() => {
      app.logger.error('shutdown took longer than 9 s; exiting');
      process.exit(1);
    }, 9_000);
    force.unref();
    app.close().then(
      () => {
        app.logger.info('stopped');
        process.exit(0);
      },
      (error) => {
        app.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
