import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { isReconnectRequired, MemoryLock, MemoryLogger, MemoryTokenStore } from '@vahub/core';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_XERO_SCOPES } from './config.js';
import { createXero } from './connector.js';
import { CLIENT, configText, contextFrom, type Harness, startHarness } from './test-support/harness.js';
import { FakeXero } from './testing/index.js';

let h: Harness | null = null;
let fake: FakeXero | null = null;
afterEach(async () => {
  await h?.stop();
  await fake?.stop();
  h = null;
  fake = null;
});

function leaks(err: unknown, secrets: string[]): string[] {
  const text = `${String(err)} ${JSON.stringify(err)} ${inspect(err, { depth: 5 })}`;
  return secrets.filter((s) => text.includes(s));
}

/** A connector on `f` built from config as the registry builds it, with nothing connected yet. */
function connectorFor(f: FakeXero, store = new MemoryTokenStore()) {
  const text = configText({ tenantId: f.tenantId, contactId: randomUUID() });
  const deps = { tokens: store, lock: new MemoryLock(), logger: new MemoryLogger() };
  return createXero(contextFrom({ text, env: f.env(), deps }));
}

describe('connect flow', () => {
  it('authorizes, trades the code with Basic auth, stores the grant and lists the organisations', async () => {
    fake = new FakeXero({ tenants: [{ tenantName: 'Koala Co' }, { tenantName: 'Wombat Ltd' }] });
    await fake.start();
    const store = new MemoryTokenStore();
    const { connect } = connectorFor(fake, store);
    const redirectUri = 'http://127.0.0.1:8787/oauth/xero/callback';
    const url = connect.authorizeUrl({ redirectUri, state: 'st-123' });
    expect(url.startsWith(fake.endpoints().authorize)).toBe(true);
    expect(new URL(url).searchParams.get('scope')?.split(' ')).toEqual(DEFAULT_XERO_SCOPES);

    const consent = await fetch(url, { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const back = new URL(consent.headers.get('location') ?? '');
    expect(back.origin + back.pathname).toBe(redirectUri);
    expect(back.searchParams.get('state')).toBe('st-123');

    const connections = await connect.completeConnect({
      code: back.searchParams.get('code') ?? '',
      redirectUri,
    });
    expect(connections.map((c) => c.tenantName).sort()).toEqual(['Koala Co', 'Wombat Ltd']);
    expect(connections.every((c) => c.tenantType === 'ORGANISATION')).toBe(true);

    const stored = await store.get('xero');
    expect(stored?.refreshToken).toMatch(/^fake-rt_/);
    expect(stored?.expiresAt).toBeGreaterThan(Date.now() + 29 * 60_000);

    const [tokenCall] = fake.tokenRequests('authorization_code');
    const basic = Buffer.from(`${fake.clientId}:${fake.clientSecret}`).toString('base64');
    expect(tokenCall?.headers.authorization).toBe(`Basic ${basic}`);
    expect(new URLSearchParams(tokenCall?.body).get('redirect_uri')).toBe(redirectUri);
    // Nothing went to the real Xero: every call reached the fake.
    expect(fake.server.requestsTo('GET', '/connections')).toHaveLength(1);
    expect(fake.server.requestsTo('GET', '/connections')[0]?.headers.authorization).toBe(
      `Bearer ${stored?.accessToken}`,
    );
  });

  it('refuses a code used twice with a reconnect error that carries no secret', async () => {
    fake = new FakeXero();
    await fake.start();
    // A tool that only connects builds the connector without clients, VA or calendar settings.
    const { connect } = createXero({
      clients: [],
      endpoints: fake.endpoints(),
      secrets: { clientId: fake.clientId, clientSecret: fake.clientSecret },
      deps: { tokens: new MemoryTokenStore(), lock: new MemoryLock(), logger: new MemoryLogger() },
    });
    const redirectUri = 'http://127.0.0.1:8787/cb';
    const res = await fetch(connect.authorizeUrl({ redirectUri, state: 's' }), {
      redirect: 'manual',
    });
    const code = new URL(res.headers.get('location') ?? '').searchParams.get('code') ?? '';
    await connect.completeConnect({ code, redirectUri });
    const again = await connect.completeConnect({ code, redirectUri }).catch((e: unknown) => e);
    expect(isReconnectRequired(again)).toBe(true);
    expect(String(again)).toMatch(/reconnect Xero/);
    expect(leaks(again, [fake.clientSecret, code])).toEqual([]);
    // A code works once: the refused exchange is not repeated.
    expect(fake.tokenRequests('authorization_code')).toHaveLength(2);
  });
});

describe('refresh with rotation', () => {
  it('refreshes an expired access token once, persists the rotated refresh token, and the old one dies', async () => {
    h = await startHarness();
    h.fake.expireAccessTokens();
    const before = await h.store.get('xero');
    await h.store.set('xero', { ...before!, expiresAt: Date.now() - 1000 });

    expect(await h.invoices.findContact(CLIENT)).toMatchObject({ name: 'Harness Client Pty Ltd' });
    expect(h.fake.tokenRequests('refresh_token')).toHaveLength(1);
    const after = await h.store.get('xero');
    expect(after?.refreshToken).not.toBe(h.initial.refreshToken);
    expect(after?.accessToken).not.toBe(h.initial.accessToken);
    expect(h.fake.refreshTokenUsable(h.initial.refreshToken)).toBe(false);
    expect(h.fake.refreshTokenUsable(after?.refreshToken ?? '')).toBe(true);
  });

  it('refreshes ahead of expiry: a token with 4 minutes left is replaced before use', async () => {
    h = await startHarness();
    const t = await h.store.get('xero');
    await h.store.set('xero', { ...t!, expiresAt: Date.now() + 4 * 60_000 });
    await h.accounting.searchContacts(h.tenantId, 'anyone');
    expect(h.fake.tokenRequests('refresh_token')).toHaveLength(1);
    const api = h.fake.server.requestsTo('GET', '/api.xro/2.0/Contacts');
    const stored = await h.store.get('xero');
    expect(api[0]?.headers.authorization).toBe(`Bearer ${stored?.accessToken}`);
  });

  it('refreshes once and retries when Xero refuses a token the store still thinks valid', async () => {
    h = await startHarness();
    h.fake.expireAccessTokens();
    const found = await h.accounting.searchContacts(h.tenantId, 'nobody');
    expect(found).toEqual([]);
    const statuses = h.fake.server.requestsTo('GET', '/api.xro/2.0/Contacts').map((r) => r.status);
    expect(statuses).toEqual([401, 200]);
    expect(h.fake.tokenRequests('refresh_token')).toHaveLength(1);
    const logged = h.logger.lines.filter((l) => l.fields.operation === 'searchContacts');
    expect(logged.map((l) => l.fields.status)).toEqual([401, 200]);
  });

  it('treats invalid_grant as "reconnect Xero" and says so without any token', async () => {
    h = await startHarness();
    // Another installation used the refresh token: ours is dead.
    const stolen = await h.refreshElsewhere(h.initial.refreshToken);
    const t = await h.store.get('xero');
    await h.store.set('xero', { ...t!, expiresAt: 0 });
    const err = await h.invoices.getInvoiceStatus(CLIENT, randomUUID()).catch((e: unknown) => e);
    expect(isReconnectRequired(err)).toBe(true);
    expect((err as Error).message).toMatch(/invalid_grant/);
    expect((err as Error).message).toMatch(/reconnect Xero/);
    expect((err as { retryable: boolean }).retryable).toBe(false);
    expect(
      leaks(err, [h.initial.refreshToken, h.initial.accessToken, stolen.accessToken, h.fake.clientSecret]),
    ).toEqual([]);
    expect(JSON.stringify(h.logger.lines)).not.toContain(h.initial.refreshToken);
  });

  it('says "reconnect" when nothing is stored yet', async () => {
    h = await startHarness();
    await h.store.delete('xero');
    const err = await h.invoices.getInvoiceStatus(CLIENT, randomUUID()).catch((e: unknown) => e);
    expect(isReconnectRequired(err)).toBe(true);
    expect(h.fake.tokenRequests()).toHaveLength(0);
  });

  it('disconnect revokes the grant at Xero and forgets it here', async () => {
    h = await startHarness();
    await h.connect.disconnect();
    expect(await h.store.get('xero')).toBeNull();
    expect(h.fake.server.requestsTo('POST', '/connect/revocation')).toHaveLength(1);
    expect(h.fake.refreshTokenUsable(h.initial.refreshToken)).toBe(false);
  });
});

describe('built from config', () => {
  it('takes the credentials from auth.xero and every URL from endpoints.xero', async () => {
    h = await startHarness();
    // The harness built its connector from a config whose endpoints and secrets came from the fake's env.
    expect((await h.connect.connections()).map((c) => c.tenantId)).toEqual([h.tenantId]);
    const t = await h.store.get('xero');
    await h.store.set('xero', { ...t!, expiresAt: 0 });
    await h.invoices.findContact(CLIENT);
    const [refresh] = h.fake.tokenRequests('refresh_token');
    const basic = Buffer.from(`${h.fake.clientId}:${h.fake.clientSecret}`).toString('base64');
    expect(refresh?.headers.authorization).toBe(`Basic ${basic}`);
  });

  it('builds without client credentials; the first call that needs them names the variable', async () => {
    h = await startHarness();
    const none = { XERO_CLIENT_ID: undefined, XERO_CLIENT_SECRET: undefined, XERO_WEBHOOK_KEY: undefined };
    const bare = h.build({ env: none });
    expect(h.fake.server.requests).toHaveLength(0);
    expect(() => bare.connect.authorizeUrl({ redirectUri: 'http://127.0.0.1/cb', state: 's' })).toThrow(
      /auth\.xero\.clientId is not set: export XERO_CLIENT_ID/,
    );
    // A valid stored token needs no client credentials…
    expect(await bare.ports.invoices.findContact(CLIENT)).toMatchObject({ id: h.contactId });
    // …a refresh does.
    const t = await h.store.get('xero');
    await h.store.set('xero', { ...t!, expiresAt: 0 });
    const err = await bare.ports.invoices.findContact(CLIENT).catch((e: unknown) => e);
    expect(err).toMatchObject({ provider: 'xero', code: 'validation', retryable: false });
    expect((err as Error).message).toMatch(/auth\.xero\.clientId is not set: export XERO_CLIENT_ID=/);
    expect(h.fake.tokenRequests()).toHaveLength(0);
  });
});
