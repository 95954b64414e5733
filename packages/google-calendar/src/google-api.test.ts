import { inspect } from 'node:util';
import { bearerAuth, HttpPipeline, isConnectorError, isReconnectRequired } from '@vahub/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GoogleApi } from './google-api.js';
import { eventAnswer } from './schemas.js';
import { type Connected, connect, makeBlock, startFake } from './test-support.js';
import type { FakeGoogle } from './testing/index.js';

const DAY = { start: '2026-11-30T00:00:00Z', end: '2026-12-01T00:00:00Z' };
const block = makeBlock({ start: '2026-11-30T09:00:00Z', end: '2026-11-30T10:00:00Z' });

let fake: FakeGoogle;
let va: Connected;
beforeEach(async () => {
  fake = await startFake();
  va = await connect(fake);
});
afterEach(async () => {
  await fake.stop();
});

function shown(error: unknown): string {
  return `${String(error)} ${inspect(error, { depth: 10 })} ${JSON.stringify(error)}`;
}

describe('rate limits', () => {
  it("honours a 429's Retry-After (through the injected sleep) and then succeeds", async () => {
    fake.rateLimit({ status: 429, retryAfterSeconds: 1 });
    expect(await va.calendar.listBlocks(DAY)).toEqual([]);
    expect(va.sleeps).toEqual([1000]);
    expect(fake.apiRequests().map((r) => r.status)).toEqual([429, 200]);
  });

  it('retries an insert (POST) after 403 rateLimitExceeded: safe, because the id is deterministic', async () => {
    fake.rateLimit({ status: 403, reason: 'rateLimitExceeded' });
    expect(await va.calendar.upsertBlock(block)).toBe('created');
    expect(va.sleeps).toEqual([1000]);
    expect(fake.events()).toHaveLength(1);
  });

  it('a retried insert whose first answer was lost finds its own event: 409, read, unchanged', async () => {
    // An earlier attempt reached Google (the event exists), but the caller never saw the answer.
    await va.calendar.upsertBlock(block);
    fake.server.faults.next({ status: 503, match: (r) => r.method === 'POST' });
    expect(await va.calendar.upsertBlock(block)).toBe('unchanged');
    expect(fake.events()).toHaveLength(1);
  });

  it('gives up with a typed retryable error carrying the next wait when the limit persists', async () => {
    const strict = await connect(fake, { retry: { maxRateLimitWaits: 2 } });
    fake.rateLimit({ status: 403, reason: 'userRateLimitExceeded', times: 3 });
    const error = await strict.calendar.busy(DAY).catch((e: unknown) => e);
    expect(isConnectorError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, status: 403, retryAfterMs: 4000 });
    expect(String(error)).toContain('userRateLimitExceeded');
    // Google names no wait for 403s: vahub doubles its own (1 s, 2 s, then 4 s for the caller).
    expect(strict.sleeps).toEqual([1000, 2000]);
    expect(fake.apiRequests()).toHaveLength(3);
  });

  it('hands a calendar usage quota (hours) straight to the job queue', async () => {
    fake.server.faults.next({
      status: 403,
      json: {
        error: {
          code: 403,
          message: 'Calendar usage limits exceeded.',
          errors: [
            { domain: 'usageLimits', reason: 'quotaExceeded', message: 'Calendar usage limits exceeded.' },
          ],
        },
      },
    });
    const error = await va.calendar.upsertBlock(block).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'quota_exhausted', retryable: true, retryAfterMs: 3_600_000 });
    expect(va.sleeps).toEqual([]);
  });

  it('repeats a rate-limited watch (Google refused it before opening anything)', async () => {
    fake.rateLimit({ status: 429, retryAfterSeconds: 2 });
    const channel = await va.calendar.watch({ address: 'http://127.0.0.1:9/hook' });
    expect(channel.resourceId).toBeTruthy();
    expect(va.sleeps).toEqual([2000]);
    expect(fake.liveChannels()).toHaveLength(1);
  });

  it('does not sleep a wait longer than maxWaitMs: the job queue gets it instead', async () => {
    const patient = await connect(fake, { retry: { maxWaitMs: 10_000 } });
    fake.rateLimit({ status: 429, retryAfterSeconds: 60 });
    const error = await patient.calendar.listBlocks(DAY).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'rate_limited', retryAfterMs: 60_000 });
    expect(patient.sleeps).toEqual([]);
  });

  it('a 403 that is not a rate limit fails at once and is not retryable', async () => {
    fake.server.faults.next({
      status: 403,
      json: {
        error: {
          code: 403,
          message: 'Forbidden',
          errors: [{ domain: 'global', reason: 'forbidden', message: 'Forbidden' }],
        },
      },
    });
    const error = await va.calendar.listBlocks(DAY).catch((e: unknown) => e);
    expect(error).toMatchObject({ retryable: false, status: 403 });
    expect(fake.apiRequests()).toHaveLength(1);
  });

  it('opening a watch channel is not retried after a 5xx (it may have been opened)', async () => {
    fake.server.faults.next({ status: 503 });
    const error = await va.calendar.watch({ address: 'http://127.0.0.1:9/hook' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unavailable', retryable: true });
    expect(fake.apiRequests()).toHaveLength(1);
  });
});

