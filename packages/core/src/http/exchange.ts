import { ConnectorError } from '../errors/errors.js';
import { redact } from '../errors/redact.js';

/** One HTTP exchange as the pipeline saw it: what the answer-checking and error mapping read. */
export interface Answer {
  method: string;
  url: URL;
  status: number;
  headers: Headers;
  /** The whole body, read within the timeout and the size cap. */
  body: Uint8Array;
  /** `body` as UTF-8 text. */
  text: string;
}

export interface ExchangeInput {
  provider: string;
  operation: string;
  url: URL;
  method: string;
  headers: Headers;
  body: Uint8Array | string | undefined;
  /** Added to requests for the call's own origin only. */
  credentials: Record<string, string>;
  timeoutMs: number;
  maxResponseBytes: number;
  /** Aborts the exchange from outside (a lost lock lease, a shutdown): rethrown as it is. */
  signal?: AbortSignal | undefined;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

class Timeout extends Error {
  override name = 'Timeout';
}

/**
 * Send one request and read its whole answer, under the pipeline's rules:
 * - a timeout over the whole exchange, body included, that aborts the socket;
 * - redirects followed only within the origin the request was made to (at most 5); one to another
 *   origin is refused, so a credential, in a header or a body, never travels to another host;
 * - a cap on the answer's size, checked while reading.
 * Every failure is a `ConnectorError`; a status of 4xx or 5xx is not a failure here (the pipeline
 * maps it), an abort from `signal` is rethrown as its reason.
 */
export async function exchange(input: ExchangeInput): Promise<Answer> {
  const timer = new AbortController();
  const timeout = setTimeout(() => timer.abort(new Timeout()), input.timeoutMs);
  const signal = input.signal ? AbortSignal.any([timer.signal, input.signal]) : timer.signal;
  const origin = input.url.origin;
  let url = input.url;
  let method = input.method;
  let body = input.body;
  try {
    for (let hop = 0; ; hop++) {
      // A plain record: `fetch` checks and copies it into its own `Headers` once (a `Headers` made
      // here would be checked, then copied and checked again). `Headers` gives names lowercased.
      const headers = Object.fromEntries(input.headers);
      for (const [name, value] of Object.entries(input.credentials)) headers[name.toLowerCase()] = value;
      let res: Response;
      try {
        res = await fetch(url, { method, headers, body, redirect: 'manual', signal });
      } catch (err) {
        throw failure(input, err, signal, timer.signal);
      }
      const location = res.headers.get('location');
      if (REDIRECTS.has(res.status) && location) {
        await res.body?.cancel().catch(() => undefined);
        const next = new URL(location, url);
        if (next.origin !== origin) throw redirectRefused(input, next);
        if (hop >= MAX_REDIRECTS) {
          throw new ConnectorError({
            provider: input.provider,
            operation: input.operation,
            code: 'unexpected_response',
            retryable: false,
            message: `more than ${MAX_REDIRECTS} redirects, the last to ${next.pathname}`,
          });
        }
        if (res.status === 303 || (res.status !== 307 && res.status !== 308 && method === 'POST')) {
          method = 'GET';
          body = undefined;
        }
        url = next;
        continue;
      }
      let bytes: Uint8Array;
      try {
        bytes = await readCapped(res, input);
      } catch (err) {
        if (err instanceof ConnectorError) {
          timer.abort(err);
          throw err;
        }
        throw failure(input, err, signal, timer.signal);
      }
      return {
        method,
        url,
        status: res.status,
        headers: res.headers,
        body: bytes,
        text: new TextDecoder().decode(bytes),
      };
    }
  } finally {
    clearTimeout(timeout);
  }
}

async function readCapped(res: Response, input: ExchangeInput): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > input.maxResponseBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw tooLarge(input);
  }
  if (!res.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > input.maxResponseBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(input);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

function tooLarge(input: ExchangeInput): ConnectorError {
  return new ConnectorError({
    provider: input.provider,
    operation: input.operation,
    code: 'unexpected_response',
    retryable: false,
    message: `the answer is larger than ${Math.round(input.maxResponseBytes / 1024)} KiB, vahub's cap: it was not read`,
  });
}

function redirectRefused(input: ExchangeInput, to: URL): ConnectorError {
  return new ConnectorError({
    provider: input.provider,
    operation: input.operation,
    code: 'unexpected_response',
    retryable: false,
    message: `the answer redirected to another host (${to.origin}); vahub never follows a redirect to another origin, so no credential leaves ${input.url.origin}: check the ${input.provider} endpoints in the config (or a proxy in front of them)`,
  });
}

function failure(input: ExchangeInput, err: unknown, signal: AbortSignal, own: AbortSignal): unknown {
  if (own.aborted && own.reason instanceof Timeout) {
    return new ConnectorError({
      provider: input.provider,
      operation: input.operation,
      code: 'timeout',
      message: `no complete answer within ${input.timeoutMs} ms; the connection was closed`,
      cause: err,
    });
  }
  if (signal.aborted && !own.aborted) return signal.reason ?? err;
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : (err as Error).name;
  return new ConnectorError({
    provider: input.provider,
    operation: input.operation,
    code: 'network',
    message: redact(`could not reach ${input.url.host} (${code})`),
    cause: err,
  });
}
