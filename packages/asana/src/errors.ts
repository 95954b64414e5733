import { ConnectorError, parseRetryAfter } from '@vahub/core';

/** The parts of a superagent error (what the asana SDK rejects with) that we read. */
interface HttpFailure {
  status?: unknown;
  code?: unknown;
  timeout?: unknown;
  message?: unknown;
  response?: { status?: unknown; headers?: Record<string, unknown>; body?: unknown; text?: unknown };
}

/** Asana's error bodies are `{errors:[{message, help?, phrase?}]}`. */
export function asanaMessages(body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return [];
  const errors = (body as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return [];
  return errors
    .map((e) => (typeof e === 'object' && e !== null ? (e as { message?: unknown }).message : undefined))
    .filter((m): m is string => typeof m === 'string');
}

/** The HTTP status of an SDK failure, if the server answered at all. */
export function statusOf(err: unknown): number | undefined {
  const e = err as HttpFailure | null;
  const status = e?.response?.status ?? e?.status;
  return typeof status === 'number' ? status : undefined;
}

/** The parsed JSON body of an SDK failure's response. */
export function errorBodyOf(err: unknown): unknown {
  return (err as HttpFailure | null)?.response?.body;
}

/**
 * Turn whatever the SDK (superagent underneath) rejected with into a `ConnectorError`. The original
 * error is deliberately not kept as `cause`: superagent errors carry the request, and with it the
 * `Authorization` header.
 */
export function toConnectorError(err: unknown, operation: string, now: number = Date.now()): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const e = (err ?? {}) as HttpFailure;
  const status = statusOf(err);
  if (status === undefined) {
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (!e.timeout && !code) {
      // Not a network failure: the request could not even be built (a bug, not a blip).
      const reason = typeof e.message === 'string' ? e.message : String(err);
      return new ConnectorError({
        provider: 'asana',
        operation,
        code: 'failed',
        retryable: false,
        message: `request not sent: ${reason}`,
      });
    }
    return new ConnectorError({
      provider: 'asana',
      operation,
      code: 'network',
      retryable: true,
      message: e.timeout ? 'request timed out' : `network error ${code}`,
    });
  }
  const headers = e.response?.headers ?? {};
  const retryAfter = headers['retry-after'];
  const messages = asanaMessages(e.response?.body);
  return new ConnectorError({
    provider: 'asana',
    operation,
    status,
    retryAfterMs: parseRetryAfter(typeof retryAfter === 'string' ? retryAfter : undefined, now),
    message: messages[0] ?? `unexpected HTTP ${status}`,
    details: messages.slice(1),
  });
}

/** An answer that arrived but does not have the shape Asana documents. Not retryable: it will not change. */
export function unexpectedResponse(operation: string, problem: string): ConnectorError {
  return new ConnectorError({
    provider: 'asana',
    operation,
    code: 'unexpected_response',
    retryable: false,
    message: `unexpected response: ${problem}`,
  });
}

/**
 * A task that sits in projects of two or more clients. vahub does not guess whose it is: it reports
 * it and leaves it alone until the VA moves it (or fixes the config).
 */
export class AmbiguousTaskClientError extends ConnectorError {
  readonly taskId: string;
  readonly clientIds: readonly string[];
  constructor(init: { operation: string; taskId: string; clientIds: readonly string[] }) {
    super({
      provider: 'asana',
      operation: init.operation,
      code: 'conflict',
      retryable: false,
      message: `task ${init.taskId} is in projects of several clients (${init.clientIds.join(', ')}): move it to one client's projects`,
      details: [...init.clientIds],
    });
    this.taskId = init.taskId;
    this.clientIds = init.clientIds;
  }
}
