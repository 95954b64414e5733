import {
  type ClientRequest,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { constants, createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
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

/**
 * Kept-alive connections per origin, as `fetch` kept them. Node's HTTP client, not `fetch`: `fetch`
 * cost ~200 µs more CPU per exchange (its web streams, `Request` and `Response`), about a fifth of a
 * job's CPU in the worker (docs/PERFORMANCE.md, "Transport, stop 25"). A free socket is closed after
 * 4 s idle, under the 5 s that Node servers keep one, and when the server's `Keep-Alive` says sooner.
 */
const agents = {
  'http:': new HttpAgent({ keepAlive: true, timeout: 4_000 }),
  'https:': new HttpsAgent({ keepAlive: true, timeout: 4_000 }),
};

/** What `fetch` sent unless told otherwise; `accept-encoding` only what `decoded` inflates. */
const DEFAULT_HEADERS: Readonly<Record<string, string>> = {
  accept: '*/*',
  'accept-encoding': 'gzip, deflate, br',
  'user-agent': 'vahub',
};

/**
 * The requests of one exchange (a redirect makes more than one), cut together: by the exchange's own
 * timeout, by the caller's signal, or as the exchange returns. Not an `AbortController` handed to
 * each request: that cost ~60 µs of CPU per exchange in signals and listeners (an `Error` with its
 * stack made only to be the reason, `AbortSignal.any`, Node's listener on each request).
 */
class Cut {
  /** Why the exchange was cut, once it was: its timeout, or the caller's signal (its reason). */
  by: 'timeout' | 'signal' | null = null;
  private readonly requests: ClientRequest[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    timeoutMs: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.timer = setTimeout(() => this.cut('timeout'), timeoutMs);
    if (signal) watching(signal).add(this);
  }

  /** A request of the exchange: cut at once if the exchange already is. */
  add(request: ClientRequest): void {
    this.requests.push(request);
    if (this.by) request.destroy(CUT);
  }

  cut(by: 'timeout' | 'signal'): void {
    if (this.by) return;
    this.by = by;
    for (const request of this.requests) request.destroy(CUT);
  }

  /**
   * As the exchange returns: whatever of it is still open (a redirect's body still draining, an
   * answer left half read after a failure) is cut, not left holding its socket. A request whose
   * answer ended whole is past destroying (Node marks it so as its socket goes back to the pool).
   */
  close(): void {
    clearTimeout(this.timer);
    if (this.signal) watchers.get(this.signal)?.delete(this);
    for (const request of this.requests) request.destroy();
  }
}

/**
 * The exchanges a caller's signal would cut. One listener per signal, not one per exchange: a job's
 * signal may be handed to many calls at once, and past ten listeners Node warns of a leak.
 */
const watchers = new WeakMap<AbortSignal, Set<Cut>>();

function watching(signal: AbortSignal): Set<Cut> {
  let cuts = watchers.get(signal);
  if (!cuts) {
    const set = new Set<Cut>();
    signal.addEventListener(
      'abort',
      () => {
        for (const cut of set) cut.cut('signal');
      },
      { once: true },
    );
    watchers.set(signal, set);
    cuts = set;
  }
  return cuts;
}

/** What a cut request is destroyed with: made once, `failure` says what it was from `Cut.by`. */
const CUT = new Error('the exchange was cut');

/**
 * Send one request and read its whole answer, under the pipeline's rules:
 * - a timeout over the whole exchange, body included, that aborts the socket;
 * - redirects followed only within the origin the request was made to (at most 5); one to another
 *   origin is refused, so a credential, in a header or a body, never travels to another host;
 * - a cap on the answer's size, checked while reading (after inflating a compressed answer).
 * Every failure is a `ConnectorError`; a status of 4xx or 5xx is not a failure here (the pipeline
 * maps it), an abort from `signal` is rethrown as its reason.
 */
export async function exchange(input: ExchangeInput): Promise<Answer> {
  if (input.signal?.aborted) throw input.signal.reason;
  const cut = new Cut(input.timeoutMs, input.signal);
  const origin = input.url.origin;
  let url = input.url;
  let method = input.method;
  let body = input.body;
  try {
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = { ...DEFAULT_HEADERS };
      for (const [name, value] of input.headers) headers[name] = value;
      for (const [name, value] of Object.entries(input.credentials)) headers[name.toLowerCase()] = value;
      let res: IncomingMessage;
      try {
        res = await send(url, method, headers, body, cut);
      } catch (err) {
        throw failure(input, err, cut);
      }
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (REDIRECTS.has(status) && location) {
        // Drained, so the connection is kept; a reset while draining changes nothing.
        res.on('error', () => undefined).resume();
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
        if (status === 303 || (status !== 307 && status !== 308 && method === 'POST')) {
          method = 'GET';
          body = undefined;
        }
        url = next;
        continue;
      }
      let bytes: Uint8Array;
      try {
        bytes = await readCapped(res, method, input);
      } catch (err) {
        // The cap's own refusal as it is; the connection is cut on the way out (below).
        throw err instanceof ConnectorError ? err : failure(input, err, cut);
      }
      return {
        method,
        url,
        status,
        headers: headersOf(res),
        body: bytes,
        text: utf8.decode(bytes),
      };
    }
  } finally {
    cut.close();
  }
}

const utf8 = new TextDecoder();

/** One request on a kept-alive connection; resolves with the answer's head, its body unread. */
function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Uint8Array | string | undefined,
  cut: Cut,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const agent = agents[url.protocol as keyof typeof agents];
    if (!agent) throw new TypeError(`${url.protocol} is not HTTP`);
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    // The whole body in `end`: Node sends its Content-Length (a POST without one, `0`).
    const req = request(url, { method, headers, agent }, resolve).on('error', reject);
    cut.add(req);
    req.end(body);
  });
}

