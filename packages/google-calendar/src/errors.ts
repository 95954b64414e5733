import {
  type Answer,
  ConnectorError,
  isReconnectRequired,
  parseRetryAfter,
  ReconnectRequiredError,
  readJson,
  type VendorReading,
} from '@vahub/core';
import { GOOGLE, GOOGLE_SECRETS } from './settings.js';

/** Google's reasons for "slow down": 403 `usageLimits` answers as well as 429s. */
const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);
/** The calendar's own creation quotas: retrying soon does not help. */
const QUOTA_REASONS = new Set(['quotaExceeded', 'dailyLimitExceeded']);
/** Calendar usage limits lift after hours, not seconds: hand the wait to the job queue. */
const QUOTA_WAIT_MS = 60 * 60_000;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** `{error:{message, errors:[{reason, message}]}}`: the Calendar API's error body. */
function apiSays(json: unknown): { reason: string | undefined; message: string | undefined } {
  const error = (json as { error?: unknown } | null)?.error;
  if (!error || typeof error !== 'object') return { reason: undefined, message: undefined };
  const e = error as { message?: unknown; errors?: { reason?: unknown; message?: unknown }[] };
  const first = Array.isArray(e.errors) ? e.errors[0] : undefined;
  return { reason: text(first?.reason), message: text(e.message) ?? text(first?.message) };
}

/** Whether a failed API answer is Google asking vahub to slow down. */
export function isRateLimit(status: number, reason: string | undefined): boolean {
  return status === 429 || (status === 403 && reason !== undefined && RATE_LIMIT_REASONS.has(reason));
}

/**
 * What a failed Calendar API answer means, for the pipeline's `describe`: Google's reason and message,
 * and its limits. A 403 `rateLimitExceeded`/`userRateLimitExceeded` is a rate limit like a 429; Google
 * names no wait for them, so `suggestWait` gives vahub's own (doubling per limit in a row, as Google
 * advises). `quotaExceeded` lifts after hours: the job queue waits, not the worker.
 */
export function describeApiAnswer(answer: Answer, suggestWait: () => number): VendorReading {
  const { reason, message } = apiSays(readJson(answer));
  const reading: VendorReading = {};
  if (message) reading.message = reason ? `${reason}: ${message}` : message;
  const named = parseRetryAfter(answer.headers.get('retry-after'));
  if (isRateLimit(answer.status, reason)) {
    return { ...reading, code: 'rate_limited', retryable: true, retryAfterMs: named ?? suggestWait() };
  }
  if (answer.status === 403 && reason && QUOTA_REASONS.has(reason)) {
    return { ...reading, code: 'quota_exhausted', retryable: true, retryAfterMs: named ?? QUOTA_WAIT_MS };
  }
  return reading;
}

export function reconnectGoogle(operation: string, why: string, status?: number): ReconnectRequiredError {
  return new ReconnectRequiredError({
    provider: GOOGLE,
    operation,
    status,
    message: `${why}: reconnect Google with \`vahub connect ${GOOGLE}\``,
  });
}

/**
 * The pipeline's "refused the credentials" after its one refresh, in Google's words: the grant is
 * alive (the refresh worked) yet the API refuses the new token, so only connecting again helps.
 */
export function refusedAfterRefresh(err: unknown, operation: string): unknown {
  if (!isReconnectRequired(err) || err.status !== 401) return err;
  return reconnectGoogle(operation, 'Google refused a freshly refreshed access token', 401);
}

/** The token endpoint's `{error, error_description}` (RFC 6749 §5.2) as a ConnectorError. */
export function oauthFailure(input: { operation: string; status: number; json: unknown }): ConnectorError {
  const body = (input.json ?? {}) as { error?: unknown; error_description?: unknown };
  const error = text(body.error) ?? `HTTP ${input.status}`;
  const description = text(body.error_description);
  if (error === 'invalid_grant') {
    return reconnectGoogle(
      input.operation,
      `Google refused the grant (invalid_grant${description ? `: ${description}` : ''})`,
      input.status,
    );
  }
  if (error === 'invalid_client' || error === 'unauthorized_client') {
    return new ConnectorError({
      provider: GOOGLE,
      operation: input.operation,
      status: input.status,
      code: 'validation',
      retryable: false,
      message: `Google refused the OAuth client (${error}): check auth.google.clientId and clientSecret (${GOOGLE_SECRETS.clientId.env}, ${GOOGLE_SECRETS.clientSecret.env})`,
    });
  }
  return new ConnectorError({
    provider: GOOGLE,
    operation: input.operation,
    status: input.status,
    retryable: false,
    message: description ? `${error}: ${description}` : error,
  });
}

/** A secret the call needs is not configured: name it, and the variable that would hold it. */
export function secretMissing(operation: string, key: keyof typeof GOOGLE_SECRETS): ConnectorError {
  const env = GOOGLE_SECRETS[key].env;
  return new ConnectorError({
    provider: GOOGLE,
    operation,
    code: 'validation',
    retryable: false,
    message: `auth.google.${key} is not configured: set ${env} in the environment (or write ${key}: "\${${env}}" under auth.google in the config)`,
  });
}
