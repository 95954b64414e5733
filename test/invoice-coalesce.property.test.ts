// Property test of coalesced invoice runs: generated entries, asks for a run, runs of the queued asks
// (in any order, two at once under the real Redis lock) and drafts the VA deletes, on a logical clock.
// Whenever a run asked for at Q returns, drafted or coalesced into another run's read, every billable
// entry that existed at Q carries the invoiced tag; at the end every billable entry is on exactly one
// live draft. COALESCE_RUNS=200 for a longer run.
import { cachedLedgerSink, isLiveStatus, MemoryLedgerCache, periodContaining } from '@vahub/core';
import { RedisLock } from '@vahub/jobs';
import { testRedisUrl, uniquePrefix } from '@vahub/testkit';
import { draftInvoicesCoalesced, isCoalesced, RedisCompletedRuns } from '@vahub/worker';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { entry, Faults, LEDGER_CLIENTS, MemoryInvoices, MemoryTime } from './support/ledger-memory.js';

const client = LEDGER_CLIENTS.find((c) => c.id === 'hourly');
const period = periodContaining('month', Date.UTC(2026, 10, 15, 12), 'Europe/London');
// biome-ignore lint/suspicious/noUndeclaredEnvVars: a knob for a longer run by hand, not a build input
const RUNS = Number(process.env.COALESCE_RUNS ?? 25);

type Action =
  | { kind: 'add'; minutes: number; billable: boolean }
  | { kind: 'ask' }
  | { kind: 'run'; pick: number; twice: boolean }
  | { kind: 'delete'; pick: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      minutes: fc.integer({ min: 1, max: 100 }),
      billable: fc.integer({ min: 0, max: 4 }).map((n) => n > 0),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('ask' as const) }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('run' as const), pick: fc.nat(), twice: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
);

const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
afterAll(async () => {
  await redis.quit();
});

async function play(actions: Action[]): Promise<void> {
  const prefix = uniquePrefix('coalesce-prop');
  const faults = new Faults();
  const time = new MemoryTime(faults);
  const stored = new MemoryInvoices(faults, { contactId: 'c-1', accountCode: '200', taxType: 'NONE' });
  const invoices = cachedLedgerSink(stored, new MemoryLedgerCache());
  const lock = new RedisLock({ redis, prefix });
  const runs = new RedisCompletedRuns({ redis, prefix });
  const createdAt = new Map<string, number>();
  let tick = 1;
  let asks: number[] = [];
  const run = (askedAt: number) =>
    draftInvoicesCoalesced(
      { client: client!, period, time, invoices, lock },
      { askedAt, runs, now: () => tick },
    );
  /** Runs asked for at these times, at once; then what each owed: every billable entry that existed when it was asked for is billed. */
  const runAll = async (asked: number[]) => {
    const results = await Promise.all(asked.map(run));
    asked.forEach((askedAt, i) => {
      const how = isCoalesced(results[i]!) ? 'coalesced' : 'read';
      for (const e of time.entries.values()) {
        if (!e.billable || (createdAt.get(e.id) ?? 0) >= askedAt) continue;
        expect(e.tags, `entry ${e.id} after a run asked at ${askedAt} (${how})`).toContain('invoiced');
      }
    });
  };
  try {
    for (const a of actions) {
      if (a.kind === 'add') {
        // Two-hour slots from the period's start: no two entries overlap (overlaps are billed once).
        const id = String(createdAt.size + 1);
        const start = period.start + createdAt.size * 2 * 3_600_000;
        time.entries.set(id, entry(id, start, a.minutes * 60, a.billable));
        createdAt.set(id, tick);
      } else if (a.kind === 'ask') {
        asks.push(tick);
      } else if (a.kind === 'run' && asks.length > 0) {
        const first = a.pick % asks.length;
        const second = a.twice && asks.length > 1 ? (first + 1) % asks.length : first;
        const picked = [...new Set([first, second])];
        await runAll(picked.map((i) => asks[i] as number));
        asks = asks.filter((_, i) => !picked.includes(i));
      } else if (a.kind === 'delete') {
        const drafts = [...stored.invoices.values()].filter((i) => i.status === 'DRAFT');
        const inv = drafts[a.pick % Math.max(drafts.length, 1)];
        if (inv) {
          inv.status = 'DELETED';
          await invoices.invalidate(client!.id); // the invoice webhook
        }
      }
      tick += 1;
    }
    await runAll(asks);
    await runAll([tick]);
    // Every billable entry on exactly one live draft, and tagged.
    const live = [...stored.invoices.values()].filter((i) => isLiveStatus(i.status));
    for (const e of time.entries.values()) {
      if (!e.billable) continue;
      const on = live.filter((i) => i.manifests.at(-1)?.entries.some((x) => x.id === e.id));
      expect(on, `entry ${e.id}'s live drafts`).toHaveLength(1);
      expect(e.tags).toContain('invoiced');
    }
  } finally {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  }
}

describe('coalesced invoice runs', () => {
  it('leave every ask with its time billed, and every entry on one live draft', async () => {
    await fc.assert(fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 30 }), play), {
      numRuns: RUNS,
    });
  }, 120_000);
});