describe('errors never carry a token', () => {
  it('neither for API errors nor for a dead grant, however the error is printed', async () => {
    fake.rateLimit({ status: 429, times: 10 });
    const limited = await va.calendar.listBlocks(DAY).catch((e: unknown) => e);
    expect(isConnectorError(limited) && limited.code).toBe('rate_limited');
    fake.expireAccessTokens();
    fake.revokeGrant();
    const dead = await va.calendar.listBlocks(DAY).catch((e: unknown) => e);
    expect(isReconnectRequired(dead)).toBe(true);
    const stored = await va.store.get('google');
    const secrets = [
      va.grant.accessToken,
      va.grant.refreshToken,
      stored?.accessToken ?? '',
      fake.clientSecret,
    ];
    for (const error of [limited, dead]) {
      for (const secret of secrets) expect(shown(error)).not.toContain(secret);
    }
  });

  it('a 401 that survives a refresh becomes "reconnect Google", not a loop', async () => {
    fake.server.faults.next({
      status: 401,
      times: 2,
      match: (r) => r.path.startsWith('/calendar/'),
      json: { error: { code: 401, message: 'Invalid Credentials' } },
    });
    const error = await va.calendar.listBlocks(DAY).catch((e: unknown) => e);
    expect(isReconnectRequired(error)).toBe(true);
    expect(String(error)).toMatch(/reconnect Google/);
    expect(fake.apiRequests()).toHaveLength(2);
    expect(fake.requests.filter((r) => r.path === '/token')).toHaveLength(1);
  });
});

describe('logs', () => {
  it('one line per exchange through deps.logger, with provider, operation, status and attempt; never a token', async () => {
    fake.rateLimit({ status: 429, retryAfterSeconds: 1 });
    await va.store.set('google', { ...va.grant, expiresAt: Date.now() - 1 });
    await va.calendar.listBlocks(DAY);
    const exchanges = va.logger.lines.filter((l) => l.fields.durationMs !== undefined);
    expect(
      exchanges.map((l) => [
        l.level,
        l.fields.provider,
        l.fields.operation,
        l.fields.status,
        l.fields.attempt,
      ]),
    ).toEqual([
      ['debug', 'google', 'refreshToken', 200, 1],
      ['warn', 'google', 'listBlocks', 429, 1],
      ['debug', 'google', 'listBlocks', 200, 2],
    ]);
    const stored = await va.store.get('google');
    for (const line of va.logger.lines) {
      for (const secret of [
        va.grant.accessToken,
        va.grant.refreshToken,
        stored?.accessToken,
        fake.clientSecret,
      ]) {
        expect(JSON.stringify(line)).not.toContain(secret);
      }
    }
  });
});

describe('the SDK on the pipeline', () => {
  it("answers with the pipeline's reading of the body (the schema's output), not a second parse of its own", async () => {
    await va.calendar.upsertBlock(block);
    const api = new GoogleApi(
      new HttpPipeline({ provider: 'google', auth: bearerAuth(va.grant.accessToken) }),
      {
        apiUrl: fake.endpoints().api,
        limitKey: 'test',
      },
    );
    const read = await api.call(
      'getBlock',
      (sdk) => sdk.events.get({ calendarId: 'primary', eventId: block.id }),
      { schema: eventAnswer.transform((event) => ({ ...event, readBy: 'the pipeline' })) },
    );
    expect(read).toMatchObject({ id: block.id, summary: block.title, readBy: 'the pipeline' });
    const patched = await api.call(
      'upsertBlock',
      (sdk) =>
        sdk.events.patch({ calendarId: 'primary', eventId: block.id, requestBody: { summary: 'Renamed' } }),
      { schema: eventAnswer },
    );
    expect(patched).toMatchObject({ id: block.id, summary: 'Renamed' });
    expect(fake.events()[0]?.json).toMatchObject({ summary: 'Renamed' });
  });
});
