import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeServer } from './fake-server.js';
import { seededRandom } from './faults.js';
import { within } from './wait.js';
import { deliverWebhook } from './webhooks.js';

let server: FakeServer;

beforeEach(async () => {
  server = new FakeServer('test');
  server.route('GET', '/items/:id', (req) => ({
    status: 200,
    json: { id: req.params.id, q: req.query.get('q') },
  }));
  server.route('POST', '/echo', (req) => ({
    status: 201,
    json: { got: req.json, bytes: req.rawBody.length },
  }));
  await server.start();
});
afterEach(() => server.stop());

describe('FakeServer', () => {
  it('routes with params and query, parses JSON, and logs every request', async () => {
    const res = await fetch(`${server.url}/items/a%2Fb?q=x`);
    expect(await res.json()).toEqual({ id: 'a/b', q: 'x' });
    const echo = await deliverWebhook({ url: `${server.url}/echo`, body: '{"a":1}' });
    expect(echo.status).toBe(201);
    expect(JSON.parse(echo.body)).toEqual({ got: { a: 1 }, bytes: 7 });
    expect(server.requests.map((r) => [r.method, r.path, r.status])).toEqual([
      ['GET', '/items/a%2Fb', 200],
      ['POST', '/echo', 201],
    ]);
    expect(server.requestsTo('POST', '/echo')[0]?.body).toBe('{"a":1}');
  });

  it('answers an unknown route with 404 naming it', async () => {
    const res = await fetch(`${server.url}/nope`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('no route GET /nope');
  });

  it('injects queued faults before the handler, with Retry-After, only for matching requests', async () => {
    server.faults.next({
      status: 429,
      retryAfterSeconds: 3,
      times: 2,
      match: (r) => r.path.startsWith('/items'),
    });
    const first = await fetch(`${server.url}/items/1`);
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('3');
    expect((await deliverWebhook({ url: `${server.url}/echo`, body: '{}' })).status).toBe(201);
    expect((await fetch(`${server.url}/items/1`)).status).toBe(429);
    expect((await fetch(`${server.url}/items/1`)).status).toBe(200);
    expect(server.faults.pending).toBe(0);
  });

  it('fails a seeded fraction of requests the same way every time', async () => {
    const run = async () => {
      server.faults.randomly(0.5, 42);
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await fetch(`${server.url}/items/${i}`)).status);
      server.faults.clear();
      return statuses;
    };
    const a = await run();
    expect(a).toEqual(await run());
    expect(a).toContain(503);
    expect(a).toContain(200);
  });

  it('mixes seeded 503s, 429s with Retry-After, timeouts and mid-body stalls, and counts each', async () => {
    const run = async () => {
      server.faults.mix({
        seed: 9,
        serverErrors: 0.2,
        rateLimits: 0.2,
        timeouts: 0.1,
        timeoutHoldMs: 5_000,
        stalls: 0.2,
        stallMs: 30,
        match: (r) => r.path.startsWith('/items'),
      });
      const seen: string[] = [];
      for (let i = 0; i < 40; i++) {
        try {
          // Well below the held requests' 5 s, well above a stalled or plain answer's time on a loaded
          // machine (at 300 ms a CI run at load 12 counted two slow answers as timeouts).
          const res = await fetch(`${server.url}/items/${i}`, { signal: AbortSignal.timeout(1_500) });
          if (res.status === 429) expect(res.headers.get('retry-after')).toBe('1');
          const body = await res.text();
          seen.push(res.status === 200 ? `200:${JSON.parse(body).id}` : String(res.status));
        } catch (err) {
          expect((err as Error).name).toBe('TimeoutError');
          seen.push('timeout');
        }
      }
      // Requests the mix does not match are never faulted.
      expect((await deliverWebhook({ url: `${server.url}/echo`, body: '{}' })).status).toBe(201);
      server.faults.clear();
      return seen;
    };
    const a = await run();
    const counts = { ...server.faults.counts };
    expect(a.filter((s) => s === '503')).toHaveLength(counts.serverErrors);
    expect(a.filter((s) => s === '429')).toHaveLength(counts.rateLimits);
    expect(a.filter((s) => s === 'timeout')).toHaveLength(counts.timeouts);
    for (const n of [counts.serverErrors, counts.rateLimits, counts.timeouts, counts.stalls]) {
      expect(n).toBeGreaterThan(0);
    }
    // A stalled answer still arrives whole.
    const stalled = server.requests.filter((r) => r.fault === 'stall');
    expect(stalled).toHaveLength(counts.stalls);
    for (const r of stalled) expect(a).toContain(`200:${r.path.split('/')[2]}`);
    expect(server.requests.filter((r) => r.fault === 'timeout').every((r) => r.status === 0)).toBe(true);
    expect(server.faults.injected).toBe(
      counts.serverErrors + counts.rateLimits + counts.timeouts + counts.stalls,
    );
    // The same seed gives the same faults in the same order.
    expect(await run()).toEqual(a);
    expect((await fetch(`${server.url}/items/after`)).status).toBe(200);
  });

  it('refuses fault shares that add up to more than 1', () => {
    expect(() => server.faults.mix({ seed: 1, serverErrors: 0.7, stalls: 0.4 })).toThrow(/must not exceed 1/);
  });

  it('resolves waitForRequest on the request event, and rejects after its bound', async () => {
    const waiting = server.waitForRequest((r) => r.path === '/items/late', 2000);
    await fetch(`${server.url}/items/late`);
    expect((await waiting).status).toBe(200);
    await expect(server.waitForRequest((r) => r.path === '/never', 20)).rejects.toThrow(
      /no matching request within 20 ms/,
    );
  });
});

describe('helpers', () => {
  it('seededRandom repeats from a seed and stays in [0, 1)', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const xs = Array.from({ length: 100 }, () => a());
    expect(xs).toEqual(Array.from({ length: 100 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('within rejects a promise that does not settle in time', async () => {
    await expect(within(new Promise(() => {}), 10, 'forever')).rejects.toThrow(
      'forever did not finish within 10 ms',
    );
    await expect(within(Promise.resolve(5), 1000)).resolves.toBe(5);
  });
});
