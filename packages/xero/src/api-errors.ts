import {
  ConnectorError,
  type ConnectorErrorInit,
  parseRetryAfter,
  ReconnectRequiredError,
} from '@vahub/core';
import { z } from 'zod';

/** What a failed xero-node call says, once its rejection (a JSON string, not an Error) is read. */
export interface XeroFailure {
  /** 0 when no answer came (network). */
  status: number;
  body: unknown;
  headers: Record<string, string>;
  /** Set when the rejection was something other than an HTTP answer (a thrown Error). */
  thrown: string | null;
}

const rejection = z.object({
  response: z
    .object({
      statusCode: z.number().optional(),
      status: z.number().optional(),
      body: z.unknown().optional(),
      data: z.unknown().optional(),
      headers: z.record(z.string(), z.unknown()).optional(),
    })
    .passthrough(),
  body: z.unknown().optional(),
});

function flatHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (typeof v === 'string' || typeof v === 'number') out[k.toLowerCase()] = String(v);
  }
  return out;
}

/**
 * Read whatever xero-node rejected with: its generated APIs reject with
 * `JSON.stringify({ response: { statusCode, body, headers, request }, body })` for HTTP errors, with
 * `{ response, body }` for a non-2xx that axios let through, and throw plain Errors for missing
 * arguments.
 */
export function readRejection(reason: unknown): XeroFailure {
  let value: unknown = reason;
  if (typeof reason === 'string') {
    try {
      value = JSON.parse(reason);
    } catch {
      return { status: 0, body: null, headers: {}, thrown: reason };
    }
  }
  const parsed = rejection.safeParse(value);
  if (parsed.success) {
    const r = parsed.data.response;
    const status = r.statusCode ?? r.status ?? 0;
    const body = r.body ?? r.data ?? parsed.data.body ?? null;
    const headers = flatHeaders(
      typeof (r.headers as { toJSON?: unknown } | undefined)?.toJSON === 'function'
        ? (r.headers as { toJSON: () => Record<string, unknown> }).toJSON()
        : r.headers,
    );
    return { status, body, headers, thrown: status === 0 && typeof body === 'string' ? body : null };
  }
  const message = reason instanceof Error ? reason.message : 'unrecognised rejection';
  return { status: 0, body: null, headers: {}, thrown: message };
}

const xeroError = z
  .object({
    ErrorNumber: z.number().optional(),
    Type: z.string().nullish(),
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

/** A 429 from Xero: which limit was hit (`X-Rate-Limit-Problem`) and how long to wait (`Retry-After`). */
export class XeroRateLimitError extends ConnectorError {
  // Keeps the base name so `isConnectorError` matches it across a job boundary too.
  override name = 'ConnectorError';
  readonly limit: XeroLimitName;
  constructor(init: Omit<ConnectorErrorInit, 'code' | 'message'> & { limit: XeroLimitName }) {
    const wait =
      init.retryAfterMs === undefined ? '' : `, retry after ${Math.ceil(init.retryAfterMs / 1000)} s`;
    super({
      ...init,
      code: 'rate_limited',
      retryable: true,
      message: `Xero's ${init.limit} rate limit was hit${wait}`,
      details: [`limit: ${init.limit}`, ...(init.details ?? [])],
    });
    this.limit = init.limit;
  }
}

function limitName(value: string | undefined): XeroLimitName {
  const v = (value ?? '').toLowerCase();
  return v === 'minute' || v === 'day' || v === 'concurrent' || v === 'appminute' ? v : 'unknown';
}

/** Turn a failure into the typed error the rest of vahub acts on. It carries Xero's messages, never a token. */
export function toConnectorError(operation: string, failure: XeroFailure, tenantId?: string): ConnectorError {
  const { status } = failure;
  if (status === 0) {
    return new ConnectorError({
      provider: 'xero',
      operation,
      code: 'network',
      message: `no answer from Xero: ${failure.thrown ?? 'the request failed'}`,
    });
  }
  const messages = xeroMessages(failure.body);
  if (status === 429) {
    return new XeroRateLimitError({
      provider: 'xero',
      operation,
      status,
      limit: limitName(failure.headers['x-rate-limit-problem']),
      retryAfterMs: parseRetryAfter(failure.headers['retry-after']),
    });
  }
  if (status === 401) {
    return new ReconnectRequiredError({
      provider: 'xero',
      operation,
      status,
      message: 'Xero refused the access token even after a refresh: reconnect Xero with `vahub connect xero`',
    });
  }
  if (status === 403) {
    const which = tenantId ? `the organisation ${tenantId}` : 'this organisation';
    return new ReconnectRequiredError({
      provider: 'xero',
      operation,
      status,
      message: `vahub may not act on ${which} (${messages[0] ?? 'forbidden'}): reconnect Xero with \`vahub connect xero\` and include it`,
    });
  }
  const summary =
    status === 400 && messages.length > 0
      ? `Xero refused it: ${messages.join('; ')}`
      : `Xero answered HTTP ${status}${messages[0] ? `: ${messages[0]}` : ''}`;
  return new ConnectorError({ provider: 'xero', operation, status, message: summary, details: messages });
}
