import { describe, expect, it } from 'vitest';
import { ConnectorError } from './errors.js';
import { withRetry } from './retry.js';

const fail = (status: number, extra: Partial<ConstructorParameters<typeof ConnectorError>[0]> = {}) =>
  new ConnectorError({
    provider: 'asana',
    operation: 'getTask',
    status,
    message: `HTTP ${status}`,
    ...extra,
  });

/** A function that throws the given errors in turn, then returns "done". */
function script(...errors: Error[]) {
  let calls = 0;
  const fn = async () => {
    const error = errors[calls];
    calls += 1;
    if (error) throw error;
    return 'done';
  };
  return { fn, calls: () => calls };
}

function recorder() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe('withRetry', () => {
  it('waits exactly Retry-After on a 429 without burning an attempt', async () => {
    const { waits, sleep } = recorder();
    const s = script(
      fail(429, { retryAfterMs: 2000 }),
      fail(429, { retryAfterMs: 1000 }),
      fail(503),
      fail(503),
    );
    await expect(withRetry(s.fn, { attempts: 3, sleep, random: () => 0.5 })).resolves.toBe('done');
    expect(waits).toEqual([2000, 1000, 250, 500]);
    expect(s.calls()).toBe(5);
  });

  it('backs off with full jitter: anywhere from 0 to the doubled delay', async () => {
    const { waits, sleep } = recorder();
    const s = script(fail(500), fail(502), fail(504));
    await withRetry(s.fn, { attempts: 4, baseDelayMs: 100, sleep, random: () => 0.999 });
    expect(waits).toEqual([100, 200, 400]);
    const low = recorder();
    const again = script(fail(500), fail(502), fail(504));
    await withRetry(again.fn, { attempts: 4, baseDelayMs: 100, sleep: low.sleep, random: () => 0 });
    expect(low.waits).toEqual([0, 0, 0]);
  });

  it('throws at once what cannot succeed, and after the last attempt what still fails', async () => {
    const { sleep } = recorder();
    const bad = script(fail(400));
    await expect(withRetry(bad.fn, { sleep })).rejects.toMatchObject({ status: 400 });
    expect(bad.calls()).toBe(1);
    const down = script(fail(503), fail(503), fail(503));
    await expect(withRetry(down.fn, { attempts: 3, sleep })).rejects.toMatchObject({ status: 503 });
    expect(down.calls()).toBe(3);
    const plain = script(new TypeError('bug'));
    await expect(withRetry(plain.fn, { sleep })).rejects.toBeInstanceOf(TypeError);
  });

  it('hands a long wait back to the caller instead of sleeping through it', async () => {
    const { waits, sleep } = recorder();
    const s = script(fail(402, { code: 'quota_exhausted', retryable: true, retryAfterMs: 1_800_000 }));
    await expect(withRetry(s.fn, { sleep, maxWaitMs: 10_000 })).rejects.toMatchObject({
      retryAfterMs: 1_800_000,
    });
    expect(waits).toEqual([]);
  });

  it('gives up after too many rate-limit waits in a row', async () => {
    const { waits, sleep } = recorder();
    const s = script(...Array.from({ length: 4 }, () => fail(429, { retryAfterMs: 10 })));
    await expect(withRetry(s.fn, { sleep, maxRateLimitWaits: 3 })).rejects.toMatchObject({ status: 429 });
    expect(waits).toEqual([10, 10, 10]);
  });

  it('retries only what the caller says is safe to repeat', async () => {
    const { sleep } = recorder();
    const s = script(fail(503), fail(429, { retryAfterMs: 5 }));
    const onlyRateLimits = (e: ConnectorError) => e.code === 'rate_limited';
    await expect(withRetry(s.fn, { sleep, retryOn: onlyRateLimits })).rejects.toMatchObject({ status: 503 });
  });
});
