import { type ConnectorError, isConnectorError, isReconnectRequired } from '@vahub/core';

/** What to do with a job whose handler failed. */
export type JobFailure =
  /** Try again after the job's backoff (exponential, with jitter); counts as a try. */
  | { kind: 'retry'; reason: string }
  /** A rate limit said how long to wait: wait exactly that, without counting a try. */
  | { kind: 'wait'; delayMs: number; reason: string }
  /** It will never succeed as things are: stop, and tell a person what to fix. */
  | { kind: 'park'; reason: string };

const MAX_REASON = 1_000;

function named(err: unknown, name: string): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === name;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function bound(text: string): string {
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text;
}

/** A connector error's message with the vendor's own words (validation messages), which say what to fix. */
function withDetails(error: ConnectorError): string {
  const details = error.details.filter((d) => !error.message.includes(d)).slice(0, 5);
  return details.length ? `${error.message} (${details.join('; ')})` : error.message;
}

/**
 * Sort a handler's failure. Matched by `name` as well as by class, so errors keep their meaning
 * across a process boundary:
 * - a revoked grant (`ReconnectRequiredError`) and bad config (`ConfigError`) park the job: only a
 *   person can fix them, and retrying would only hide the message;
 * - a `ConnectorError` that is not retryable (a 400 for an unknown account code, a 403) parks it too;
 * - a rate limit or quota with `retryAfterMs` waits exactly that long, and a try is not spent;
 * - any other failure (5xx, network, timeouts, Redis, a bug) is retried with backoff until the job's
 *   tries run out.
 */
export function classifyJobError(err: unknown): JobFailure {
  if (isReconnectRequired(err)) return { kind: 'park', reason: bound(messageOf(err)) };
  if (named(err, 'ConfigError'))
    return {
      kind: 'park',
      reason: bound(`${messageOf(err)}\nFix the config file, then retry the job (\`vahub status\`).`),
    };
  if (named(err, 'UnrecoverableError')) return { kind: 'park', reason: bound(messageOf(err)) };
  if (isConnectorError(err)) {
    if (!err.retryable) return { kind: 'park', reason: bound(withDetails(err)) };
    const limited = err.code === 'rate_limited' || err.code === 'quota_exhausted';
    if (limited && err.retryAfterMs !== undefined && err.retryAfterMs >= 0)
      return { kind: 'wait', delayMs: Math.ceil(err.retryAfterMs), reason: bound(err.message) };
    return { kind: 'retry', reason: bound(err.message) };
  }
  return { kind: 'retry', reason: bound(messageOf(err)) };
}
