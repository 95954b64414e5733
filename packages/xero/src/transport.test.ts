import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type BareServer, bareServer, silent, trickle } from './test-support/bare-server.js';
import { CLIENT, draftOf, type Harness, startHarness } from './test-support/harness.js';

/*
 * What issue 11 found, on the real xero-node SDK against the fake: every call, API and identity
 * alike, goes out through core's pipeline, so it gets its rules.
 */

let h: Harness | null = null;
const others: BareServer[] = [];
afterEach(async () => {
  await h?.stop();
  h = null;
  for (const o of others.splice(0)) await o.close();
});

async function other(handler: Parameters<typeof bareServer>[0]): Promise<BareServer> {
  const server = await bareServer(handler);
  others.push(server);
  return server;
}

/** Let the stored access token run out, so the next call refreshes first. */
async function expireStored(harness: Harness): Promise<void> {
  const t = await harness.store.get('xero');
  await harness.store.set('xero', { ...t!, expiresAt: 0 });
}

const REFUSED = 'redirected to another host';

describe('a redirect to another host', () => {
  async function redirecting(match: (req: { method: string; path: string }) => boolean) {
    h = await startHarness({ tuning: { retry: { attempts: 1 } } });
    const elsewhere = await other((_req, res) => res.end('{}'));
    h.fake.server.faults.next({
      status: 307,
      headers: { location: `${elsewhere.url}/collect` },
      match: (req) => match(req),
    });
    return { harness: h, elsewhere };
  }

  it('from the Accounting API: refused, and the other host never sees the bearer token', async () => {
    const { harness, elsewhere } = await redirecting((r) => r.path.startsWith('/api.xro/2.0/Invoices/'));
    const error = await harness.invoices.getInvoiceStatus(CLIENT, randomUUID()).catch((e: unknown) => e);
    expect(error).toMatchObject({ provider: 'xero', code: 'unexpected_response', retryable: false });
    expect((error as Error).message).toContain(REFUSED);
    expect(elsewhere.seen).toEqual([]);
    // The one request that went out went to Xero, with the credential.
    const [sent] = harness.fake.server.requestsTo('GET', /^\/api\.xro\/2\.0\/Invoices\//);
    expect(sent?.headers.authorization).toMatch(/^Bearer fake-at_/);
  });

  it('from the token endpoint on refresh: refused, refresh token and client secret stay with Xero', async () => {
    const { harness, elsewhere } = await redirecting((r) => r.path === '/connect/token');
    await expireStored(harness);
    const error = await harness.invoices.findContact(CLIENT).catch((e: unknown) => e);
    expect(error).toMatchObject({ operation: 'refreshToken', code: 'unexpected_response', retryable: false });
    expect((error as Error).message).toContain(REFUSED);
    expect(elsewhere.seen).toEqual([]);
    expect(harness.fake.tokenRequests('refresh_token')).toHaveLength(1);
    // The refused refresh used nothing up: the grant still works once the redirect is gone.
    expect(harness.fake.refreshTokenUsable(harness.initial.refreshToken)).toBe(true);
  });

  it('from the token endpoint on code exchange: refused, the code and the client secret stay with Xero', async () => {
    const { harness, elsewhere } = await redirecting((r) => r.path === '/connect/token');
    const error = await harness.connect
      .completeConnect({ code: 'fake-code_abcdef', redirectUri: 'http://127.0.0.1:8787/cb' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ operation: 'exchangeCode', code: 'unexpected_response' });
    expect((error as Error).message).toContain(REFUSED);
    expect(elsewhere.seen).toEqual([]);
  });

  it('from /connections: refused, the other host never sees the bearer token', async () => {
    const { harness, elsewhere } = await redirecting((r) => r.path === '/connections');
    const error = await harness.connect.connections().catch((e: unknown) => e);
    expect(error).toMatchObject({ operation: 'listConnections', code: 'unexpected_response' });
    expect((error as Error).message).toContain(REFUSED);
    expect(elsewhere.seen).toEqual([]);
  });

  it('from the revocation endpoint: refused, and the grant is kept for another try', async () => {
    const { harness, elsewhere } = await redirecting((r) => r.path === '/connect/revocation');
    const error = await harness.connect.disconnect().catch((e: unknown) => e);
    expect(error).toMatchObject({ operation: 'revokeToken', code: 'unexpected_response' });
    expect(elsewhere.seen).toEqual([]);
    expect(await harness.store.get('xero')).not.toBeNull();
  });
});

describe('a Xero that never answers, or stalls after its headers', () => {
  // Long enough for the request to reach the server on a loaded machine; timing itself is not asserted.
  const TIMEOUT_MS = 500;
  const cases = [
    ['never answers', silent],
    ['trickles', trickle],
  ] as const;

  for (const [what, handler] of cases) {
    it(`API that ${what}: a retryable timeout, and the socket is closed`, async () => {
      h = await startHarness();
      const api = await other(handler);
      const xero = h.build({
        env: { VAHUB_ENDPOINT_XERO_API: `${api.url}/api.xro/2.0` },
        tuning: { timeoutMs: TIMEOUT_MS, retry: { attempts: 1 } },
      });
      const error = await xero.ports.invoices.getInvoiceStatus(CLIENT, randomUUID()).catch((e: unknown) => e);
      expect(error).toMatchObject({ provider: 'xero', operation: 'getInvoiceStatus', code: 'timeout' });
      expect(error).toMatchObject({ retryable: true });
      expect(await api.requestSocketsClosed()).toBe(1);
    });

    it(`token endpoint that ${what}: a retryable timeout, and the socket is closed`, async () => {
      h = await startHarness();
      const token = await other(handler);
      const xero = h.build({
        env: { VAHUB_ENDPOINT_XERO_TOKEN: `${token.url}/connect/token` },
        tuning: { timeoutMs: TIMEOUT_MS, retry: { attempts: 1 } },
      });
      await expireStored(h);
      const error = await xero.ports.invoices.findContact(CLIENT).catch((e: unknown) => e);
      expect(error).toMatchObject({ provider: 'xero', operation: 'refreshToken', code: 'timeout' });
      expect(error).toMatchObject({ retryable: true });
      expect(await token.requestSocketsClosed()).toBe(1);
    });
  }

  it('20 timed-out calls leave no socket open', async () => {
    h = await startHarness();
    const api = await other(silent);
    const xero = h.build({
      env: { VAHUB_ENDPOINT_XERO_API: `${api.url}/api.xro/2.0` },
      tuning: { timeoutMs: TIMEOUT_MS, retry: { attempts: 1 } },
    });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => xero.ports.invoices.getInvoiceStatus(CLIENT, randomUUID())),
    );
    expect(results.map((r) => (r.status === 'rejected' ? r.reason.code : 'answered'))).toEqual(
      Array(20).fill('timeout'),
    );
    expect(await api.requestSocketsClosed()).toBe(20);
  });
});

