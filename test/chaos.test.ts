// The chaos run, slim (the full one is `npm run chaos`, see docs/RELIABILITY.md): the real receiver
// and three worker processes on a private Redis with an append-only file, the four fakes answering
// with 503s, 429s with Retry-After and stalled bodies; 100 task changes and 300 time entries over
// four clients; webhooks again, out of order, never and after their job records are gone; two
// workers SIGKILLed and replaced; Redis restarted once. The end state is read from the fakes.
import { describe, expect, it } from 'vitest';
import { runChaos } from './chaos/chaos.js';
import { failures, summaryLines } from './chaos/report.js';

describe('chaos, slim', () => {
  it('100 task changes, 300 entries, 2 kills, a Redis restart: nothing duplicated, nothing missing, no limit crossed', async () => {
    const result = await runChaos({
      events: 100,
      entries: 300,
      kills: 2,
      workers: 3,
      clients: 4,
      redis: 'restart',
      seed: 7,
      // No timeouts here: each costs the connectors' 30 s timeout (the full run has them).
      faults: { serverErrors: 0.1, rateLimits: 0.05, timeouts: 0, stalls: 0.02 },
      settleMs: 150_000,
      log: () => undefined,
    });
    console.log(summaryLines(result).join('\n'));
    expect(result.verdict.problems).toEqual([]);
    expect(failures(result)).toEqual([]);
    // The chaos did happen.
    expect(result.kills).toBe(2);
    expect(result.faultsByKind.serverErrors).toBeGreaterThan(0);
    expect(result.faultsByKind.rateLimits).toBeGreaterThan(0);
    expect(result.truth.redelivered).toBeGreaterThan(0);
    expect(result.truth.neverDelivered).toBeGreaterThan(0);
    // And there was something to check: blocks booked, every client's draft made.
    expect(result.verdict.blocks).toBeGreaterThan(0);
    expect(result.verdict.drafts).toBe(4);
  }, 240_000);
});
