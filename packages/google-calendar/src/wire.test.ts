import { type FakeRequest, FakeServer } from '@vahub/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStalledServer } from './test-servers.js';
import { type Connected, connect, makeBlock, startFake } from './test-support.js';
import type { FakeGoogle } from './testing/index.js';

const DAY = { start: '2026-11-30T00:00:00Z', end: '2026-12-01T00:00:00Z' };
const block = makeBlock({ start: '2026-11-30T09:00:00Z', end: '2026-11-30T10:00:00Z' });
const expire = (va: Connected) => va.store.set('google', { ...va.grant, expiresAt: Date.now() - 1 });

let fake: FakeGoogle;
beforeEach(async () => {
  fake = await startFake();
});
afterEach(async () => {
  await fake.stop();
});

describe('a redirect to another host is refused: no credential leaves for it', () => {
  let elsewhere: FakeServer;
  beforeEach(async () => {
    elsewhere = new FakeServer('elsewhere');
    await elsewhere.start();
  });
  afterEach(async () => {
    await elsewhere.stop();
  });

  const redirect = (match: (r: FakeRequest) => boolean, path: string) =>
    fake.answerNext({ match, status: 307, headers: { location: `${elsewhere.url}${path}` } });
  const refused = {
    provider: 'google',
    code: 'unexpected_response',
    retryable: false,
    message: expect.stringContaining('redirected to another host'),
  };

  it('from the Calendar API: the bearer token is not sent on', async () => {
    const va = await connect(fake);
    redirect((r) => r.path.startsWith('/calendar/v3/'), '/calendar/v3/calendars/primary/events');
    const error = await va.calendar.listBlocks(DAY).catch((e: unknown) => e);
    expect(error).toMatchObject({ ...refused, operation: 'listBlocks' });
    expect(elsewhere.requests).toEqual([]);
    expect(fake.apiRequests()).toHaveLength(1);
  });

  it('from the token endpoint on refresh: the refresh token and client secret stay home', async () => {
    const va = await connect(fake);
    await expire(va);
    redirect((r) => r.path === '/token', '/token');
    const error = await va.calendar.busy(DAY).catch((e: unknown) => e);
    expect(error).toMatchObject({ ...refused, operation: 'refreshToken' });
    expect(elsewhere.requests).toEqual([]);
    const asked = fake.requests.filter((r) => r.path === '/token');
    expect(asked).toHaveLength(1);
    expect(new URLSearchParams(asked[0]?.body).get('refresh_token')).toBe(va.grant.refreshToken);
    expect(fake.apiRequests()).toEqual([]);
  });

  it('from the token endpoint on the code exchange, and from the revoke endpoint', async () => {
    const { googleOAuth: oauth } = (await connect(fake, { grant: false })).instance;
    redirect((r) => r.path === '/token', '/token');
    const exchange = await oauth
      .exchangeCode({
        code: '4/some-code',
        codeVerifier: 'v'.repeat(43),
        redirectUri: 'http://127.0.0.1:1/cb',
      })
      .catch((e: unknown) => e);
    expect(exchange).toMatchObject({ ...refused, operation: 'exchangeCode' });
    redirect((r) => r.path === '/revoke', '/revoke');
    const revoke = await oauth.revoke(fake.issueGrant().refreshToken).catch((e: unknown) => e);
    expect(revoke).toMatchObject({ ...refused, operation: 'revokeToken' });
    expect(elsewhere.requests).toEqual([]);
  });
});

describe('an answer that never completes times out, retryably, and closes its socket', () => {
  for (const mode of ['silent', 'trickle'] as const) {
    const how = mode === 'silent' ? 'never answers' : 'stalls after its headers';

    it(`the Calendar API ${how}`, async () => {
      const stalled = await startStalledServer(mode);
      try {
        // Long enough for each attempt's request to reach the server in this same process on a loaded
        // machine (at 250 ms a run at load 20 saw the second attempt time out before it arrived).
        const va = await connect(fake, {
          endpoints: { api: `${stalled.url}/` },
          timeoutMs: 1_000,
          retry: { attempts: 2 },
        });
        const error = await va.calendar.listBlocks(DAY).catch((e: unknown) => e);
        expect(error).toMatchObject({
          provider: 'google',
          operation: 'listBlocks',
          code: 'timeout',
          retryable: true,
        });
        expect(stalled.seen).toHaveLength(2);
        expect(await stalled.requestSocketsClosed()).toBe(2);
      } finally {
        await stalled.close();
      }
    });

    it(`the token endpoint ${how} on refresh: the call fails and the refresh lock is let go`, async () => {
      const stalled = await startStalledServer(mode);
      try {
        // Each attempt must reach the server in this same process before its bound (see above).
        const va = await connect(fake, {
          endpoints: { token: `${stalled.url}/token` },
          timeoutMs: 1_000,
          retry: { attempts: 1 },
          oauthAttempts: 2,
        });
        await expire(va);
        const error = await va.calendar.busy(DAY).catch((e: unknown) => e);
        expect(error).toMatchObject({ operation: 'refreshToken', code: 'timeout', retryable: true });
        expect(stalled.seen).toHaveLength(2);
        expect(new URLSearchParams(stalled.seen[0]?.body).get('grant_type')).toBe('refresh_token');
        // Nothing waits behind a refresh that hangs: the next call tries (and times out) on its own.
        const again = await va.calendar.listBlocks(DAY).catch((e: unknown) => e);
        expect(again).toMatchObject({ operation: 'refreshToken', code: 'timeout' });
        expect(stalled.seen).toHaveLength(4);
        expect(await stalled.requestSocketsClosed()).toBe(4);
        expect(fake.apiRequests()).toEqual([]);
      } finally {
        await stalled.close();
      }
    });

    it(`the token endpoint ${how} on the code exchange and on revoke`, async () => {
      const stalled = await startStalledServer(mode);
      try {
        const { googleOAuth: oauth } = (
          await connect(fake, {
            grant: false,
            endpoints: { token: `${stalled.url}/token`, revoke: `${stalled.url}/revoke` },
            timeoutMs: 1_000,
            oauthAttempts: 1,
          })
        ).instance;
        const exchange = await oauth
          .exchangeCode({
            code: '4/code',
            codeVerifier: 'v'.repeat(43),
            redirectUri: 'http://127.0.0.1:1/cb',
          })
          .catch((e: unknown) => e);
        expect(exchange).toMatchObject({ operation: 'exchangeCode', code: 'timeout', retryable: true });
        const revoke = await oauth.revoke('1//some-refresh-token').catch((e: unknown) => e);
        expect(revoke).toMatchObject({ operation: 'revokeToken', code: 'timeout', retryable: true });
        expect(stalled.seen.map((s) => s.path)).toEqual(['/token', '/revoke']);
        expect(await stalled.requestSocketsClosed()).toBe(2);
      } finally {
        await stalled.close();
      }
    });
  }
});

