import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConnectorError } from '../errors/errors.js';
import { bearerAuth } from './auth.js';
import { MemoryLogger } from './logger.js';
import { HttpPipeline, HttpStatusError } from './pipeline.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

/** A bare HTTP server on 127.0.0.1 that records what reached it and counts open sockets. */
async function serve(handler: Handler) {
  const seen: Seen[] = [];
  // Sockets that carried a request: a timed-out exchange must close its own.
  const carriers = new Set<import('node:net').Socket>();
  const server: Server = createServer((req, res) => {
    carriers.add(req.socket);
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
        body,
      });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  servers.push(server);
  return {
    url,
    seen,
    /**
     * Resolves once every socket that carried a request has closed, or rejects after `ms` (idle
     * sockets that the client's pool opened ahead and never used are not counted).
     */
    requestSocketsClosed: (ms = 2000) =>
      new Promise<number>((resolve, reject) => {
        const started = Date.now();
        const check = () => {
          const left = [...carriers].filter((s) => !s.destroyed).length;
          if (left === 0) return resolve(carriers.size);
          if (Date.now() - started > ms) return reject(new Error(`${left} sockets still open`));
          setImmediate(check);
        };
        check();
      }),
  };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

const noSleep = { sleep: async () => undefined, random: () => 0.5 };

describe('HttpPipeline', () => {
  it('adds the credential, refreshes once after a 401 and repeats the call', async () => {
    let valid = 'token-one-111';
    const api = await serve((req, res) =>
      req.headers.authorization === `Bearer ${valid}` ? json(res, 200, { ok: true }) : json(res, 401, {}),
    );
    let refreshes = 0;
    let current = 'token-one-111';
    const tokens = {
      accessToken: async () => current,
      refreshAfterRejection: async () => {
        refreshes += 1;
        current = 'token-two-222';
        return current;
      },
    };
    const pipeline = new HttpPipeline({ provider: 'demo', auth: bearerAuth(tokens), retry: noSleep });
    valid = 'token-two-222';
    const res = await pipeline.request(
      'read',
      { method: 'GET', url: `${api.url}/x` },
      {
        schema: z.object({ ok: z.boolean() }),
      },
    );
    expect(res.data).toEqual({ ok: true });
    expect(refreshes).toBe(1);
    expect(api.seen.map((s) => s.authorization)).toEqual(['Bearer token-one-111', 'Bearer token-two-222']);
  });

  it('refreshes again on the next try when the refresh itself failed (the token endpoint said 503)', async () => {
    const api = await serve((req, res) =>
      req.headers.authorization === 'Bearer token-two-222'
        ? json(res, 200, { ok: true })
        : json(res, 401, {}),
    );
    let current = 'token-one-111';
    let refreshes = 0;
    const tokens = {
      accessToken: async () => current,
      refreshAfterRejection: async () => {
        refreshes += 1;
        if (refreshes === 1)
          throw new ConnectorError({
            provider: 'demo',
            operation: 'refreshToken',
            status: 503,
            code: 'unavailable',
            retryable: true,
            message: 'the token endpoint is down for a moment',
          });
        current = 'token-two-222';
        return current;
      },
    };
    const pipeline = new HttpPipeline({ provider: 'demo', auth: bearerAuth(tokens), retry: noSleep });
    const res = await pipeline.request(
      'read',
      { method: 'GET', url: `${api.url}/x` },
      { schema: z.object({ ok: z.boolean() }) },
    );
    expect(res.data).toEqual({ ok: true });
    expect(refreshes).toBe(2);
    // Not "reconnect" with the rejected token sent again: the grant was fine all along.
    expect(api.seen.map((s) => s.authorization)).toEqual([
      'Bearer token-one-111',
      'Bearer token-one-111',
      'Bearer token-two-222',
    ]);
  });

  it('turns a second 401 into "reconnect", without a third request', async () => {
    const api = await serve((_req, res) => json(res, 401, { errors: [{ message: 'Not Authorized' }] }));
    const pipeline = new HttpPipeline({
      provider: 'demo',
      auth: bearerAuth({
        accessToken: async () => 'abcdef-token',
        refreshAfterRejection: async () => 'abcdef-token',
      }),
      retry: noSleep,
    });
    const error = await pipeline.request('read', { method: 'GET', url: api.url }).catch((e) => e);
    expect(error).toMatchObject({ name: 'ReconnectRequiredError', status: 401, retryable: false });
    expect(error.message).toContain('vahub connect demo');
    expect(error.message).not.toContain('abcdef-token');
    expect(api.seen).toHaveLength(2);
  });

  it('refuses a redirect to another origin: the other host never sees a request', async () => {
    const other = await serve((_req, res) => json(res, 200, { stolen: true }));
    const api = await serve((req, res) => {
      res.writeHead(307, { location: `${other.url}/collect${req.url}` });
      res.end();
    });
    const pipeline = new HttpPipeline({
      provider: 'demo',
      auth: bearerAuth('secret-token-xyz'),
      retry: noSleep,
    });
    const error = await pipeline
      .request('token', {
        method: 'POST',
        url: `${api.url}/token`,
        form: { client_secret: 'shh-secret-value' },
      })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ code: 'unexpected_response', retryable: false });
    expect(error.message).toContain('redirected to another host');
    expect(other.seen).toEqual([]);
    expect(api.seen).toHaveLength(1);
  });

  it('follows a redirect within the origin, with the credential', async () => {
    const api = await serve((req, res) => {
      if (req.url === '/old') {
        res.writeHead(308, { location: '/new' });
        res.end();
      } else json(res, 200, { here: req.url });
    });
    const pipeline = new HttpPipeline({ provider: 'demo', auth: bearerAuth('secret-token-xyz') });
    const res = await pipeline.request(
      'read',
      { method: 'GET', url: `${api.url}/old` },
      {
        schema: z.object({ here: z.string() }),
      },
    );
    expect(res.data).toEqual({ here: '/new' });
    expect(api.seen.map((s) => s.authorization)).toEqual([
      'Bearer secret-token-xyz',
      'Bearer secret-token-xyz',
    ]);
  });

  it('times out a server that never answers, retryably, and closes the socket', async () => {
    const api = await serve(() => undefined);
    const pipeline = new HttpPipeline({
      provider: 'demo',
      timeoutMs: 150,
      retry: { attempts: 2, ...noSleep },
    });
    const error = await pipeline.request('read', { method: 'GET', url: api.url }).catch((e) => e);
    expect(error).toMatchObject({ code: 'timeout', retryable: true });
    expect(api.seen).toHaveLength(2);
    expect(await api.requestSocketsClosed()).toBe(2);
  });

  it('times out an answer that trickles after its headers, and closes the socket', async () => {
    const api = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"a":');
      // …and never the rest.
    });
    const pipeline = new HttpPipeline({ provider: 'demo', timeoutMs: 150, retry: { attempts: 1 } });
    const error = await pipeline.request('read', { method: 'GET', url: api.url }).catch((e) => e);
    expect(error).toMatchObject({ code: 'timeout', retryable: true, provider: 'demo', operation: 'read' });
    expect(await api.requestSocketsClosed()).toBe(1);
  });

  it('reads invalid JSON and a shapeless answer as retryable errors, never as nothing', async () => {
    let mode = 'garbage';
    const api = await serve((_req, res) => {
      if (mode === 'garbage') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"items": [');
      } else json(res, 200, { something: 'else' });
    });
    const pipeline = new HttpPipeline({ provider: 'demo', retry: { attempts: 1 } });
    const schema = z.object({ items: z.array(z.string()) });
    const garbage = await pipeline
      .request('list', { method: 'GET', url: api.url }, { schema })
      .catch((e) => e);
    expect(garbage).toMatchObject({ code: 'unexpected_response', retryable: true });
    expect(garbage.message).toContain('not valid JSON');
    mode = 'shape';
    const shapeless = await pipeline
      .request('list', { method: 'GET', url: api.url }, { schema })
      .catch((e) => e);
    expect(shapeless).toMatchObject({ code: 'unexpected_response', retryable: true });
    expect(shapeless.message).toContain('items');
  });

  it('refuses an answer over the size cap', async () => {
    const api = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ big: 'x'.repeat(5000) }));
    });
    const pipeline = new HttpPipeline({ provider: 'demo', maxResponseBytes: 1024, retry: { attempts: 1 } });
    const error = await pipeline.request('read', { method: 'GET', url: api.url }).catch((e) => e);
    expect(error).toMatchObject({ code: 'unexpected_response', retryable: false });
    expect(error.message).toContain('larger than 1 KiB');
  });

  it('waits out a 429 exactly as long as Retry-After says, then succeeds', async () => {
    let calls = 0;
    const api = await serve((_req, res) => {
      calls += 1;
      if (calls === 1) json(res, 429, { errors: [{ message: 'slow down' }] }, { 'retry-after': '7' });
      else json(res, 200, { ok: true });
    });
    const waits: number[] = [];
    const pipeline = new HttpPipeline({
      provider: 'demo',
      retry: { sleep: async (ms) => void waits.push(ms) },
    });
    await pipeline.request('read', { method: 'GET', url: api.url });
    expect(waits).toEqual([7000]);
  });

  it('retries a non-idempotent request only when the vendor refused it before doing anything', async () => {
    const api = await serve((_req, res) => json(res, 503, {}));
    const pipeline = new HttpPipeline({ provider: 'demo', retry: noSleep });
    await expect(
      pipeline.request('create', { method: 'POST', url: api.url, json: {} }, { idempotent: false }),
    ).rejects.toMatchObject({ status: 503 });
    expect(api.seen).toHaveLength(1);
  });

  it('maps what an SDK throws to a ConnectorError from the answer it got, with the vendor reading', async () => {
    const api = await serve((_req, res) => json(res, 403, { error: { message: 'rateLimitExceeded' } }));
    const pipeline = new HttpPipeline({
      provider: 'demo',
      retry: { attempts: 1, ...noSleep, maxRateLimitWaits: 0 },
      describe: (answer) =>
        answer.text.includes('rateLimitExceeded')
          ? { code: 'rate_limited', retryable: true, retryAfterMs: 1000 }
          : {},
    });
    const sdk = async () => {
      const res = await pipeline.fetch(`${api.url}/events`);
      if (!res.ok) throw Object.assign(new Error('GaxiosError-ish'), { config: { headers: 'whatever' } });
      return res.json();
    };
    const error = await pipeline.call('listEvents', sdk).catch((e) => e);
    expect(error).toMatchObject({
      status: 403,
      code: 'rate_limited',
      retryAfterMs: 1000,
      operation: 'listEvents',
    });
  });

  it('logs one line per exchange with provider, operation, status, attempt and duration, never a token', async () => {
    let calls = 0;
    const api = await serve((_req, res) => {
      calls += 1;
      if (calls === 1) json(res, 502, {});
      else json(res, 200, {});
    });
    const logger = new MemoryLogger();
    const pipeline = new HttpPipeline({
      provider: 'demo',
      logger,
      auth: bearerAuth('token-never-logged'),
      retry: noSleep,
    });
    await pipeline.request('read', { method: 'GET', url: `${api.url}/things?access_token=leak-me-please` });
    const exchanges = logger.lines.filter((l) => l.fields.durationMs !== undefined);
    expect(
      exchanges.map((l) => [
        l.level,
        l.fields.provider,
        l.fields.operation,
        l.fields.status,
        l.fields.attempt,
      ]),
    ).toEqual([
      ['warn', 'demo', 'read', 502, 1],
      ['debug', 'demo', 'read', 200, 2],
    ]);
    expect(logger.lines.filter((l) => l.message === 'vendor call will be retried')).toHaveLength(1);
    for (const line of logger.lines) {
      expect(JSON.stringify(line)).not.toMatch(/token-never-logged|leak-me-please/);
    }
  });

  it('gives HttpStatusError callers the same mapping as SDKs', async () => {
    const api = await serve((_req, res) => json(res, 404, { errors: [{ message: 'task: Unknown object' }] }));
    const pipeline = new HttpPipeline({ provider: 'demo' });
    const result = await pipeline.attempt(
      'getTask',
      async () => {
        const res = await pipeline.fetch(api.url);
        if (!res.ok) throw new HttpStatusError(res.status);
        return 'found';
      },
      {},
      [404],
    );
    expect(result).toMatchObject({
      ok: false,
      status: 404,
      json: { errors: [{ message: 'task: Unknown object' }] },
    });
  });
  it("answers a client of vahub's own with the answer as read and its schema's output, checked once", async () => {
    const api = await serve((_req, res) => json(res, 200, { data: { gid: '7', name: 'Write' } }));
    const pipeline = new HttpPipeline({ provider: 'demo' });
    let checks = 0;
    const schema = z.object({ data: z.object({ gid: z.string(), name: z.string() }) }).transform((a) => {
      checks += 1;
      return { ...a.data, read: true };
    });
    const got = await pipeline.call(
      'getTask',
      () =>
        pipeline.answer({
          url: new URL(`${api.url}/tasks/7`),
          method: 'GET',
          headers: new Headers(),
          body: undefined,
        }),
      { schema },
    );
    expect(got.parsed).toEqual({ gid: '7', name: 'Write', read: true });
    expect(got.answer).toMatchObject({ status: 200, text: '{"data":{"gid":"7","name":"Write"}}' });
    expect(checks).toBe(1);
    // Outside a call there are no rules to send under.
    await expect(
      pipeline.answer({ url: new URL(api.url), method: 'GET', headers: new Headers(), body: undefined }),
    ).rejects.toThrow(/inside call/);
    expect(api.seen).toHaveLength(1);
  });
});