describe('an answer vahub cannot read is an error, never "nothing"', () => {
  const GARBAGE = '{"Invoices": [';
  /** A 200 with this body, as JSON. */
  const answer = (body: string) => (_req: unknown, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  };

  /** Every read call, the endpoint it reads, and a 200 of the wrong shape for it. */
  const reads = [
    {
      call: 'getInvoiceStatus',
      endpoint: 'API',
      shapeless: '{"Invoices": []}',
      run: (hh: Harness, x = hh.xero) => x.ports.invoices.getInvoiceStatus(CLIENT, randomUUID()),
    },
    {
      call: 'findContact',
      endpoint: 'API',
      shapeless: '{"Contacts": []}',
      run: (hh: Harness, x = hh.xero) => x.ports.invoices.findContact(CLIENT),
    },
    {
      call: 'searchContacts',
      endpoint: 'API',
      shapeless: '{"Contact": []}',
      run: (hh: Harness, x = hh.xero) => x.accounting.searchContacts(hh.tenantId, 'koala'),
    },
    {
      call: 'createDraft',
      endpoint: 'API',
      shapeless: '{"Invoices": [{"Status": "DRAFT"}]}',
      run: (hh: Harness, x = hh.xero) =>
        x.ports.invoices.createDraft(
          CLIENT,
          draftOf({ contactId: hh.contactId, lines: [{ quantity: '1', unitAmount: '10.00' }] }),
        ),
    },
    {
      call: 'createDrafts',
      endpoint: 'API',
      shapeless: '{"Invoice": []}',
      run: (hh: Harness, x = hh.xero) =>
        x.accounting.createDrafts(hh.tenantId, [
          draftOf({ contactId: hh.contactId, lines: [{ quantity: '1', unitAmount: '10.00' }] }),
        ]),
    },
    {
      call: 'connections',
      endpoint: 'CONNECTIONS',
      shapeless: '{"tenants": []}',
      run: (hh: Harness, x = hh.xero) => x.connect.connections(),
    },
    {
      call: 'refresh',
      endpoint: 'TOKEN',
      shapeless: '{"access_token": "fake-at_x", "token_type": "Bearer"}',
      run: async (hh: Harness, x = hh.xero) => {
        await expireStored(hh);
        return x.ports.invoices.findContact(CLIENT);
      },
    },
  ] as const;

  for (const read of reads) {
    for (const [kind, body, says] of [
      ['invalid JSON', GARBAGE, 'not valid JSON'],
      ['a shapeless 200', read.shapeless, 'expected shape'],
    ] as const) {
      it(`${read.call}: ${kind} is a retryable unexpected_response`, async () => {
        h = await startHarness();
        const server = await other(answer(body));
        const path = { API: '/api.xro/2.0', CONNECTIONS: '/connections', TOKEN: '/connect/token' }[
          read.endpoint
        ];
        const xero = h.build({
          env: { [`VAHUB_ENDPOINT_XERO_${read.endpoint}`]: `${server.url}${path}` },
          tuning: { retry: { attempts: 1 } },
        });
        const result = await read.run(h, xero).then(
          (value) => ({ answered: value }),
          (e: unknown) => e,
        );
        expect(result).toMatchObject({ provider: 'xero', code: 'unexpected_response', retryable: true });
        expect((result as Error).message).toContain(says);
        expect(server.seen).toHaveLength(1);
      });
    }
  }
});
