import { type Logger as PinoLogger, pino } from 'pino';
import type { LogLevel } from './config.js';
import type { RecentErrors } from './log-ring.js';

export type Logger = PinoLogger;

/**
 * JSON lines on stdout, one per event, with the service name; the level comes from LOG_LEVEL. With `errors`,
 * warn and error lines also go to that ring (the console's recent errors).
 */
export function createLogger(
  level: LogLevel,
  destination?: NodeJS.WritableStream,
  errors?: RecentErrors,
): Logger {
  const out = (destination ?? pino.destination(1)) as pino.DestinationStream;
  const target =
    errors && level !== 'silent'
      ? pino.multistream([
          { level, stream: out },
          { level: 'warn', stream: errors },
        ])
      : out;
  return pino(
    {
      level,
      base: { 'service.name': 'atlas-ts' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    target,
  );
}
