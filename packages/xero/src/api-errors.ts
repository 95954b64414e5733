import {
  type Answer,
  ConnectorError,
  type ConnectorErrorInit,
  isConnectorError,
  parseRetryAfter,
  ReconnectRequiredError,
  readJson,
  type VendorReading,
} from '@vahub/core';
import { z } from 'zod';

const xeroError = z
  .object({
    Message: z.string().nullish(),
    Detail: z.string().nullish(),
    Title: z.string().nullish(),
    Elements: z
      .array(
        z
          .object({
            ValidationErrors: z.array(z.object({ Message: z.string() }).passthrough()).optional(),
          })
          .passthrough(),
      )
      .optional(),
  })
  .passthrough();

/** Xero's own messages in an error body: every `Elements[].ValidationErrors[].Message`, else its Message/Detail. */
export function xeroMessages(body: unknown): string[] {
  const parsed = xeroError.safeParse(body);
  if (!parsed.success) return typeof body === 'string' && body.length > 0 ? [body] : [];
  const validation = (parsed.data.Elements ?? []).flatMap((e) =>
    (e.ValidationErrors ?? []).map((v) => v.Message),
  );
  if (validation.length > 0) return [...new Set(validation)];
  return [parsed.data.Message, parsed.data.Detail, parsed.data.Title].filter(
    (m): m is string => typeof m === 'string' && m.length > 0,
  );
}

export type XeroLimitName = 'minute' | 'day' | 'concurrent' | 'appminute' | 'unknown';

function limitName(value: string | null | undefined): XeroLimitName {
  const v = (value ?? '').toLowerCase();
  return v === 'minute' || v === 'day' || v === 'concurrent' || v === 'appminute' ? v : 'unknown';
}

function rateLimitMessage(limit: XeroLimitName, retryAfterMs: number | undefined): string {
  const wait = retryAfterMs === undefined ? '' : `, retry after ${Math.ceil(retryAfterMs / 1000)} s`;
  return `Xero's ${limit} rate limit was hit${wait}`;
}

const RECONNECT = 'reconnect Xero with `vahub connect xero`';

/**
 * What a failed Accounting API (or connections) answer means in Xero's words: which limit a 429 hit
 * (`X-Rate-Limit-Problem`), the validation messages of a 400, an organisation outside the grant.
 */
export function describeApiAnswer(answer: Answer): VendorReading {
  const messages = xeroMessages(readJson(answer) ?? (answer.text.trim() || undefined));
  switch (answer.status) {
    case 429: {
      const limit = limitName(answer.headers.get('x-rate-limit-problem'));
      const retryAfterMs = parseRetryAfter(answer.headers.get('retry-after'));
      return {
        code: 'rate_limited',
        retryable: true,
        retryAfterMs,
        message: rateLimitMessage(limit, retryAfterMs),
        details: [`limit: ${limit}`],
      };
    }
    case 401:
      return {
        code: 'reconnect_required',
        retryable: false,
        message: `Xero refused the access token even after a refresh: ${RECONNECT}`,
      };
    case 403:
      return {
        code: 'reconnect_required',
        retryable: false,
        message: `vahub may not act on this organisation (${messages[0] ?? 'forbidden'}): ${RECONNECT} and include it`,
        details: messages,
      };
    case 400:
      return {
        code: 'validation',
        message: messages.length > 0 ? `Xero refused it: ${messages.join('; ')}` : 'Xero refused it',
        details: messages,
      };
    default:
      return {
        message: `Xero answered HTTP ${answer.status}${messages[0] ? `: ${messages[0]}` : ''}`,
        details: messages,
      };
  }
}

const oauthError = z.object({ error: z.string(), error_description: z.string().optional() });

/** What a failed answer of Xero's identity server (token, revocation) means. */
export function describeIdentityAnswer(answer: Answer): VendorReading {
  const parsed = oauthError.safeParse(readJson(answer));
  if (!parsed.success) return { message: `Xero answered HTTP ${answer.status}`, details: [] };
  const { error, error_description: description } = parsed.data;
  if (error === 'invalid_grant') {
    return {
      code: 'reconnect_required',
      retryable: false,
      message: `Xero refused the grant (invalid_grant): it was revoked, unused for 60 days, or its refresh token was already rotated; ${RECONNECT}`,
    };
  }
  if (error === 'invalid_client' || error === 'unauthorized_client') {
    return {
      code: 'reconnect_required',
      retryable: false,
      message: `Xero refused vahub's client credentials (${error}): check XERO_CLIENT_ID and XERO_CLIENT_SECRET, then ${RECONNECT}`,
    };
  }
  return { message: `Xero answered ${error}`, details: [error, description ?? ''].filter(Boolean) };
}

/** A 429 from Xero: which limit was hit (`X-Rate-Limit-Problem`) and how long to wait (`Retry-After`). */
export class XeroRateLimitError extends ConnectorError {
  // Keeps the base name so `isConnectorError` matches it across a job boundary too.
  override name = 'ConnectorError';
  readonly limit: XeroLimitName;
  constructor(init: Omit<ConnectorErrorInit, 'code' | 'message'> & { limit: XeroLimitName }) {
    super({
      ...init,
      code: 'rate_limited',
      retryable: true,
      message: rateLimitMessage(init.limit, init.retryAfterMs),
      details: [`limit: ${init.limit}`, ...(init.details ?? [])],
    });
    this.limit = init.limit;
  }
}

/**
 * The pipeline's error for an Accounting API call, in Xero's terms: a 429 becomes a
 * `XeroRateLimitError` naming the limit, a 403 names the organisation vahub may not act on.
 */
export function inTenantTerms(err: unknown, tenantId: string): unknown {
  if (!isConnectorError(err)) return err;
  if (err.status === 429) {
    const named = err.details.find((d) => d.startsWith('limit: '))?.slice('limit: '.length);
    return new XeroRateLimitError({
      provider: err.provider,
      operation: err.operation,
      status: 429,
      limit: limitName(named),
      retryAfterMs: err.retryAfterMs,
      cause: err,
    });
  }
  if (err.status === 403) {
    return new ReconnectRequiredError({
      provider: err.provider,
      operation: err.operation,
      status: 403,
      message: `vahub may not act on the organisation ${tenantId} (${err.details[0] ?? 'forbidden'}): ${RECONNECT} and include it`,
      details: err.details,
      cause: err,
    });
  }
  return err;
}
