import { inspect } from 'node:util';
import { isReconnectRequired, startLoopbackReceiver } from '@vahub/core';
import { within } from '@vahub/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, oauthFor, startFake } from './test-support.js';
import type { FakeGoogle } from './testing/index.js';

/** The VA's browser: open the consent URL, follow Google's redirect to the loopback receiver. */
async function browser(url: string): Promise<{ consent: URL; landing: number }> {
  const consent = await fetch(url, { redirect: 'manual' });
  const location = consent.headers.get('location');
  if (consent.status !== 302 || !location) throw new Error(`consent answered ${consent.status}`);
  const landing = await fetch(location);
  await landing.text();
  return { consent: new URL(location), landing: landing.status };
}

let fake: FakeGoogle;
beforeEach(async () => {
  fake = await startFake();
});
afterEach(async () => {
  await fake.stop();
});

describe('the authorization-code flow with PKCE and a loopback redirect', () => {
  it('builds the consent URL from config endpoints with an S256 challenge, offline access and state', async () => {
    const request = await (await oauthFor(fake)).authorizationRequest({
      redirectUri: 'http://127.0.0.1:5555/cb',
    });
    const url = new URL(request.url);
    expect(`${url.origin}${url.pathname}`).toBe(fake.endpoints().authorize);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('code_challenge')).not.toBe(request.codeVerifier);
    expect(url.searchParams.get('access_type')).toBe('offline');
    expect(url.searchParams.get('prompt')).toBe('consent');
    expect(url.searchParams.get('state')).toBe(request.state);
    expect(url.searchParams.get('redirect_uri')).toBe('http://127.0.0.1:5555/cb');
    expect(url.searchParams.get('scope')?.split(' ')).toContain(
      'https://www.googleapis.com/auth/calendar.events',
    );
    expect(request.url).not.toContain(request.codeVerifier);
  });

  it('connects end to end: consent, loopback redirect, code exchange with the verifier, grant stored', async () => {
    const { instance, store, calendar } = await connect(fake, { grant: false });
    let landed = 0;
    const result = await within(
      instance.connect({
        open: async (url) => {
          landed = (await browser(url)).landing;
        },
      }),
      5000,
      'connect',
    );
    expect(landed).toBe(200);
    const stored = await store.get('google');
    expect(stored?.refreshToken).toMatch(/^1\/\/fake-refresh-/);
    expect(stored?.accessToken).toMatch(/^ya29\.fake-/);
    expect(result).toEqual({
      key: 'google',
      scope: expect.stringContaining('calendar.freebusy'),
      expiresAt: stored?.expiresAt,
    });
    expect(JSON.stringify(result)).not.toContain(stored?.accessToken);
    const exchange = fake.requests.find((r) => r.path === '/token');
    const form = new URLSearchParams(exchange?.body);
    expect(form.get('grant_type')).toBe('authorization_code');
    expect(form.get('code_verifier')).toMatch(/^[A-Za-z0-9~_.-]{43,128}$/);
    // The stored grant works against the API.
    expect(await calendar.listBlocks({ start: '2026-11-30T00:00:00Z', end: '2026-12-01T00:00:00Z' })).toEqual(
      [],
    );
    expect(fake.apiRequests()[0]?.headers.authorization).toBe(`Bearer ${stored?.accessToken}`);
  });

  it('is refused by Google when the code comes back with the wrong verifier', async () => {
    const oauth = await oauthFor(fake);
    const receiver = await startLoopbackReceiver({ provider: 'google', title: 'Google Calendar' });
    try {
      const request = await oauth.authorizationRequest({ redirectUri: receiver.redirectUri });
      const code = receiver.waitForCode(request.state, 5000);
      await browser(request.url);
      const other = await oauth.authorizationRequest({ redirectUri: receiver.redirectUri });
      const error = await oauth
        .exchangeCode({
          code: await code,
          codeVerifier: other.codeVerifier,
          redirectUri: receiver.redirectUri,
        })
        .catch((e: unknown) => e);
      expect(isReconnectRequired(error)).toBe(true);
      expect(String(error)).toContain('Invalid code verifier');
      expect(String(error)).not.toContain(other.codeVerifier);
    } finally {
      await receiver.close();
    }
  });

  it('ignores a redirect with a foreign state and reports a declined consent', async () => {
    const receiver = await startLoopbackReceiver({ provider: 'google', title: 'Google Calendar' });
    try {
      const waiting = receiver.waitForCode('expected-state', 5000).catch((e: unknown) => e);
      const forged = await fetch(`${receiver.redirectUri}?state=forged&code=stolen`);
      expect(forged.status).toBe(400);
      fake.oauth.consent = 'deny';
      const request = await (await oauthFor(fake)).authorizationRequest({
        redirectUri: receiver.redirectUri,
        state: 'expected-state',
      });
      const { consent } = await browser(request.url);
      expect(consent.searchParams.get('error')).toBe('access_denied');
      expect(String(await waiting)).toMatch(/consent was declined/);
    } finally {
      await receiver.close();
    }
  });
});

