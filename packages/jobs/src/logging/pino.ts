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

// Field names that may carry a secret, whatever logged them: their values are censored at any
// depth, in any case ("Authorization" too), even if a caller slips.
const SECRET_FIELDS = [
  'token',
  'accessToken',
  'refreshToken',
  'secret',
  'password',
  'authorization',
  'cookie',
  'x-hook-secret',
  // The same secrets as vendors and OAuth name them, should a raw body or error be logged.
  'access_token',
  'refresh_token',
  'id_token',
  'client_secret',
  'api_token',
  'apiKey',
  'api_key',
  'encryptionKey',
];
const SECRET_KEYS = new Set(SECRET_FIELDS.map((f) => f.toLowerCase()));
const CENSOR = '[redacted]';
// A line that has none of them as a key (nearly every line: the request line has none) is written
// as it is; one test of the finished line costs far less than pino's redaction paths, which walked
// every line's fields for them (~10 of a 13 µs line).
const NAMES_A_SECRET = new RegExp(`"(?:${SECRET_FIELDS.join('|')})"\\s*:`, 'i');

/**
 * The finished line, with the value of every secret field replaced by the censor. Runs on the line
 * as written (bindings, serialized errors and all), so no field can reach the output uncensored.
 */
function censorLine(line: string): string {
  if (!NAMES_A_SECRET.test(line)) return line;
  try {
    const censored = JSON.stringify(JSON.parse(line), (key, value: unknown) =>
      SECRET_KEYS.has(key.toLowerCase()) ? CENSOR : value,
    );
    return `${censored}\n`;
  } catch {
    // Not one JSON line (pino writes nothing else): withhold it rather than risk writing a secret.
    return `${JSON.stringify({ msg: 'a log line was withheld: it could not be checked for secrets' })}\n`;
  }
}

/**
 * The service's logger: pino, one JSON line per event, behind core's `Logger` port (pino's
 * `(fields, message)` calls are the port's own shape).
 */
export function createServiceLogger(options: ServiceLoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      hooks: { streamWrite: censorLine },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination(1),
  );
}
