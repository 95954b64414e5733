import type { Logger } from '@vahub/core';
import { type DestinationStream, pino } from 'pino';

export interface ServiceLoggerOptions {
  /** The app's name, on every line. */
  name: string;
  /** @defaultValue `LOG_LEVEL`, else "info" */
  level?: string;
  /** Where lines go. @defaultValue standard output */
  destination?: DestinationStream;
}

// Field names that may carry a secret, whatever logged them: censored even if a caller slips.
const SECRET_FIELDS = [
  'token',
  'accessToken',
  'refreshToken',
  'secret',
  'password',
  'authorization',
  'cookie',
  'headers.authorization',
  'headers.cookie',
  'headers["x-hook-secret"]',
];

/**
 * The service's logger: pino, one JSON line per event, behind core's `Logger` port (pino's
 * `(fields, message)` calls are the port's own shape).
 */
export function createServiceLogger(options: ServiceLoggerOptions): Logger {
  const paths = SECRET_FIELDS.flatMap((f) => [f, `*.${f}`]);
  return pino(
    {
      name: options.name,
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      redact: { paths, censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination(1),
  );
}
