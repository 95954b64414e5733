import { describe, expect, it } from 'vitest';
import { RequestBudget } from './budget.js';

const request = (operation: string, key = 'token:a') => ({ provider: 'asana', key, operation });

describe('RequestBudget', () => {
  it('slides: a slot frees when its request leaves the window', async () => {
    let now = 0;
    const budget = new RequestBudget({ limit: 3, windowMs: 1000, now: () => now });
    await budget.acquire(request('a'));
    now = 400;
    await budget.acquire(request('b'));
    await budget.acquire(request('c'));
    await expect(budget.acquire(request('d'))).rejects.toThrow(/budget/);
    expect(budget.report('token:a')).toEqual({
      limit: 3,
      windowMs: 1000,
      used: 3,
      remaining: 0,
      resetInMs: 600,
    });
    now = 1000;
    expect(budget.report('token:a')).toMatchObject({ used: 2, remaining: 1, resetInMs: 400 });
    expect(budget.take(request('e')).remaining).toBe(0);
  });

  it('refuses with a retryable rate_limited error carrying the wait, before anything is sent', async () => {
    let now = 0;
    const budget = new RequestBudget({ limit: 1, windowMs: 1000, now: () => now });
    await budget.acquire(request('a'));
    now = 250;
    const refused = await budget.acquire(request('getTask')).catch((e: unknown) => e);
    expect(refused).toMatchObject({
      name: 'ConnectorError',
      provider: 'asana',
      operation: 'getTask',
      code: 'rate_limited',
      retryable: true,
      retryAfterMs: 750,
    });
  });

  it('counts each token on its own', async () => {
    const budget = new RequestBudget({ limit: 1, now: () => 0 });
    await budget.acquire(request('a', 'token:one'));
    await budget.acquire(request('a', 'token:two'));
    await expect(budget.acquire(request('a', 'token:one'))).rejects.toThrow(/budget/);
    expect(budget.report('token:two')).toMatchObject({ used: 1, remaining: 0 });
    expect(budget.report('token:three')).toMatchObject({ used: 0, remaining: 1 });
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
