import { isConnectorError, type RateLimiter } from '@vahub/core';
import { afterEach, describe, expect, it } from 'vitest';
import { XeroRateLimitError } from './api-errors.js';
import { KeyedSemaphore } from './limits.js';
import { type Harness, startHarness, TestClock } from './test-support/harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

describe('limit headers', () => {
  it('exposes the remaining calls Xero reported on its last answer', async () => {
    h = await startHarness({ fake: { limits: { perMinute: 60, perDay: 5000, appPerMinute: 10_000 } } });
    expect(h.accounting.limits(h.tenantId)).toBeNull();
    await h.accounting.searchContacts(h.tenantId, 'a');
    await h.accounting.searchContacts(h.tenantId, 'b');
    expect(h.accounting.limits(h.tenantId)).toMatchObject({
      minuteRemaining: 58,
      dayRemaining: 4998,
      appMinuteRemaining: 9998,
    });
  });
});

describe('429', () => {
  it('waits exactly Retry-After and tries again', async () => {
    const clock = new TestClock();
    h = await startHarness({ clock, fake: { limits: { perMinute: 2, minuteMs: 1000 } } });
    for (const term of ['a', 'b', 'c']) await h.accounting.searchContacts(h.tenantId, term);
    const calls = h.fake.server.requestsTo('GET', '/api.xro/2.0/Contacts');
    expect(calls.map((c) => c.status)).toEqual([200, 200, 429, 200]);
    expect(calls[2]?.query.searchTerm).toBe('c');
    expect(clock.slept).toEqual([1000]);
    expect(h.logger.lines).toContainEqual(
      expect.objectContaining({
        message: "Xero's rate limit was hit",
        fields: expect.objectContaining({
          operation: 'searchContacts',
          tenantId: h.tenantId,
          limit: 'minute',
          retryAfter: '1',
        }),
      }),
    );
    expect(h.logger.lines).toContainEqual(
      expect.objectContaining({
        message: 'vendor call will be retried',
        fields: expect.objectContaining({ operation: 'searchContacts', status: 429, waitMs: 1000 }),
      }),
    );
  });

  it('gives up with a typed rate_limited error naming the limit and the wait', async () => {
    const clock = new TestClock();
    h = await startHarness({
      clock,
      fake: { limits: { perMinute: 1, minuteMs: 60_000 } },
      tuning: { retry: { maxRateLimitWaits: 0 } },
    });
    await h.accounting.searchContacts(h.tenantId, 'a');
    const err = await h.accounting.searchContacts(h.tenantId, 'b').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(XeroRateLimitError);
    expect(isConnectorError(err)).toBe(true);
    const e = err as XeroRateLimitError;
    expect(e).toMatchObject({
      code: 'rate_limited',
      status: 429,
      retryable: true,
      retryAfterMs: 60_000,
      limit: 'minute',
    });
    expect(e.message).toBe(
      "xero searchContacts failed (HTTP 429): Xero's minute rate limit was hit, retry after 60 s",
    );
    expect(h.accounting.limits(h.tenantId)?.minuteRemaining).toBe(0);
    expect(clock.slept).toEqual([]);
  });

  it('does not wait in-process for a Retry-After longer than the bound', async () => {
    const clock = new TestClock();
    h = await startHarness({
      clock,
      fake: { limits: { perDay: 1 } },
      tuning: { retry: { maxWaitMs: 60_000 } },
    });
    await h.accounting.searchContacts(h.tenantId, 'a');
    const err = (await h.accounting
      .searchContacts(h.tenantId, 'b')
      .catch((e: unknown) => e)) as XeroRateLimitError;
    expect(err.limit).toBe('day');
    expect(err.retryAfterMs).toBeGreaterThan(60_000);
    expect(clock.slept).toEqual([]);
  });

  it('keeps to 5 calls in flight per organisation, so Xero’s concurrency limit is never hit from one process', async () => {
    // Long enough that the 12 calls overlap at the fake even on a loaded machine.
    h = await startHarness({ fake: { latencyMs: 150 } });
    const harness = h;
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => harness.accounting.searchContacts(harness.tenantId, `t${i}`)),
    );
    const calls = h.fake.server.requestsTo('GET', '/api.xro/2.0/Contacts');
    expect(calls.every((c) => c.status === 200)).toBe(true);
    expect(h.fake.limits.peakInFlight.get(h.tenantId)).toBe(5);
  });

  it('control: without the in-process cap Xero answers 429 concurrent, and the retry heals it', async () => {
    h = await startHarness({ fake: { latencyMs: 150 } });
    const server = h.fake.server;
    const slept: number[] = [];
    // Honour Retry-After by waiting for the event it stands for: a call in flight finishing.
    const sleep = async (ms: number) => {
      slept.push(ms);
      const seen = server.requests.length;
      await server.waitForRequest((r) => server.requests.indexOf(r) >= seen && r.status === 200, 5000);
    };
    const { accounting } = h.build({
      tuning: { maxInFlightPerTenant: 12, retry: { maxRateLimitWaits: 10 } },
      deps: { sleep },
    });
    const tenantId = h.tenantId;
    const found = await Promise.all(
      Array.from({ length: 8 }, (_, i) => accounting.searchContacts(tenantId, `t${i}`)),
    );
    expect(found).toHaveLength(8);
    const calls = server.requestsTo('GET', '/api.xro/2.0/Contacts');
    expect(calls.filter((c) => c.status === 429).length).toBeGreaterThan(0);
    expect(calls.filter((c) => c.status === 200)).toHaveLength(8);
    expect(slept.length).toBeGreaterThan(0);
    expect(slept.every((ms) => ms === 1000)).toBe(true);
    expect(h.fake.limits.peakInFlight.get(tenantId)).toBe(5);
  });
});

describe('a shared limiter', () => {
  it('replaces the in-process one when the deps give it, counting by organisation', async () => {
    h = await startHarness({ fake: { latencyMs: 150 } });
    const seen: string[] = [];
    const shared: RateLimiter = {
      acquire: async (r) => {
        seen.push(`${r.provider} ${r.key} ${r.operation}`);
        return () => undefined;
      },
    };
    const { accounting } = h.build({ deps: { limiter: shared }, tuning: { maxInFlightPerTenant: 1 } });
    const tenantId = h.tenantId;
    await Promise.all(['a', 'b', 'c'].map((t) => accounting.searchContacts(tenantId, t)));
    expect(seen).toEqual(Array(3).fill(`xero ${tenantId} searchContacts`));
    // The in-process cap of 1 was not applied on top: the shared limiter decides alone.
    expect(h.fake.limits.peakInFlight.get(tenantId)).toBe(3);
  });
});

describe('KeyedSemaphore', () => {
  it('lets at most `size` run per key and serves waiters in order', async () => {
    const sem = new KeyedSemaphore(2);
    const order: number[] = [];
    let active = 0;
    let peak = 0;
    const gates: (() => void)[] = [];
    const runs = [0, 1, 2, 3].map((i) =>
      sem.run('t', async () => {
        active += 1;
        peak = Math.max(peak, active);
        order.push(i);
        await new Promise<void>((resolve) => gates.push(resolve));
        active -= 1;
      }),
    );
    const other = sem.run('other', async () => 'free');
    expect(await other).toBe('free');
    while (gates.length > 0 || order.length < 4) {
      await new Promise((r) => setImmediate(r));
      gates.shift()?.();
    }
    await Promise.all(runs);
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3]);
  });
});