describe('refresh through the token manager', () => {
  it('refreshes an expired token once, keeps the refresh token, and the API accepts the new token', async () => {
    const { calendar, store, grant } = await connect(fake);
    await store.set('google', { ...grant, expiresAt: Date.now() - 1000 });
    fake.expireAccessTokens();
    await Promise.all([
      calendar.listBlocks({ start: '2026-11-30T00:00:00Z', end: '2026-12-01T00:00:00Z' }),
      calendar.busy({ start: '2026-11-30T00:00:00Z', end: '2026-12-01T00:00:00Z' }),
    ]);
    const refreshes = fake.requests.filter((r) => r.path === '/token');
    expect(refreshes).toHaveLength(1);
    expect(new URLSearchParams(refreshes[0]?.body).get('grant_type')).toBe('refresh_token');
    const stored = await store.get('google');
    expect(stored?.accessToken).not.toBe(grant.accessToken);
    expect(stored?.refreshToken).toBe(grant.refreshToken);
    expect(fake.apiRequests().every((r) => r.status === 200)).toBe(true);
  });

  it('refreshes after a 401 on a token the store still thinks is fresh, then succeeds', async () => {
    const { calendar, store, grant } = await connect(fake);
    fake.expireAccessTokens();
    await calendar.listBlocks({ start: '2026-11-30T00:00:00Z', end: '2026-12-01T00:00:00Z' });
    const statuses = fake.apiRequests().map((r) => r.status);
    expect(statuses).toEqual([401, 200]);
    expect((await store.get('google'))?.accessToken).not.toBe(grant.accessToken);
  });

  it('reads the grant once for a run of calls: a token put in the store just after is not read yet', async () => {
    const { calendar, store, grant } = await connect(fake);
    const day = { start: '2026-11-30T00:00:00Z', end: '2026-12-01T00:00:00Z' };
    await calendar.listBlocks(day);
    // Were the store read on every call, the next one would send this token and get a 401.
    await store.set('google', { ...grant, accessToken: 'not-a-google-token' });
    await calendar.listBlocks(day);
    expect(fake.apiRequests().map((r) => r.status)).toEqual([200, 200]);
    expect(fake.requests.filter((r) => r.path === '/token')).toHaveLength(0);
  });

  it('turns a revoked grant into "reconnect Google" without a retry loop, and never shows a token', async () => {
    const { calendar, store, grant } = await connect(fake);
    await store.set('google', { ...grant, expiresAt: Date.now() - 1000 });
    fake.revokeGrant();
    const error = await calendar
      .busy({ start: '2026-11-30T00:00:00Z', end: '2026-12-01T00:00:00Z' })
      .catch((e: unknown) => e);
    expect(isReconnectRequired(error)).toBe(true);
    expect((error as Error).message).toMatch(/reconnect Google/);
    expect((error as Error).message).toContain('invalid_grant');
    expect(fake.requests.filter((r) => r.path === '/token')).toHaveLength(1);
    expect(fake.apiRequests()).toHaveLength(0);
    const shown = `${inspect(error, { depth: 10 })} ${JSON.stringify(error)}`;
    for (const secret of [grant.accessToken, grant.refreshToken, fake.clientSecret]) {
      expect(shown).not.toContain(secret);
    }
  });

  it('names the OAuth client as the problem when Google refuses it', async () => {
    const oauth = await oauthFor(fake, {
      secrets: { clientId: fake.clientId, clientSecret: 'GOCSPX-wrong-secret' },
    });
    const error = await oauth.refresh(fake.issueGrant().refreshToken).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/invalid_client.*clientSecret/);
    expect(isReconnectRequired(error)).toBe(false);
    expect((error as Error).message).not.toContain('GOCSPX-wrong-secret');
  });
});
