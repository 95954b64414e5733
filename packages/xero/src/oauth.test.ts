import { inspect } from 'node:util';
import { DEFAULT_ENDPOINTS, isReconnectRequired, MemoryLock, MemoryTokenStore } from '@vahub/core';
import { afterEach, describe, expect, it } from 'vitest';
import { XeroConnector } from './connector.js';
import { DEFAULT_XERO_SCOPES } from './oauth.js';
import { type Harness, startHarness } from './test-support/harness.js';
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

describe('connect flow', () => {
  it('authorizes, trades the code with Basic auth, stores the grant and lists the organisations', async () => {
    fake = new FakeXero({ tenants: [{ tenantName: 'Koala Co' }, { tenantName: 'Wombat Ltd' }] });
    await fake.start();
    const store = new MemoryTokenStore();
    const connector = new XeroConnector({
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      endpoints: fake.endpoints,
      tokenStore: store,
      lock: new MemoryLock(),
    });
    const redirectUri = 'http://127.0.0.1:8787/oauth/xero/callback';
    const url = connector.oauth.authorizeUrl({ redirectUri, state: 'st-123' });
    expect(url.startsWith(fake.endpoints.authorize)).toBe(true);
    expect(new URL(url).searchParams.get('scope')?.split(' ')).toEqual(DEFAULT_XERO_SCOPES);

    const consent = await fetch(url, { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const back = new URL(consent.headers.get('location') ?? '');
    expect(back.origin + back.pathname).toBe(redirectUri);
    expect(back.searchParams.get('state')).toBe('st-123');

    const connections = await connector.completeConnect({
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
  });

  it('refuses a code used twice with a reconnect error that carries no secret', async () => {
    fake = new FakeXero();
    await fake.start();
    const connector = new XeroConnector({
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      endpoints: fake.endpoints,
      tokenStore: new MemoryTokenStore(),
      lock: new MemoryLock(),
    });
    const redirectUri = 'http://127.0.0.1:8787/cb';
    const res = await fetch(connector.oauth.authorizeUrl({ redirectUri, state: 's' }), {
      redirect: 'manual',
    });
    const code = new URL(res.headers.get('location') ?? '').searchParams.get('code') ?? '';
    await connector.completeConnect({ code, redirectUri });
    const again = await connector.completeConnect({ code, redirectUri }).catch((e: unknown) => e);
    expect(isReconnectRequired(again)).toBe(true);
    expect(String(again)).toMatch(/reconnect Xero/);
    expect(leaks(again, [fake.clientSecret, code])).toEqual([]);
  });
});

describe('refresh with rotation', () => {
  it('refreshes an expired access token once, persists the rotated refresh token, and the old one dies', async () => {
    h = await startHarness();
    const contact = h.fake.addContact({ name: 'Koala Co' });
    h.fake.expireAccessTokens();
    const before = await h.store.get('xero');
    await h.store.set('xero', { ...before!, expiresAt: Date.now() - 1000 });

    expect(
      await h.connector.findContact({ tenantId: h.tenantId, contactId: contact.ContactID }),
    ).toMatchObject({
      name: 'Koala Co',
    });
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
    await h.connector.searchContacts(h.tenantId, 'anyone');
    expect(h.fake.tokenRequests('refresh_token')).toHaveLength(1);
    const api = h.fake.server.requestsTo('GET', '/api.xro/2.0/Contacts');
    const stored = await h.store.get('xero');
    expect(api[0]?.headers.authorization).toBe(`Bearer ${stored?.accessToken}`);
  });

  it('refreshes once and retries when Xero refuses a token the store still thinks valid', async () => {
    h = await startHarness();
    h.fake.expireAccessTokens();
    const found = await h.connector.searchContacts(h.tenantId, 'nobody');
    expect(found).toEqual([]);
    const statuses = h.fake.server.requestsTo('GET', '/api.xro/2.0/Contacts').map((r) => r.status);
    expect(statuses).toEqual([401, 200]);
    expect(h.fake.tokenRequests('refresh_token')).toHaveLength(1);
    expect(h.logs.map((l) => l.event)).toContain('xero.retry_after_401');
  });

  it('treats invalid_grant as "reconnect Xero" and says so without any token', async () => {
    h = await startHarness();
    // Another installation used the refresh token: ours is dead.
    const stolen = await h
      .connectorWith({ tokenStore: new MemoryTokenStore(), lock: new MemoryLock() })
      .oauth.refresh(h.initial.refreshToken);
    const t = await h.store.get('xero');
    await h.store.set('xero', { ...t!, expiresAt: 0 });
    const err = await h.connector.getInvoiceStatus(h.tenantId, crypto.randomUUID()).catch((e: unknown) => e);
    expect(isReconnectRequired(err)).toBe(true);
    expect((err as Error).message).toMatch(/invalid_grant/);
    expect((err as Error).message).toMatch(/reconnect Xero/);
    expect((err as { retryable: boolean }).retryable).toBe(false);
    expect(
      leaks(err, [h.initial.refreshToken, h.initial.accessToken, stolen.accessToken, h.fake.clientSecret]),
    ).toEqual([]);
    expect(JSON.stringify(h.logs)).not.toContain(h.initial.refreshToken);
  });

  it('says "reconnect" when nothing is stored yet', async () => {
    h = await startHarness();
    await h.store.delete('xero');
    const err = await h.connector.getInvoiceStatus(h.tenantId, crypto.randomUUID()).catch((e: unknown) => e);
    expect(isReconnectRequired(err)).toBe(true);
    expect(h.fake.tokenRequests()).toHaveLength(0);
  });

  it('disconnect revokes the grant at Xero and forgets it here', async () => {
    h = await startHarness();
    await h.connector.disconnect();
    expect(await h.store.get('xero')).toBeNull();
    expect(h.fake.server.requestsTo('POST', '/connect/revocation')).toHaveLength(1);
    expect(h.fake.refreshTokenUsable(h.initial.refreshToken)).toBe(false);
  });
});

describe('fromConfig', () => {
  it('takes the credentials from auth.xero and every URL from endpoints.xero', async () => {
    h = await startHarness();
    const endpoints = { ...DEFAULT_ENDPOINTS, xero: h.fake.endpoints };
    const connector = XeroConnector.fromConfig(
      { auth: { xero: { clientId: h.fake.clientId, clientSecret: h.fake.clientSecret } }, endpoints },
      { tokenStore: h.store, lock: h.lock },
    );
    expect(connector.oauth.endpoints).toEqual(h.fake.endpoints);
    expect((await connector.connections()).map((c) => c.tenantId)).toEqual([h.tenantId]);
    expect(() =>
      XeroConnector.fromConfig({ auth: {}, endpoints }, { tokenStore: h!.store, lock: h!.lock }),
    ).toThrow(/auth\.xero is not configured/);
  });
});
