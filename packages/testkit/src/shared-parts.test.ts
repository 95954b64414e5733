import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { authGuard, decodeBasic } from './auth-guard.js';
import { FakeServer } from './fake-server.js';
import { readSpec, specPath } from './specs.js';
import { WebhookHub } from './webhook-hub.js';

const servers: FakeServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
});

async function started(name: string): Promise<FakeServer> {
  const server = new FakeServer(name);
  servers.push(server);
  await server.start();
  return server;
}

describe('authGuard', () => {
  it('lets an accepted credential through and answers the vendor refusal otherwise', async () => {
    const server = await started('guarded');
    server.route('GET', '/api/me', () => ({ status: 200, json: { me: true } }));
    server.route('GET', '/open', () => ({ status: 200, json: { open: true } }));
    server.guard(
      authGuard({
        scheme: 'Bearer',
        accepts: (token) => token === 'good-token',
        refuse: (_req, reason) => ({ status: 401, json: { errors: [{ message: reason }] } }),
      }),
      /^\/api\//,
    );
    const call = (path: string, authorization?: string) =>
      fetch(`${server.url}${path}`, { headers: authorization ? { authorization } : {} }).then(async (r) => [
        r.status,
        await r.json(),
      ]);
    expect(await call('/api/me', 'Bearer good-token')).toEqual([200, { me: true }]);
    expect(await call('/api/me', 'Bearer bad-token')).toEqual([401, { errors: [{ message: 'invalid' }] }]);
    expect(await call('/api/me')).toEqual([401, { errors: [{ message: 'missing' }] }]);
    expect(await call('/open')).toEqual([200, { open: true }]);
  });

  it('decodes a Basic credential', () => {
    expect(decodeBasic(Buffer.from('user:pa:ss').toString('base64'))).toEqual({
      user: 'user',
      password: 'pa:ss',
    });
    expect(decodeBasic(Buffer.from('nocolon').toString('base64'))).toBeNull();
  });
});

describe('WebhookHub', () => {
  it('delivers the exact bytes in order per queue and logs what came back', async () => {
    const target = await started('target');
    const order: string[] = [];
    target.route('POST', '/hook', (req) => {
      order.push(req.rawBody.toString());
      return { status: 200, headers: { 'x-echo': req.headers['x-sig'] ?? '' }, body: 'ok' };
    });
    const hub = new WebhookHub<{ n: number }>({ name: 'test' });
    for (let n = 0; n < 5; n++) {
      void hub.send({
        target: `${target.url}/hook`,
        body: `{"n":${n}}`,
        headers: { 'x-sig': `s${n}` },
        meta: { n },
      });
    }
    await hub.idle();
    expect(order).toEqual([0, 1, 2, 3, 4].map((n) => `{"n":${n}}`));
    expect(
      hub.deliveries.map((d) => [d.meta.n, d.status, d.responseHeaders['x-echo'], d.responseBody]),
    ).toEqual([0, 1, 2, 3, 4].map((n) => [n, 200, `s${n}`, 'ok']));
  });

  it('records an unreachable target as an error, not a throw', async () => {
    const gone = await started('gone');
    const url = `${gone.url}/hook`;
    await gone.stop();
    const hub = new WebhookHub({ name: 'test' });
    const record = await hub.send({ target: url, body: '{}', headers: {}, meta: null });
    expect(record.status).toBeNull();
    expect(record.error).toBeTruthy();
    await expect(hub.waitForDelivery((d) => d.error !== null, 1000)).resolves.toBe(record);
  });
});

describe('specs', () => {
  it('carries every vendor spec in the repository, checked against its checksum', () => {
    for (const name of ['asana_oas.yaml', 'calendar-json-v3.json', 'xero_accounting.yaml'] as const) {
      expect(existsSync(specPath(name))).toBe(true);
    }
    expect(readSpec('xero-webhooks.yaml')).toContain('openapi');
  });
});
