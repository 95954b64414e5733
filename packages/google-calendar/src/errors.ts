import {
  ConnectorError,
  type ConnectorErrorCode,
  isConnectorError,
  parseRetryAfter,
  ReconnectRequiredError,
} from '@vahub/core';

/** Google's reasons for "slow down": 403 `usageLimits` answers as well as 429s. */
const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);
/** The calendar's own creation quotas: retrying soon does not help. */
const QUOTA_REASONS = new Set(['quotaExceeded', 'dailyLimitExceeded']);
/** Calendar usage limits lift after hours, not seconds: hand the wait to the job queue. */
const QUOTA_WAIT_MS = 60 * 60_000;

/** What vahub reads from a failed Google call (a gaxios error from the SDK or the auth library). */
export interface GoogleFailure {
  status: number | undefined;
  /** `errors[0].reason` of an API error, or the OAuth `error` code (`invalid_grant`). */
  reason: string | undefined;
  message: string;
  retryAfterMs: number | undefined;
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Read status, reason and message from whatever the SDK threw, without keeping the request (it holds the token). */
export function describeFailure(err: unknown): GoogleFailure {
  const e = (err ?? {}) as {
    response?: { status?: unknown; data?: unknown; headers?: unknown };
    message?: unknown;
    code?: unknown;
  };
  const status = typeof e.response?.status === 'number' ? e.response.status : undefined;
  const data = (e.response?.data ?? {}) as Record<string, unknown>;
  let reason: string | undefined;
  let message: string | undefined;
  if (data.error && typeof data.error === 'object') {
    const apiError = data.error as { message?: unknown; errors?: { reason?: unknown; message?: unknown }[] };
    reason = text(apiError.errors?.[0]?.reason);
    message = text(apiError.message) ?? text(apiError.errors?.[0]?.message);
  } else if (typeof data.error === 'string') {
    reason = data.error;
    message = text(data.error_description) ?? data.error;
  }
  if (!message) {
    message =
      status === undefined ? `no answer (${String(e.code ?? e.message ?? 'network error')})` : 'error';
  }
  return {
    status,
    reason,
    message,
    retryAfterMs: parseRetryAfter(headerValue(e.response?.headers, 'retry-after')),
  };
}

export function isRateLimit(failure: Pick<GoogleFailure, 'status' | 'reason'>): boolean {
  return (
    failure.status === 429 ||
    (failure.status === 403 && failure.reason !== undefined && RATE_LIMIT_REASONS.has(failure.reason))
  );
}

function codeOf(failure: GoogleFailure): { code?: ConnectorErrorCode; retryable?: boolean } {
  if (isRateLimit(failure)) return { code: 'rate_limited', retryable: true };
  if (failure.status === 403 && failure.reason && QUOTA_REASONS.has(failure.reason)) {
    return { code: 'quota_exhausted', retryable: true };
  }
  return {};
}

/**
 * Turn an SDK failure into a `ConnectorError`. The original error is not kept as `cause`: gaxios
 * errors carry the request, whose headers hold the bearer token.
 */
export function toConnectorError(
  err: unknown,
  operation: string,
  /** The wait to suggest for a rate limit when Google named none (it rarely does for 403s). */
  suggestedWaitMs?: number,
): ConnectorError {
  if (isConnectorError(err)) return err;
  const failure = describeFailure(err);
  const detail = failure.reason ? `${failure.reason}: ${failure.message}` : failure.message;
  const kind = codeOf(failure);
  const named = failure.retryAfterMs;
  const wait =
    kind.code === 'rate_limited'
      ? (named ?? suggestedWaitMs)
      : kind.code === 'quota_exhausted'
        ? (named ?? QUOTA_WAIT_MS)
        : named;
  return new ConnectorError({
    provider: 'google',
    operation,
    status: failure.status,
    ...kind,
    retryAfterMs: wait,
    message: detail,
  });
}

export function reconnectGoogle(operation: string, why: string): ReconnectRequiredError {
  return new ReconnectRequiredError({
    provider: 'google',
    operation,
    message: `${why}: reconnect Google with \`vahub connect google\``,
  });
}

/** Errors of the OAuth token endpoint: a dead grant needs the VA, a refused client needs the config. */
export function toOAuthError(err: unknown, operation: string): ConnectorError {
  if (isConnectorError(err)) return err;
  const failure = describeFailure(err);
  if (failure.reason === 'invalid_grant') {
    return reconnectGoogle(operation, `Google refused the grant (invalid_grant: ${failure.message})`);
  }
  if (failure.reason === 'invalid_client' || failure.reason === 'unauthorized_client') {
    return new ConnectorError({
      provider: 'google',
      operation,
      status: failure.status,
      code: 'validation',
      retryable: false,
      message: `Google refused the OAuth client (${failure.reason}): check auth.google.clientId and clientSecret`,
    });
  }
  return toConnectorError(err, operation);
}
