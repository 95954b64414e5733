import { ConnectorError } from '@vahub/core';
import { describe, expect, it } from 'vitest';
import { RequestBudget } from './budget.js';
import { withRetry } from './retry.js';

function failing(errors: ConnectorError[]) {
  let calls = 0;
  const fn = async () => {
    const err = errors[calls];
    calls += 1;
    if (err) throw err;
    return 'done';
  };
  return { fn, calls: () => calls };
}

const e = (status: number, extra: Partial<ConstructorParameters<typeof ConnectorError>[0]> = {}) =>
  new ConnectorError({ provider: 'asana', operation: 'op', status, message: `HTTP ${status}`, ...extra });

describe('withRetry', () => {
  it('429s wait Retry-After exactly and do not use up attempts', async () => {
    const { fn, calls } = failing([
      e(429, { retryAfterMs: 1000 }),
      e(429, { retryAfterMs: 3000 }),
      e(503),
      e(429, { retryAfterMs: 10 }),
    ]);
    const waits: number[] = [];
    const out = await withRetry(fn, {
      attempts: 2,
      sleep: async (ms) => void waits.push(ms),
      random: () => 0,
    });
    expect(out).toBe('done');
    expect(calls()).toBe(5);
    expect(waits).toEqual([1000, 3000, 250, 10]);
  });

  it('throws a permanent error at once', async () => {
    const { fn, calls } = failing([e(400)]);
    await expect(withRetry(fn, { sleep: async () => undefined })).rejects.toMatchObject({ status: 400 });
    expect(calls()).toBe(1);
  });

  it('hands a Retry-After longer than maxWaitMs to the caller instead of sleeping on it', async () => {
    const { fn } = failing([e(429, { retryAfterMs: 120_000 })]);
    const waits: number[] = [];
    await expect(withRetry(fn, { sleep: async (ms) => void waits.push(ms) })).rejects.toMatchObject({
      retryAfterMs: 120_000,
    });
    expect(waits).toEqual([]);
  });

  it('gives up after maxRateLimitWaits 429s', async () => {
    const { fn, calls } = failing(Array.from({ length: 9 }, () => e(429, { retryAfterMs: 5 })));
    await expect(withRetry(fn, { maxRateLimitWaits: 3, sleep: async () => undefined })).rejects.toMatchObject(
      { status: 429 },
    );
    expect(calls()).toBe(4);
  });

  it('backs off exponentially, jittered within 50–100 %, capped', async () => {
    const { fn } = failing([e(500), e(500), e(500), e(500), e(500)]);
    const waits: number[] = [];
    await withRetry(fn, {
      attempts: 6,
      baseDelayMs: 100,
      maxDelayMs: 500,
      sleep: async (ms) => void waits.push(ms),
      random: () => 0.999,
    });
    expect(waits).toEqual([100, 200, 400, 500, 500]);
  });

  it('does not retry what is not a ConnectorError (a bug is not a blip)', async () => {
    let calls = 0;
    const boom = async () => {
      calls += 1;
      throw new TypeError('bug');
    };
    await expect(withRetry(boom, { sleep: async () => undefined })).rejects.toThrow(TypeError);
    expect(calls).toBe(1);
  });
});

describe('RequestBudget', () => {
  it('slides: a slot frees when its request leaves the window', () => {
    let now = 0;
    const budget = new RequestBudget({ limit: 3, windowMs: 1000, now: () => now });
    budget.take('a');
    now = 400;
    budget.take('b');
    budget.take('c');
    expect(() => budget.take('d')).toThrow(/budget/);
    expect(budget.report()).toEqual({ limit: 3, windowMs: 1000, used: 3, remaining: 0, resetInMs: 600 });
    now = 1000;
    expect(budget.report()).toMatchObject({ used: 2, remaining: 1, resetInMs: 400 });
    expect(budget.take('e').remaining).toBe(0);
  });

  it('defaults to Asana’s free-plan 150 per minute', () => {
    expect(new RequestBudget().report()).toEqual({
      limit: 150,
      windowMs: 60_000,
      used: 0,
      remaining: 150,
      resetInMs: 0,
    });
    expect(() => new RequestBudget({ limit: 0 })).toThrow(RangeError);
  });
});
