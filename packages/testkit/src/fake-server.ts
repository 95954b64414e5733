import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultSwitch } from './faults.js';
import { firstMatch } from './wait.js';

/** What a fake's handler sees of a request. */
export interface FakeRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  rawBody: Buffer;
  /** The body parsed as JSON, or undefined when empty or not JSON. */
  json: unknown;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is. */
  body?: string | Buffer;
}

export type FakeHandler = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;

/** Runs before the routes; an answer it returns is sent instead of the route's (a 401, say). */
export type FakeGuard = (req: FakeRequest) => FakeResponse | null | Promise<FakeResponse | null>;

/** One request as the fake saw it and answered it: for assertions on what a connector sent. */
export interface LoggedRequest {
  method: string;
  path: string;
  /** The query as an object; a repeated parameter keeps its last value (see `url` for all of them). */
  query: Record<string, string>;
  /** Path and query string exactly as requested, e.g. `/events?a=1&a=2`: for repeated parameters. */
  url: string;
  headers: Record<string, string>;
  body: string;
  json: unknown;
  status: number;
  responseBody: unknown;
  at: number;
  /** The injected fault, when the answer was one (`injected 503`, `timeout`, `stall`…). */
  fault?: string;
}

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: FakeHandler;
}

function compile(path: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const source = path
    .split('/')
    .map((part) => {
      if (part.startsWith(':')) {
        names.push(part.slice(1));
        return '([^/]+)';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { pattern: new RegExp(`^${source}/?$`), names };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The HTTP server every connector's fake is built on: routes with `:params`, a request log, fault
 * switches (429 with Retry-After, 5xx, delays) and an event per request so tests wait on events,
 * never on sleeps. It listens on 127.0.0.1 on a free port.
 */
export class FakeServer extends EventEmitter {
  readonly requests: LoggedRequest[] = [];
  readonly faults = new FaultSwitch();
  private readonly routes: Route[] = [];
  private readonly guards: { paths: RegExp | null; guard: FakeGuard }[] = [];
  private server: Server | null = null;
  private base = '';

  constructor(readonly name: string) {
    super();
  }

  route(method: string, path: string, handler: FakeHandler): this {
    this.routes.push({ method: method.toUpperCase(), ...compile(path), handler });
    return this;
  }

  /** Check every request whose path matches `paths` (all by default) before its route runs. */
  guard(guard: FakeGuard, paths: RegExp | null = null): this {
    this.guards.push({ paths, guard });
    return this;
  }

  /** The base URL, e.g. `http://127.0.0.1:43121`, once started. */
  get url(): string {
    if (!this.base) throw new Error(`${this.name} fake is not started`);
    return this.base;
  }

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(JSON.stringify({ error: `fake ${this.name} crashed: ${(err as Error).message}` }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.base;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Requests whose method and path match. */
  requestsTo(method: string, path: string | RegExp): LoggedRequest[] {
    return this.requests.filter(
      (r) =>
        r.method === method.toUpperCase() && (typeof path === 'string' ? r.path === path : path.test(r.path)),
    );
  }

  /** Resolve with the first request (already logged or still to come) matching `predicate`, within `timeoutMs`. */
  waitForRequest(predicate: (r: LoggedRequest) => boolean, timeoutMs = 5000): Promise<LoggedRequest> {
    return firstMatch({
      emitter: this,
      event: 'request',
      seen: this.requests,
      predicate,
      timeoutMs,
      what: `fake ${this.name}: no matching request`,
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.base);
    const rawBody = await readBody(req);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    }
    const request: FakeRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      params: {},
      query: url.searchParams,
      headers,
      rawBody,
      json: parseJson(rawBody),
    };
    const decision = await this.faults.decide(request);
    if (decision?.kind === 'hang') {
      await this.hang(req, res, decision.holdMs);
      this.log(request, url, req, { status: 0, json: undefined }, '', 'timeout');
      return;
    }
    let response = decision?.kind === 'answer' ? decision.response : null;
    for (const g of this.guards) {
      if (response) break;
      if (!g.paths || g.paths.test(request.path)) response = await g.guard(request);
    }
    if (!response) {
      const route = this.routes.find((r) => r.method === request.method && r.pattern.test(request.path));
      if (route) {
        const match = route.pattern.exec(request.path) ?? [];
        route.names.forEach((name, i) => {
          request.params[name] = decodeURIComponent(match[i + 1] ?? '');
        });
        response = await route.handler(request);
      } else {
        response = {
          status: 404,
          json: { errors: [{ message: `fake ${this.name}: no route ${request.method} ${request.path}` }] },
        };
      }
    }
    const body =
      response.body !== undefined
        ? response.body
        : response.json !== undefined
          ? JSON.stringify(response.json)
          : '';
    const outHeaders: Record<string, string> = { ...response.headers };
    if (
      response.json !== undefined &&
      !Object.keys(outHeaders).some((h) => h.toLowerCase() === 'content-type')
    ) {
      outHeaders['content-type'] = 'application/json; charset=utf-8';
    }
    const fault =
      decision?.kind === 'answer' ? decision.fault : decision?.kind === 'stall' ? 'stall' : undefined;
    res.writeHead(response.status, outHeaders);
    if (decision?.kind === 'stall' && body.length > 1) {
      // Half the body, a pause, then the rest: a vendor that stalls mid-answer.
      const bytes = Buffer.from(body);
      const half = Math.floor(bytes.length / 2);
      res.write(bytes.subarray(0, half));
      await waitOrClose(res, decision.stallMs);
      res.end(bytes.subarray(half));
    } else {
      res.end(body);
    }
    this.log(request, url, req, response, body, fault);
  }

  /** Hold the request with no answer until the client gives up or `holdMs` passes; then drop the connection. */
  private async hang(req: IncomingMessage, res: ServerResponse, holdMs: number): Promise<void> {
    await waitOrClose(res, holdMs);
    req.socket.destroy();
  }

  private log(
    request: FakeRequest,
    url: URL,
    req: IncomingMessage,
    response: FakeResponse,
    body: string | Buffer,
    fault: string | undefined,
  ): void {
    const logged: LoggedRequest = {
      method: request.method,
      path: request.path,
      query: Object.fromEntries(url.searchParams),
      url: req.url ?? '/',
      headers: request.headers,
      body: request.rawBody.toString('utf8'),
      json: request.json,
      status: response.status,
      responseBody: response.json ?? (typeof body === 'string' ? body : body.toString('utf8')),
      at: Date.now(),
      ...(fault ? { fault } : {}),
    };
    this.requests.push(logged);
    this.emit('request', logged);
  }
}

/** Wait `ms`, or less if the client closes the connection first. */
function waitOrClose(res: ServerResponse, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    res.on('close', done);
  });
}
