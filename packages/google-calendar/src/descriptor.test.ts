import { ConfigError, isConnectorError, MemoryLock, MemoryLogger, MemoryTokenStore } from '@vahub/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GoogleCalendarInstance } from './connector.js';
import { googleCalendarConnector } from './descriptor.js';
import { GOOGLE_ENDPOINTS } from './settings.js';
import { contextFrom, MINIMAL_CONFIG, makeBlock, parseGoogleConfig, startFake } from './test-support.js';
import { type FakeGoogle, MemoryStateStore } from './testing/index.js';

function issuesOf(text: string, env: NodeJS.ProcessEnv = {}) {
  try {
    parseGoogleConfig(text, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues;
  }
  throw new Error('expected the config to be refused');
}

describe('googleCalendarConnector: what it declares', () => {
  it('serves the calendar port; its OAuth spec names its own endpoints and secrets', () => {
    const { id, serves, config, auth } = googleCalendarConnector;
    expect([id, serves]).toEqual(['google', ['calendar']]);
    expect(config.client).toBeUndefined();
    expect(config.section).toBeUndefined();
    expect(Object.keys(config.endpoints).sort()).toEqual(['api', 'authorize', 'revoke', 'token']);
    expect(config.secrets.clientId.env).toBe('GOOGLE_CLIENT_ID');
    expect(config.secrets.clientSecret.env).toBe('GOOGLE_CLIENT_SECRET');
    if (auth.kind !== 'oauth2') throw new Error('Google authenticates with OAuth');
    for (const endpoint of [auth.authorizeEndpoint, auth.tokenEndpoint, auth.revokeEndpoint ?? '']) {
      expect(Object.keys(config.endpoints)).toContain(endpoint);
    }
    expect(Object.keys(config.secrets)).toEqual([auth.clientIdSecret, auth.clientSecretSecret]);
    expect(auth).toMatchObject({ pkce: true, tokenKey: 'google' });
    expect(auth.scopes).toContain('https://www.googleapis.com/auth/calendar.events');
  });
});

describe('googleCalendarConnector: its config', () => {
  it("fills in Google's endpoints and reads the client from the conventional variables", () => {
    const config = parseGoogleConfig(MINIMAL_CONFIG, {
      GOOGLE_CLIENT_ID: 'id.apps.googleusercontent.com',
      GOOGLE_CLIENT_SECRET: 'GOCSPX-secret',
    });
    expect(config.endpoints.google).toEqual(GOOGLE_ENDPOINTS);
    expect(config.auth.google).toEqual({
      clientId: 'id.apps.googleusercontent.com',
      clientSecret: 'GOCSPX-secret',
    });
    expect(parseGoogleConfig(MINIMAL_CONFIG, {}).auth.google).toBeUndefined();
  });

  it('takes endpoint overrides from the file and from VAHUB_ENDPOINT_GOOGLE_*, the environment winning', () => {
    const text = `${MINIMAL_CONFIG}endpoints:\n  google: { api: "https://proxy.example/google/", token: "https://file.example/token" }\n`;
    const config = parseGoogleConfig(text, { VAHUB_ENDPOINT_GOOGLE_TOKEN: 'http://127.0.0.1:9/token' });
    expect(config.endpoints.google).toEqual({
      ...GOOGLE_ENDPOINTS,
      api: 'https://proxy.example/google/',
      token: 'http://127.0.0.1:9/token',
    });
  });

  // Each case: a change to the valid config, the environment, the path the error must name, and words of the fix.
  const bad: [string, string, NodeJS.ProcessEnv, string, RegExp][] = [
    [
      'an endpoint that is not a URL',
      `${MINIMAL_CONFIG}endpoints:\n  google: { token: "oauth2.googleapis.com/token" }\n`,
      {},
      'endpoints.google.token',
      /absolute URL/,
    ],
    [
      'an endpoint Google has not',
      `${MINIMAL_CONFIG}endpoints:\n  google: { calendar: "https://x.example/" }\n`,
      {},
      'endpoints.google',
      /unknown key "calendar"/,
    ],
    [
      'a client secret written in the file',
      `${MINIMAL_CONFIG}auth:\n  google: { clientId: "\${GOOGLE_CLIENT_ID}", clientSecret: "GOCSPX-literal" }\n`,
      { GOOGLE_CLIENT_ID: 'id' },
      'auth.google.clientSecret',
      /\$\{GOOGLE_CLIENT_SECRET\}/,
    ],
    [
      'a client id without its secret',
      MINIMAL_CONFIG,
      { GOOGLE_CLIENT_ID: 'id.apps.googleusercontent.com' },
      'auth.google.clientSecret',
      /is required/,
    ],
    [
      'a referenced variable that is not set',
      `${MINIMAL_CONFIG}auth:\n  google: { clientId: "\${MY_ID}", clientSecret: "\${MY_SECRET}" }\n`,
      { MY_ID: 'id' },
      'auth.google.clientSecret',
      /MY_SECRET is not set/,
    ],
  ];
  for (const [what, text, env, path, message] of bad) {
    it(`refuses ${what}, naming ${path}`, () => {
      const issues = issuesOf(text, env);
      expect(issues).toContainEqual({ path, message: expect.stringMatching(message) });
    });
  }
});

describe('googleCalendarConnector.create', () => {
  let fake: FakeGoogle;
  beforeEach(async () => {
    fake = await startFake();
  });
  afterEach(async () => {
    await fake.stop();
  });

  const deps = (store = new MemoryTokenStore()) => ({
    tokens: store,
    lock: new MemoryLock(),
    logger: new MemoryLogger(),
    state: new MemoryStateStore(),
  });

  it('takes every URL from endpoints (env overrides), the calendar and the VA zone from the config', async () => {
    const config = parseGoogleConfig(`${MINIMAL_CONFIG}calendar: { id: primary }\n`, fake.env());
    const store = new MemoryTokenStore();
    const grant = fake.issueGrant();
    // An expired access token: the first call must refresh at the configured token URL.
    await store.set('google', { ...grant, expiresAt: Date.now() - 1 });
    // The descriptor types its instance as any calendar connector; Google's adds the OAuth side.
    const instance = googleCalendarConnector.create(
      contextFrom(config, deps(store)),
    ) as unknown as GoogleCalendarInstance;
    expect(fake.requests).toEqual([]); // building calls nobody
    await instance.ports.calendar.upsertBlock(
      makeBlock({ start: '2026-11-30T09:00:00Z', end: '2026-11-30T10:00:00Z' }),
    );
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /token',
      'POST /calendar/v3/calendars/primary/events',
    ]);
    expect(fake.events()[0]?.json.start).toMatchObject({ timeZone: config.va.timezone });
    expect((await store.get('google'))?.accessToken).not.toBe(grant.accessToken);
    const request = await instance.googleOAuth.authorizationRequest({
      redirectUri: 'http://127.0.0.1:1/cb',
    });
    expect(request.url.startsWith(fake.endpoints().authorize)).toBe(true);
    expect(instance.webhooks?.hooked).toBe(false);
  });

  it('is built without auth.google, and the first call that needs it names what is missing', async () => {
    const { GOOGLE_CLIENT_ID: _id, GOOGLE_CLIENT_SECRET: _secret, ...endpointsOnly } = fake.env();
    const config = parseGoogleConfig(MINIMAL_CONFIG, endpointsOnly);
    expect(config.auth.google).toBeUndefined();
    const store = new MemoryTokenStore();
    await store.set('google', { ...fake.issueGrant(), expiresAt: Date.now() - 1 });
    // The descriptor types its instance as any calendar connector; Google's adds the OAuth side.
    const instance = googleCalendarConnector.create(
      contextFrom(config, deps(store)),
    ) as unknown as GoogleCalendarInstance;
    const error = await instance.ports.calendar
      .listBlocks({ start: '2026-11-30T00:00:00Z', end: '2026-12-01T00:00:00Z' })
      .catch((e: unknown) => e);
    expect(isConnectorError(error) && error.retryable).toBe(false);
    expect(String(error)).toMatch(/auth\.google.*not configured/);
    expect(String(error)).toContain('GOOGLE_CLIENT_ID');
    let opened = false;
    const connecting = await instance
      .connect({
        open: async () => {
          opened = true;
        },
      })
      .catch((e: unknown) => e);
    expect(String(connecting)).toMatch(/auth\.google\.clientId is not configured: set GOOGLE_CLIENT_ID/);
    expect(opened).toBe(false);
    expect(fake.requests).toEqual([]);
  });
});
