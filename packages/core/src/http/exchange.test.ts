import { createServer, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../errors/errors.js';
import { type ExchangeInput, exchange } from './exchange.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A server on 127.0.0.1 that answers with `listener` and counts the sockets requests came on. */
async function serve(listener: RequestListener) {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    sockets.add(req.socket);
    listener(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/x`), sockets };
}

/** Resolves when `socket` has closed; fails the test if it is still open after `ms`. */
const closedWithin = (socket: Socket | undefined, ms = 2_000) =>
  new Promise<void>((resolve, reject) => {
    if (!socket) return reject(new Error('no socket'));
    if (socket.destroyed) return resolve();
    const bound = setTimeout(() => reject(new Error(`the socket is still open after ${ms} ms`)), ms);
    socket.once('close', () => {
      clearTimeout(bound);
      resolve();
    });
  });

const input = (url: URL, more: Partial<ExchangeInput> = {}): ExchangeInput => ({
  provider: 'demo',
  operation: 'read',
  url,
  method: 'GET',
  headers: new Headers(),
  body: undefined,
  credentials: {},
  timeoutMs: 2_000,
  maxResponseBytes: 1024,
  ...more,
});

describe('exchange, on Node’s HTTP client', () => {
  it('inflates a compressed answer, and caps it by its inflated size', async () => {
    let text = '{"ok":true}';
    const api = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync(text));
    });
    const answer = await exchange(input(api.url));
    expect(answer).toMatchObject({ status: 200, text: '{"ok":true}' });
    expect(answer.headers.get('content-encoding')).toBe('gzip');
    text = JSON.stringify({ big: 'x'.repeat(5000) }); // ~60 bytes compressed, 5 KB inflated
    const error = await exchange(input(api.url)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ code: 'unexpected_response', retryable: false });
  });

  it('reads a connection cut in the middle of the body as a retryable failure, never a short answer', async () => {
    const api = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"items":[');
      setImmediate(() => res.socket?.destroy());
    });
    const error = await exchange(input(api.url)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ code: 'network', retryable: true });
  });

  it('keeps the connection: calls one after another to one origin share a socket', async () => {
    const api = await serve((_req, res) => res.end('{}'));
    for (let i = 0; i < 5; i++) expect((await exchange(input(api.url))).status).toBe(200);
    expect(api.sockets.size).toBe(1);
  });

  it('sends what fetch sent by default unless the call says otherwise, and a body with its length', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const bodies: string[] = [];
    const api = await serve((req, res) => {
      seen.push(req.headers);
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        bodies.push(body);
        res.end('{}');
      });
    });
    await exchange(input(api.url));
    await exchange(
      input(api.url, {
        method: 'POST',
        headers: new Headers({ accept: 'application/json', 'content-type': 'application/json' }),
        body: '{"name":"Zoë"}',
        credentials: { Authorization: 'Bearer t' },
      }),
    );
    expect(seen[0]).toMatchObject({
      accept: '*/*',
      'accept-encoding': 'gzip, deflate, br',
      'user-agent': 'vahub',
    });
    expect(seen[1]).toMatchObject({
      accept: 'application/json',
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength('{"name":"Zoë"}')),
      authorization: 'Bearer t',
    });
    expect(bodies).toEqual(['', '{"name":"Zoë"}']);
  });

  it('cuts the body of a redirect it follows, so a body that never ends holds no connection', async () => {
    let first: Socket | undefined;
    const api = await serve((req, res) => {
      if (req.url === '/ok') return res.end('{}');
      first = req.socket;
      res.writeHead(302, { location: '/ok', 'content-length': '1000000' });
      res.write('x'); // …and never the rest
    });
    expect((await exchange(input(api.url))).status).toBe(200);
    await closedWithin(first);
  });

  it('reads empty compressed answers (204, HEAD, a length of 0) and gzip without its trailer, as fetch did', async () => {
    const full = gzipSync('{"items":[1,2,3]}');
    const api = await serve((req, res) => {
      if (req.url === '/204') res.writeHead(204, { 'content-encoding': 'gzip' });
      else if (req.url === '/empty')
        res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': '0' });
      else if (req.url === '/head') res.writeHead(200, { 'content-encoding': 'gzip' });
      else res.writeHead(200, { 'content-encoding': 'gzip' }).write(full.subarray(0, full.length - 8));
      res.end();
    });
    const at = (path: string, method = 'GET') => exchange(input(new URL(path, api.url), { method }));
    expect(await at('/204', 'DELETE')).toMatchObject({ status: 204, text: '' });
    expect(await at('/empty', 'POST')).toMatchObject({ status: 200, text: '' });
    expect(await at('/head', 'HEAD')).toMatchObject({ status: 200, text: '' });
    expect(await at('/no-trailer')).toMatchObject({ status: 200, text: '{"items":[1,2,3]}' });
  });

  it('fails on a corrupt compressed answer and closes its connection', async () => {
    let socket: Socket | undefined;
    const api = await serve((req, res) => {
      socket = req.socket;
      res.writeHead(200, { 'content-encoding': 'gzip' });
      res.write(gzipSync('{}').subarray(0, 10));
      // A deflate block of the reserved type 3, then more, and never an end.
      res.write(Buffer.alloc(200_000, 0xff));
    });
    const slow = { maxResponseBytes: 1_000_000, timeoutMs: 60_000 };
    const error = await exchange(input(api.url, slow)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    // The inflater's refusal, not the timeout.
    expect(error).toMatchObject({ code: 'network' });
    expect((error as Error).message).toContain('Z_DATA_ERROR');
    await closedWithin(socket);
  });

  it("rethrows the caller's abort as its reason, before the answer or in its body, and closes the socket", async () => {
    const sockets: Socket[] = [];
    const lease = { lost: new AbortController(), early: new AbortController() };
    const reason = {
      lost: new Error('lease lost in the body'),
      early: new Error('lease lost before the answer'),
    };
    const api = await serve((req, res) => {
      sockets.push(req.socket);
      if (req.url === '/early') return lease.early.abort(reason.early);
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"items":['); // …and the rest never
      setImmediate(() => lease.lost.abort(reason.lost));
    });
    const slow = { timeoutMs: 60_000 };
    const early = exchange(input(new URL('/early', api.url), { ...slow, signal: lease.early.signal }));
    await expect(early).rejects.toBe(reason.early);
    const lost = exchange(input(api.url, { ...slow, signal: lease.lost.signal }));
    await expect(lost).rejects.toBe(reason.lost);
    expect(sockets).toHaveLength(2);
    await Promise.all(sockets.map((s) => closedWithin(s)));
    // Already aborted: no request at all.
    await expect(exchange(input(api.url, { signal: lease.lost.signal }))).rejects.toBe(
      lease.lost.signal.reason,
    );
    expect(sockets).toHaveLength(2);
  });

  it("cuts every exchange of one caller's signal with one listener on it, however many run at once", async () => {
    const api = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{'); // …and the rest never
    });
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const job = new AbortController();
      const reason = new Error('shutting down');
      const calls = Array.from({ length: 12 }, () =>
        exchange(input(api.url, { timeoutMs: 60_000, signal: job.signal })).catch((e: unknown) => e),
      );
      await new Promise((resolve) => setImmediate(resolve));
      job.abort(reason);
      expect(await Promise.all(calls)).toEqual(Array.from({ length: 12 }, () => reason));
      // Node's leak warning comes on a later tick, if at all.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('names the network failure when nothing listens', async () => {
    const api = await serve((_req, res) => res.end());
    const closed = servers.pop();
    closed?.close();
    await new Promise((r) => closed?.once('close', r));
    const error = await exchange(input(api.url)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'network', retryable: true });
    expect((error as Error).message).toContain('ECONNREFUSED');
  });
});
