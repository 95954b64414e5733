import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { MemoryLogger } from '@vahub/core';
import { type FakeRequest, type FakeResponse, FakeServer } from '@vahub/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AsanaClient } from './client.js';
import { failure } from './testing/failure.js';
import { startWorld, type World } from './testing/scenario.js';

/** What the pipeline does on the wire, for the Asana SDK on it, against the fake and bare servers. */

let world: World;
const servers: Server[] = [];

beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await world.fake.stop();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

const noSleep = { sleep: async () => undefined };

/** Every call the client makes, by operation, with the path it reads (the fake's gids filled in). */
function calls(client: AsanaClient) {
  const task = world.fake.createTask({ name: 't', projects: [world.koala.gid] });
  const api = '/api/1.0';
  return [
    { op: 'getMe', method: 'GET', path: `${api}/users/me`, run: () => client.me() },
    { op: 'getTask', method: 'GET', path: `${api}/tasks/${task.gid}`, run: () => client.getTask(task.gid) },
    {
      op: 'listProjectTasks',
      method: 'GET',
      path: `${api}/projects/${world.koala.gid}/tasks`,
      run: () => client.listIncompleteTasks(world.koala.gid),
    },
    {
      op: 'readEvents',
      method: 'GET',
      path: `${api}/events`,
      run: () => client.readEvents(world.koala.gid, 'some-sync-token'),
    },
    {
      op: 'getProject',
      method: 'GET',
      path: `${api}/projects/${world.koala.gid}`,
      run: () => client.getProjectWorkspace(world.koala.gid),
    },
    {
      op: 'listWebhooks',
      method: 'GET',
      path: `${api}/webhooks`,
      run: () => client.listWebhooks(world.koala.gid),
    },
    {
      op: 'createWebhook',
      method: 'POST',
      path: `${api}/webhooks`,
      run: () => client.createWebhook({ resource: world.koala.gid, target: 'https://hooks.example/asana/k' }),
    },
    {
      op: 'deleteWebhook',
      method: 'DELETE',
      path: `${api}/webhooks/1209999999999999`,
      run: () => client.deleteWebhook('1209999999999999'),
    },
  ] as const;
}

/** Answer every request to `method path` with `response`, until the returned switch is turned off. */
function answerAlways(method: string, path: string, response: FakeResponse): { off(): void } {
  let on = true;
  world.fake.server.guard((req: FakeRequest) =>
    on && req.method === method && req.path === path ? response : null,
  );
  return {
    off: () => {
      on = false;
    },
  };
}

describe('redirects', () => {
  it('a 307 to another host, from any call, is refused: the other host never sees the token', async () => {
    const elsewhere = new FakeServer('elsewhere');
    await elsewhere.start();
    try {
      const client = new AsanaClient({ token: world.vaToken, baseUrl: world.apiUrl, retry: noSleep });
      for (const call of calls(client)) {
        world.fake.server.faults.next({
          status: 307,
          headers: { location: `${elsewhere.url}/collect${call.path}` },
          match: (r) => r.path === call.path && r.method === call.method,
        });
        const err = await failure(call.run());
        expect(err, call.op).toMatchObject({
          operation: call.op,
          code: 'unexpected_response',
          retryable: false,
        });
        expect(err.message).toContain('redirected to another host');
        expect(err.message).not.toContain(world.vaToken);
      }
      expect(elsewhere.requests.filter((r) => r.headers.authorization !== undefined)).toEqual([]);
      expect(elsewhere.requests).toEqual([]);
    } finally {
      await elsewhere.stop();
    }
  });

  it('a redirect within Asana’s origin is followed, with the token', async () => {
    world.fake.server.faults.next({
      status: 307,
      headers: { location: `${world.apiUrl}/users/me?opt_fields=name` },
      match: (r) => r.path.endsWith('/users/me'),
    });
    const client = new AsanaClient({ token: world.vaToken, baseUrl: world.apiUrl, retry: noSleep });
    expect((await client.me()).gid).toBe(world.va.gid);
    const seen = world.fake.server.requestsTo('GET', '/api/1.0/users/me');
    expect(seen.map((r) => [r.status, r.headers.authorization])).toEqual([
      [307, `Bearer ${world.vaToken}`],
      [200, `Bearer ${world.vaToken}`],
    ]);
  });
});

