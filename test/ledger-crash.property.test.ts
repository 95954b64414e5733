// Crash-anywhere property test of the billing ledger: generated months of entries, late entries and
// VA actions (approve, delete, void, edit an entry), with the invoice run killed at every kind of step
// boundary (before and after create, inside and between tag calls, during an update, before and
// after the manifest) and rerun to completion. LEDGER_RUNS=500 for a longer run.
import {
  type ClientConfig,
  cachedLedgerSink,
  formatInstant,
  isLiveStatus,
  MemoryLedgerCache,
  type Period,
  periodContaining,
  periodKey,
} from '@vahub/core';
import { draftInvoices, reconcileInvoiceStatus } from '@vahub/worker';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Crash, entry, Faults, LEDGER_CLIENTS, MemoryInvoices, MemoryTime } from './support/ledger-memory.js';

const clients = LEDGER_CLIENTS;
const MONTHS = [9, 10, 11]; // October to December 2026
const periodOf = (m: number): Period =>
  periodContaining('month', Date.UTC(2026, MONTHS[m] as number, 15, 12), 'Europe/London');

type Action =
  | { kind: 'add'; month: number; day: number; hour: number; minutes: number; billable: boolean }
  | { kind: 'run'; month: number; crashAt: number }
  | { kind: 'approve' | 'cancel'; month: number; pick: number; reconcile: boolean }
  | { kind: 'edit'; pick: number; minutes: number };

const month = fc.integer({ min: 0, max: 2 });
const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      month,
      day: fc.integer({ min: 1, max: 27 }),
      hour: fc.integer({ min: 0, max: 19 }),
      minutes: fc.integer({ min: 1, max: 200 }),
      billable: fc.integer({ min: 0, max: 4 }).map((n) => n > 0),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('run' as const),
      month,
      crashAt: fc.integer({ min: 0, max: 14 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constantFrom('approve' as const, 'cancel' as const),
      month,
      pick: fc.nat(),
      reconcile: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      pick: fc.nat(),
      minutes: fc.integer({ min: 1, max: 200 }),
    }),
  },
);

