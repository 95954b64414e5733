import { ConnectorError } from '@vahub/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TogglClient, type TogglClientOptions } from './client.js';
import type { TogglQuota } from './http.js';
import { FakeToggl } from './testing/index.js';

const T0 = Date.parse('2026-11-02T09:00:00Z');
const MINUTE = 60_000;

describe("Toggl's limits: 429 leaky bucket and 402 hourly quota", () => {
  let fake: FakeToggl;
  let clock: number;
  let waits: number[];

  beforeEach(async () => {
    clock = T0;
    waits = [];
    fake = new FakeToggl({ now: () => clock });
    await fake.start();
    fake.addWorkspace();
  });
  afterEach(() => fake.stop());

  /**
   * A client whose waits move the fake's clock instead of the wall clock. Its jitter source is pinned
   * to 0, so a 429's wait is exactly what Toggl asked (the spread is tested in concurrency.test.ts).
   */
  const clientWith = (options: Partial<TogglClientOptions> = {}) =>
    new TogglClient({
      apiToken: fake.apiToken,
      endpoints: fake.endpoints(),
      now: () => clock,
      ...options,
      retry: {
        sleep: async (ms) => {
          waits.push(ms);
          clock += ms;
        },
        random: () => 0,
        ...options.retry,
      },
    });

  it('waits out a 429 for exactly its Retry-After and then succeeds', async () => {
    fake.limits.leakyBucket = { ratePerSecond: 1, capacity: 1 };
    const client = clientWith();
    await client.me();
    await client.me(); // same instant: the bucket is full
    expect(waits).toEqual([1000]);
    expect(fake.requestsTo('GET', '/api/v9/me').map((r) => r.status)).toEqual([200, 429, 200]);
  });

  it('uses a longer Retry-After as given', async () => {
    fake.server.faults.next({ status: 429, retryAfterSeconds: 7 });
    await clientWith().workspaces();
    expect(waits).toEqual([7000]);
  });

  it('gives up after maxAttempts with a rate_limited error carrying the wait', async () => {
    fake.server.faults.next({ status: 429, retryAfterSeconds: 2, times: 5 });
    const err = await clientWith({ retry: { maxRateLimitWaits: 2 } })
      .me()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'rate_limited', status: 429, retryAfterMs: 2000, retryable: true });
    expect(waits).toEqual([2000, 2000]);
    expect(fake.requests).toHaveLength(3);
  });

  it('exposes the remaining quota after each call', async () => {
    fake.limits.quotaPerHour = 30;
    const seen: TogglQuota[] = [];
    const client = clientWith({ onQuota: (q) => seen.push(q) });
    expect(client.quota).toBeNull();
    await client.me();
    expect(client.quota).toEqual({ remaining: 29, resetsInMs: 3_600_000, observedAt: expect.any(Number) });
    clock += 10 * MINUTE;
    await client.workspaces();
    expect(client.quota?.remaining).toBe(28);
    expect(client.quota?.resetsInMs).toBe(50 * MINUTE);
    expect(seen.map((q) => q.remaining)).toEqual([29, 28]);
  });

  it('turns an exhausted quota into quota_exhausted with the wait from X-Toggl-Quota-Resets-In', async () => {
    fake.limits.quotaPerHour = 3;
    const client = clientWith();
    for (let i = 0; i < 3; i++) {
      await client.me();
      clock += 10 * MINUTE;
    }
    // 30 minutes after the first of three calls, the window frees up in 30 minutes: too long to sleep.
    const err = await client.me().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect(err).toMatchObject({
      code: 'quota_exhausted',
      status: 402,
      retryable: true,
      retryAfterMs: 30 * MINUTE,
    });
    expect(waits).toEqual([]);
    expect(client.quota?.remaining).toBe(0);
  });

  it('sleeps out a quota reset when the caller allows that long a wait', async () => {
    fake.limits.quotaPerHour = 1;
    const client = clientWith({ retry: { maxWaitMs: 2 * 3_600_000 } });
    await client.me();
    clock += 45 * MINUTE;
    await client.me();
    expect(waits).toEqual([15 * MINUTE]);
    expect(fake.requestsTo('GET', '/api/v9/me').map((r) => r.status)).toEqual([200, 402, 200]);
  });
});

describe('429 without Retry-After', () => {
  it("waits the leaky bucket's one second", async () => {
    let clock = T0;
    const fake = new FakeToggl({ now: () => clock });
    await fake.start();
    fake.addWorkspace();
    const waits: number[] = [];
    try {
      fake.server.faults.next({ status: 429 });
      const client = new TogglClient({
        apiToken: fake.apiToken,
        endpoints: fake.endpoints(),
        now: () => clock,
        retry: {
          sleep: async (ms) => {
            waits.push(ms);
            clock += ms;
          },
          random: () => 0,
        },
      });
      await client.me();
      expect(waits).toEqual([1000]);
      expect(fake.requestsTo('GET', '/api/v9/me').map((r) => r.status)).toEqual([429, 200]);
      // A 5xx is retried under core's policy: a full-jitter backoff (here half of the first 500 ms), not
      // Toggl's bucket wait, and it is not a rate limit.
      fake.server.faults.next({ status: 503, times: 4 });
      const client2 = new TogglClient({
        apiToken: fake.apiToken,
        endpoints: fake.endpoints(),
        retry: { sleep: async (ms) => void waits.push(ms), random: () => 0.5 },
      });
      await expect(client2.me()).rejects.toMatchObject({ status: 503, retryable: true, code: 'unavailable' });
      expect(waits).toEqual([1000, 250, 500, 1000]);
    } finally {
      await fake.stop();
    }
  });
});
