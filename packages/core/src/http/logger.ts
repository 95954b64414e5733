/** Fields of one structured log line. Never a body, a token or a secret. */
export type LogFields = Record<string, unknown>;

/**
 * The logger port: the subset of pino that vahub uses, so the apps hand in pino and core and the
 * connectors log without depending on it. One line per event, fields first, message second.
 */
export interface Logger {
  debug(fields: LogFields, message: string): void;
  info(fields: LogFields, message: string): void;
  warn(fields: LogFields, message: string): void;
  error(fields: LogFields, message: string): void;
  child(bindings: LogFields): Logger;
}

/** A logger that drops everything: the default where nobody asked for logs. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One logged line, as `MemoryLogger` keeps it. */
export interface LogLine {
  level: LogLevel;
  fields: LogFields;
  message: string;
}

/** Keeps lines in memory: for tests and for commands that print a summary of what was logged. */
export class MemoryLogger implements Logger {
  readonly lines: LogLine[];
  private readonly bindings: LogFields;

  constructor(lines: LogLine[] = [], bindings: LogFields = {}) {
    this.lines = lines;
    this.bindings = bindings;
  }

  debug(fields: LogFields, message: string): void {
    this.push('debug', fields, message);
  }
  info(fields: LogFields, message: string): void {
    this.push('info', fields, message);
  }
  warn(fields: LogFields, message: string): void {
    this.push('warn', fields, message);
  }
  error(fields: LogFields, message: string): void {
    this.push('error', fields, message);
  }
  child(bindings: LogFields): Logger {
    return new MemoryLogger(this.lines, { ...this.bindings, ...bindings });
  }

  private push(level: LogLevel, fields: LogFields, message: string): void {
    this.lines.push({ level, fields: { ...this.bindings, ...fields }, message });
  }
}
