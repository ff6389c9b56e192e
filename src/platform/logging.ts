import { type Logger as PinoLogger, pino } from 'pino';
import type { LogLevel } from './config.js';

export type Logger = PinoLogger;

/** JSON lines on stdout, one per event, with the service name; the level comes from LOG_LEVEL. */
export function createLogger(level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { 'service.name': 'atlas-ts' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination as pino.DestinationStream | undefined,
  );
}
