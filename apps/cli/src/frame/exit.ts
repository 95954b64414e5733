import { ConfigError, isConnectorError, isReconnectRequired } from '@vahub/core';

/**
 * What `vahub`'s exit codes mean, for scripts (also in the README):
 * 0 done, all good; 1 problems found (doctor, check) or the command failed;
 * 2 usage or config error (fix the command line or the config file);
 * 3 a dependency is unreachable (Redis, a vendor's API); 4 a connection needs redoing (`vahub connect`).
 */
export const EXIT = { ok: 0, problems: 1, usage: 2, unreachable: 3, reconnect: 4 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error meant for the person at the terminal: the message says what and how to fix it; no stack. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}

/** The exit code an error stands for, and the line to print for it (never the error object). */
export function describeFailure(err: unknown): { code: ExitCode; message: string } {
  if (err instanceof CliError) return { code: err.exitCode, message: err.message };
  if (err instanceof ConfigError) return { code: EXIT.usage, message: err.message };
  if (isReconnectRequired(err)) return { code: EXIT.reconnect, message: err.message };
  if (isConnectorError(err)) {
    const unreachable = ['network', 'timeout', 'unavailable'].includes(err.code);
    return { code: unreachable ? EXIT.unreachable : EXIT.problems, message: err.message };
  }
  return { code: EXIT.problems, message: err instanceof Error ? err.message : String(err) };
}