/** The answer's headers as `fetch` gave them (lower-cased names, repeated ones in order). */
function headersOf(res: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    // Node's parser took it; a value `Headers` refuses is dropped, not a failed call.
    try {
      headers.append(raw[i] as string, raw[i + 1] as string);
    } catch {}
  }
  return headers;
}

/**
 * The body as sent, inflated when the server compressed it, as `fetch` did: leniently (an answer
 * without gzip's trailer is read, as browsers read it), and not at all when there is no body to
 * inflate (HEAD, 204, 304, a length of 0), which an inflater would call a truncated stream.
 */
function decoded(res: IncomingMessage, method: string): Readable {
  const status = res.statusCode ?? 0;
  if (method === 'HEAD' || status === 204 || status === 304 || res.headers['content-length'] === '0')
    return res;
  const encoding = (res.headers['content-encoding'] ?? '').trim().toLowerCase();
  const lenient = { flush: constants.Z_SYNC_FLUSH, finishFlush: constants.Z_SYNC_FLUSH };
  const inflate =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip(lenient)
      : encoding === 'deflate'
        ? createInflate(lenient)
        : encoding === 'br'
          ? createBrotliDecompress({
              flush: constants.BROTLI_OPERATION_FLUSH,
              finishFlush: constants.BROTLI_OPERATION_FLUSH,
            })
          : null;
  if (!inflate) return res;
  res.on('error', (err) => inflate.destroy(err));
  // A corrupt body: the connection goes with it (piping paused the answer; it would hold the socket).
  inflate.on('error', () => res.destroy());
  return res.pipe(inflate);
}

function readCapped(res: IncomingMessage, method: string, input: ExchangeInput): Promise<Uint8Array> {
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > input.maxResponseBytes) {
    res.destroy();
    return Promise.reject(tooLarge(input));
  }
  const stream = decoded(res, method);
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    stream.on('data', (chunk: Uint8Array) => {
      size += chunk.byteLength;
      if (size > input.maxResponseBytes) {
        res.destroy();
        stream.destroy();
        reject(tooLarge(input));
        return;
      }
      chunks.push(chunk);
    });
    stream.on('error', reject);
    // Cut before its end (a stall the timeout aborted, a reset): an error, never a short body.
    res.on('close', () => {
      if (!res.complete) reject(new Error('the connection closed before the answer ended'));
    });
    stream.on('end', () => {
      const out = new Uint8Array(size);
      let at = 0;
      for (const chunk of chunks) {
        out.set(chunk, at);
        at += chunk.byteLength;
      }
      resolve(out);
    });
  });
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

function failure(input: ExchangeInput, err: unknown, cut: Cut): unknown {
  if (cut.by === 'timeout') {
    return new ConnectorError({
      provider: input.provider,
      operation: input.operation,
      code: 'timeout',
      message: `no complete answer within ${input.timeoutMs} ms; the connection was closed`,
      cause: err,
    });
  }
  if (cut.by === 'signal') return input.signal?.reason ?? err;
  const errCode = (err as { code?: unknown }).code;
  const cause = (err as { cause?: { code?: unknown } }).cause;
  const code =
    typeof errCode === 'string'
      ? errCode
      : typeof cause?.code === 'string'
        ? cause.code
        : (err as Error).name;
  return new ConnectorError({
    provider: input.provider,
    operation: input.operation,
    code: 'network',
    message: redact(`could not reach ${input.url.host} (${code})`),
    cause: err,
  });
}