/** A bare server on 127.0.0.1 that records requests and the sockets that carried them. */
async function bare(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const carriers = new Set<Socket>();
  const seen: string[] = [];
  const server = createServer((req, res) => {
    carriers.add(req.socket);
    seen.push(`${req.method} ${req.url}`);
    req.resume();
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/1.0`,
    seen,
    /** Resolves with how many sockets carried a request once all of them closed; rejects after `ms`. */
    socketsClosed: (ms = 2000) =>
      new Promise<number>((resolve, reject) => {
        const started = Date.now();
        const check = () => {
          const open = [...carriers].filter((s) => !s.destroyed).length;
          if (open === 0) return resolve(carriers.size);
          if (Date.now() - started > ms) return reject(new Error(`${open} sockets still open`));
          setImmediate(check);
        };
        check();
      }),
  };
}

describe('timeouts', () => {
  it('an API that never answers: a retryable timeout after each attempt, no socket left open', async () => {
    const api = await bare(() => undefined);
    // Long enough for each attempt's request to reach the server in this same process on a loaded
    // machine (at 150 ms a run at load 20 saw the second attempt time out before it arrived).
    const client = new AsanaClient({
      token: world.vaToken,
      baseUrl: api.url,
      timeoutMs: 1_000,
      retry: { ...noSleep, attempts: 2 },
    });
    const err = await failure(client.getTask('1'));
    expect(err).toMatchObject({ provider: 'asana', operation: 'getTask', code: 'timeout', retryable: true });
    expect(err.message).toContain('1000 ms');
    expect(api.seen).toHaveLength(2);
    expect(await api.socketsClosed()).toBe(2);
  });

  it('an answer that stalls after its headers: a retryable timeout, the socket closed', async () => {
    const api = await bare((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"data": [');
    });
    const client = new AsanaClient({
      token: world.vaToken,
      baseUrl: api.url,
      timeoutMs: 1_000,
      retry: { ...noSleep, attempts: 1 },
    });
    const err = await failure(client.listIncompleteTasks('11'));
    expect(err).toMatchObject({ operation: 'listProjectTasks', code: 'timeout', retryable: true });
    expect(await api.socketsClosed()).toBe(1);
  });
});

describe('unreadable answers are errors, never "nothing"', () => {
  const cases: [string, FakeResponse][] = [
    ['invalid JSON', { status: 200, headers: { 'content-type': 'application/json' }, body: '{"data": [' }],
    ['an HTML page', { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>proxy</html>' }],
    ['a shapeless 200', { status: 200, json: { unexpected: true } }],
  ];

  it.each(cases)('%s from every call that reads an answer', async (_what, response) => {
    const client = new AsanaClient({
      token: world.vaToken,
      baseUrl: world.apiUrl,
      retry: { ...noSleep, attempts: 2 },
    });
    for (const call of calls(client)) {
      const answer = answerAlways(
        call.method,
        call.path,
        call.method === 'POST' ? { ...response, status: 201 } : response,
      );
      const err = await failure(call.run());
      answer.off();
      expect(err, call.op).toMatchObject({
        operation: call.op,
        code: 'unexpected_response',
        retryable: true,
      });
    }
  });

  it('a 412 from /events without a fresh sync token is an error, not an empty stream', async () => {
    answerAlways('GET', '/api/1.0/events', {
      status: 412,
      json: { errors: [{ message: 'Sync token invalid' }] },
    });
    const client = new AsanaClient({ token: world.vaToken, baseUrl: world.apiUrl, retry: noSleep });
    const err = await failure(client.readEvents(world.koala.gid, null));
    expect(err).toMatchObject({ operation: 'readEvents', status: 412, code: 'unexpected_response' });
  });
});

describe('the token', () => {
  it('none configured: every call fails naming ASANA_TOKEN, and nothing is sent', async () => {
    const client = new AsanaClient({ token: null, baseUrl: world.apiUrl });
    const err = await failure(client.getTask('1'));
    expect(err).toMatchObject({
      name: 'ReconnectRequiredError',
      operation: 'getTask',
      code: 'reconnect_required',
      retryable: false,
    });
    expect(err.message).toContain('ASANA_TOKEN');
    expect(world.fake.server.requests).toEqual([]);
  });

  it('one log line per exchange, with the operation and status and never the token', async () => {
    const logger = new MemoryLogger();
    const client = new AsanaClient({ token: world.vaToken, baseUrl: world.apiUrl, logger, retry: noSleep });
    world.fake.server.faults.next({ status: 503 });
    await client.me();
    const lines = logger.lines.filter((l) => ['vendor call', 'vendor call failed'].includes(l.message));
    expect(
      lines.map((l) => [l.fields.provider, l.fields.operation, l.fields.status, l.fields.attempt]),
    ).toEqual([
      ['asana', 'getMe', 503, 1],
      ['asana', 'getMe', 200, 2],
    ]);
    expect(JSON.stringify(logger.lines)).not.toContain(world.vaToken);
  });
});
