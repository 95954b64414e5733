import { fileURLToPath } from 'node:url';
import { loadConfig, MemoryLock, MemoryTokenStore } from '@vahub/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGoogleCalendar } from './google-calendar.js';
import { makeBlock, startFake } from './test-support.js';
import type { FakeGoogle } from './testing/index.js';

const example = fileURLToPath(new URL('../../../vahub.config.example.yaml', import.meta.url));

describe('createGoogleCalendar from the config', () => {
  let fake: FakeGoogle;
  beforeEach(async () => {
    fake = await startFake();
  });
  afterEach(async () => {
    await fake.stop();
  });

  it('takes every URL from endpoints (env overrides), the calendar and the VA zone from the config', async () => {
    const urls = fake.endpoints();
    const config = await loadConfig(example, {
      env: {
        VAHUB_ENDPOINT_GOOGLE_API: urls.api,
        VAHUB_ENDPOINT_GOOGLE_TOKEN: urls.token,
        VAHUB_ENDPOINT_GOOGLE_AUTHORIZE: urls.authorize,
        VAHUB_ENDPOINT_GOOGLE_REVOKE: urls.revoke,
      },
    });
    const store = new MemoryTokenStore();
    const grant = fake.issueGrant();
    // An expired access token: the first call must refresh at the configured token URL.
    await store.set('google:va', { ...grant, expiresAt: Date.now() - 1 });
    const { calendar, oauth } = createGoogleCalendar({
      config: { ...config, auth: { google: { clientId: fake.clientId, clientSecret: fake.clientSecret } } },
      store,
      lock: new MemoryLock(),
      key: 'google:va',
    });
    await calendar.upsertBlock(makeBlock({ start: '2026-11-30T09:00:00Z', end: '2026-11-30T10:00:00Z' }));
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /token',
      'POST /calendar/v3/calendars/primary/events',
    ]);
    expect(fake.events()[0]?.json.start).toMatchObject({ timeZone: config.va.timezone });
    expect((await store.get('google:va'))?.accessToken).not.toBe(grant.accessToken);
    const request = await oauth.authorizationRequest({ redirectUri: 'http://127.0.0.1:1/cb' });
    expect(request.url.startsWith(urls.authorize)).toBe(true);
  });

  it('says what is missing when auth.google is not configured', async () => {
    const config = await loadConfig(example, { env: {} });
    expect(() =>
      createGoogleCalendar({ config, store: new MemoryTokenStore(), lock: new MemoryLock() }),
    ).toThrow(/auth\.google.*not configured/);
  });
});