describe('an answer that cannot be read is an error, never "nothing"', () => {
  const INVALID_JSON = '{"kind": "calendar#events", "items": [';
  // What a misconfigured proxy might hand back: JSON, 200, and nothing vahub can use.
  const SHAPELESS = JSON.stringify({ data: { items: [] } });
  const family = 'family@group.calendar.google.com';
  const GET = (path: RegExp) => (r: FakeRequest) => r.method === 'GET' && path.test(r.path);
  const POST = (path: RegExp) => (r: FakeRequest) => r.method === 'POST' && path.test(r.path);

  const reads: {
    what: string;
    operation: string;
    match: (r: FakeRequest) => boolean;
    prepare?: (va: Connected) => Promise<unknown>;
    run: (va: Connected) => Promise<unknown>;
  }[] = [
    {
      what: 'busy: the own calendar',
      operation: 'busy',
      match: GET(/\/calendars\/primary\/events$/),
      run: (va) => va.calendar.busy(DAY),
    },
    {
      what: 'busy: freeBusy of the further calendars',
      operation: 'busy',
      match: POST(/\/freeBusy$/),
      run: (va) => va.calendar.busy(DAY),
    },
    {
      what: 'listBlocks',
      operation: 'listBlocks',
      match: GET(/\/events$/),
      run: (va) => va.calendar.listBlocks(DAY),
    },
    {
      what: 'getBlock',
      operation: 'getBlock',
      match: GET(/\/events\/[a-v0-9]+$/),
      prepare: (va) => va.calendar.upsertBlock(block),
      run: (va) => va.calendar.getBlock(block.id),
    },
    {
      what: 'syncChanges',
      operation: 'syncChanges',
      match: GET(/\/events$/),
      run: (va) => va.calendar.syncChanges(null),
    },
    {
      what: "upsertBlock's insert",
      operation: 'upsertBlock',
      match: POST(/\/calendars\/primary\/events$/),
      run: (va) => va.calendar.upsertBlock(block),
    },
    {
      what: "upsertBlock's read after a 409",
      operation: 'upsertBlock',
      match: GET(/\/events\/[a-v0-9]+$/),
      prepare: (va) => va.calendar.upsertBlock(block),
      run: (va) => va.calendar.upsertBlock({ ...block, title: 'Renamed' }),
    },
    {
      what: 'watch',
      operation: 'watch',
      match: POST(/\/events\/watch$/),
      run: (va) => va.calendar.watch({ address: 'http://127.0.0.1:9/google' }),
    },
    {
      what: 'the token refresh',
      operation: 'refreshToken',
      match: POST(/^\/token$/),
      prepare: expire,
      run: (va) => va.calendar.listBlocks(DAY),
    },
  ];

  for (const read of reads) {
    for (const [kind, body, words] of [
      ['invalid JSON', INVALID_JSON, 'not valid JSON'],
      ['a 200 of another shape', SHAPELESS, 'did not have the expected shape'],
    ] as const) {
      it(`${read.what}: ${kind}`, async () => {
        fake.addCalendar(family);
        const va = await connect(fake, {
          calendar: { id: 'primary', busyCalendars: [family] },
          retry: { attempts: 1 },
          oauthAttempts: 1,
        });
        await read.prepare?.(va);
        fake.answerNext({ match: read.match, body });
        const error = await read.run(va).then(
          (value) => ({ value }),
          (e: unknown) => e,
        );
        expect(error).toMatchObject({
          provider: 'google',
          operation: read.operation,
          code: 'unexpected_response',
          retryable: true,
          message: expect.stringContaining(words),
        });
        // Nothing half-read was kept: no channel the receiver would trust, the grant as it was.
        expect(await va.state.keys('')).toEqual([]);
        if (read.operation === 'refreshToken')
          expect(await va.store.get('google')).toMatchObject({ accessToken: va.grant.accessToken });
      });
    }
  }

  it('is retried like any transient failure: the next, readable answer is used', async () => {
    const va = await connect(fake);
    fake.seedEvent('primary', {
      summary: 'Client call',
      start: { dateTime: '2026-11-30T08:00:00Z' },
      end: { dateTime: '2026-11-30T09:00:00Z' },
    });
    fake.answerNext({ match: GET(/\/events$/), body: INVALID_JSON });
    expect(await va.calendar.busy(DAY)).toEqual([
      { start: '2026-11-30T08:00:00.000Z', end: '2026-11-30T09:00:00.000Z', source: 'primary' },
    ]);
    expect(fake.apiRequests().map((r) => r.status)).toEqual([200, 200]);
  });
});
