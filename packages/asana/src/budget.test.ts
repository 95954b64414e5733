import { describe, expect, it } from 'vitest';
import { RequestBudget } from './budget.js';

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