async function play(client: ClientConfig, actions: Action[]): Promise<void> {
  const faults = new Faults();
  const time = new MemoryTime(faults);
  const stored = new MemoryInvoices(faults, { contactId: 'c-1', accountCode: '200', taxType: 'NONE' });
  // The flow reads the ledger through a cache, as the worker does with Redis.
  const invoices = cachedLedgerSink(stored, new MemoryLedgerCache());
  let next = 1;
  const run = async (m: number, crashAt: number) => {
    faults.arm(crashAt);
    try {
      await draftInvoices({ client, period: periodOf(m), time, invoices, tagRetry: { attempts: 1 } });
    } catch (err) {
      if (!(err instanceof Crash)) throw err;
      crashes += 1;
      faults.arm(0);
      await draftInvoices({ client, period: periodOf(m), time, invoices, tagRetry: { attempts: 1 } });
    }
    faults.arm(0);
  };
  const ofMonth = (m: number) => {
    const key = periodKey(client.id, periodOf(m));
    return [...stored.invoices.values()].filter(
      (i) => i.draft.reference === key || i.draft.reference.startsWith(`${key} sup`),
    );
  };
  for (const a of actions) {
    if (a.kind === 'add') {
      const start = Date.UTC(2026, MONTHS[a.month] as number, a.day, a.hour, (next * 7) % 60);
      const id = String(next++);
      time.entries.set(id, entry(id, start, a.minutes * 60, a.billable));
    } else if (a.kind === 'run') {
      await run(a.month, a.crashAt);
    } else if (a.kind === 'edit') {
      const all = [...time.entries.values()].filter((e) => e.billable);
      const e = all[a.pick % Math.max(all.length, 1)];
      if (e)
        time.entries.set(e.id, { ...entry(e.id, Date.parse(e.start), a.minutes * 60, true), tags: e.tags });
    } else {
      const live = ofMonth(a.month).filter((i) =>
        a.kind === 'approve' ? i.status === 'DRAFT' : isLiveStatus(i.status) && i.status !== 'PAID',
      );
      const inv = live[a.pick % Math.max(live.length, 1)];
      if (!inv) continue;
      inv.status = a.kind === 'approve' ? 'AUTHORISED' : inv.status === 'DRAFT' ? 'DELETED' : 'VOIDED';
      await invoices.invalidate(client.id); // the invoice webhook
      if (a.reconcile) {
        await reconcileInvoiceStatus({ client, period: periodOf(a.month), time, invoices });
        // Right after the webhook's reconcile the tags already equal the ledger.
        const live = ofMonth(a.month).filter((i) => isLiveStatus(i.status));
        const p = periodOf(a.month);
        for (const e of time.entries.values()) {
          if (e.start < formatInstant(p.start) || e.start >= formatInstant(p.end)) continue;
          const on = live.some((i) => i.manifests.at(-1)?.entries.some((x) => x.id === e.id));
          expect(e.tags.includes('invoiced'), `entry ${e.id}'s tag after reconcile`).toBe(on);
        }
      }
    }
  }
  for (const m of [0, 1, 2]) await run(m, 0);
  for (const m of [0, 1, 2]) {
    const again = await draftInvoices({ client, period: periodOf(m), time, invoices });
    expect(again.invoice, 'a finished ledger drafts nothing more').toBeNull();
    const live = ofMonth(m).filter((i) => isLiveStatus(i.status));
    const period = periodOf(m);
    const key = periodKey(client.id, period);
    // The cached ledger equals the one rebuilt from the apps alone (cache dropped).
    const cached = await invoices.findPeriodDrafts(client.id, key);
    await invoices.invalidate(client.id);
    expect(await invoices.findPeriodDrafts(client.id, key)).toEqual(cached);
    expect(cached).toEqual(JSON.parse(JSON.stringify(await stored.findPeriodDrafts(client.id, key))));
    const inMonth = [...time.entries.values()].filter(
      (e) => e.start >= formatInstant(period.start) && e.start < formatInstant(period.end),
    );
    for (const inv of live) {
      const manifest = inv.manifests.at(-1);
      expect(manifest, `${inv.id} has its manifest`).toBeDefined();
      expect(manifest!.entries.map((e) => e.id).sort()).toEqual([...inv.draft.entryIds].sort());
    }
    for (const e of inMonth) {
      const on = live.filter((i) => i.draft.entryIds.includes(e.id)).length;
      // Retainer time inside the allowance of an approved period makes no line, so no draft can take
      // it until it bills overage: it stays untagged and is counted again by every run.
      const waits = Boolean(client.billing.retainer) && on === 0 && !live.some((i) => i.status === 'DRAFT');
      expect(on, `entry ${e.id} (billable ${e.billable}) is on ${on} live drafts`).toBe(
        e.billable && !waits ? 1 : 0,
      );
      expect(e.tags.includes('invoiced'), `entry ${e.id}'s tag follows the ledger`).toBe(on === 1);
    }
    if (client.billing.retainer) {
      expect(
        live.filter((i) => i.manifests.at(-1)?.fee).length,
        `one fee in ${periodKey(client.id, period)}`,
      ).toBe(1);
      const feeLines = live
        .flatMap((i) => i.draft.lines)
        .filter((l) => l.quantity === '1.0000' && l.unitAmount === '100.0000');
      expect(feeLines).toHaveLength(1);
    }
  }
}

// biome-ignore lint/suspicious/noUndeclaredEnvVars: a knob for a longer run by hand, not a build input
const RUNS = Number(process.env.LEDGER_RUNS ?? 60);
let crashes = 0;

describe('the billing ledger, crashed anywhere and rerun', () => {
  for (const client of clients) {
    it(`bills every entry on exactly one live draft, every fee once, tags equal to the ledger (${client.id})`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 30 }), (actions) =>
          play(client, actions),
        ),
        { numRuns: RUNS },
      );
      expect(crashes, 'runs were really killed midway').toBeGreaterThan(0);
    });
  }
});
