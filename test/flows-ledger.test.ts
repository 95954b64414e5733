// The billing ledger through the real Xero and Toggl connectors and SDKs, against their fakes:
// figures computed by hand, what is asserted is what the fakes end up holding.
import { type ClientConfig, cachedLedgerSink, type PeriodDraft, periodKey } from '@vahub/core';
import { RedisLedgerCache } from '@vahub/jobs';
import { deferred, testRedisUrl, uniquePrefix } from '@vahub/testkit';
import { draftInvoices, keepsLedger, reconcileInvoiceStatus } from '@vahub/worker';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { withEachWorld } from './support/flows-tests.js';
import { addEntry, clientOf, entryTags, monthOf, TENANT, type World } from './support/flows-world.js';

let w: World;
withEachWorld((world) => {
  w = world;
});

const client = (id: string) => clientOf(w, id);
const koala = (local: string, minutes: number) => addEntry(w, 190001, local, 'Australia/Sydney', minutes);
const thames = (local: string, minutes: number) => addEntry(w, 190101, local, 'Europe/London', minutes);
const run = (c: ClientConfig, yyyyMm = '2026-11') =>
  draftInvoices({ client: c, period: monthOf(yyyyMm, c.timezone), time: w.time, invoices: w.invoices });
const tagsOf = (id: number) => entryTags(w, id);
const xeroInvoices = () => w.xero.invoices(TENANT);
const figures = () => xeroInvoices().map((i) => [i.Reference, i.Status, i.SubTotal, i.Total]);

describe('the billing ledger', () => {
  it('bills a fee-only retainer period once, however often it runs, and adds late time to that draft', async () => {
    const first = await run(client('koala-co'));
    expect(first.ledger?.action).toBe('created');
    // Fee 100.00 + 10 % tax.
    expect(figures()).toEqual([['vahub koala-co 2026-11', 'DRAFT', 100, 110]]);
    const second = await run(client('koala-co'));
    expect(second.invoice).toBeNull();
    expect(figures()).toHaveLength(1);
    // 3 h late: 2 h included, 1 h overage at 50.00 → 150.00 + 15.00 tax, on the same draft.
    koala('2026-11-20T10:00', 180);
    const third = await run(client('koala-co'));
    expect(third.ledger?.action).toBe('updated');
    expect(figures()).toEqual([['vahub koala-co 2026-11', 'DRAFT', 150, 165]]);
    expect((await run(client('koala-co'))).invoice).toBeNull();
  });

  it('puts a late entry on a labelled supplementary draft once the period is approved, never a twin', async () => {
    const early = thames('2026-11-02T09:00', 60);
    const first = await run(client('thames-studio'));
    w.xero.setInvoiceStatus(first.invoice!.invoiceId, 'AUTHORISED', TENANT);
    const late = thames('2026-11-27T09:00', 30);
    const second = await run(client('thames-studio'));
    expect(second.ledger?.action).toBe('supplementary');
    // 60 min and 30 min at 40.00/h.
    expect(figures()).toEqual([
      ['vahub thames-studio 2026-11', 'AUTHORISED', 40, 40],
      ['vahub thames-studio 2026-11 sup1', 'DRAFT', 20, 20],
    ]);
    expect([tagsOf(early.id), tagsOf(late.id)]).toEqual([['invoiced'], ['invoiced']]);
    expect((await run(client('thames-studio'))).invoice).toBeNull();
    expect(figures()).toHaveLength(2);
  });

  it('releases the time of a draft the VA voids or deletes, and bills it again on a new draft', async () => {
    const e = thames('2026-11-03T09:00', 90);
    const first = await run(client('thames-studio'));
    w.xero.setInvoiceStatus(first.invoice!.invoiceId, 'AUTHORISED', TENANT);
    w.xero.setInvoiceStatus(first.invoice!.invoiceId, 'VOIDED', TENANT);
    const c = client('thames-studio');
    const rec = await reconcileInvoiceStatus({
      client: c,
      period: monthOf('2026-11', c.timezone),
      time: w.time,
      invoices: w.invoices,
    });
    expect(rec.released).toEqual([String(e.id)]);
    expect(tagsOf(e.id)).toEqual([]);
    const again = await run(c);
    expect(again.ledger?.action).toBe('created');
    expect(figures()).toEqual([
      ['vahub thames-studio 2026-11', 'VOIDED', 60, 60],
      ['vahub thames-studio 2026-11', 'DRAFT', 60, 60],
    ]);
    expect(tagsOf(e.id)).toEqual(['invoiced']);
    // Deleted too: the next run itself releases and re-bills.
    w.xero.setInvoiceStatus(again.invoice!.invoiceId, 'DELETED', TENANT);
    const third = await run(c);
    expect(third.ledger?.released).toEqual([String(e.id)]);
    expect(third.ledger?.action).toBe('created');
    expect(figures().filter((f) => f[1] === 'DRAFT')).toEqual([
      ['vahub thames-studio 2026-11', 'DRAFT', 60, 60],
    ]);
  });

  it('reports an entry edited after it was invoiced, and neither bills it again nor drops it', async () => {
    const e = thames('2026-11-04T09:00', 60);
    await run(client('thames-studio'));
    w.toggl.updateEntry(e.id, { stop: e.start + 120 * 60_000, duration: 7200 } as never);
    const second = await run(client('thames-studio'));
    expect(second.invoice).toBeNull();
    expect(second.ledger?.edited).toMatchObject([{ entryId: String(e.id), change: 'edited' }]);
    expect(second.ledger?.edited[0]?.message).toContain('edited after it was invoiced');
    expect(figures()).toEqual([['vahub thames-studio 2026-11', 'DRAFT', 40, 40]]);
  });

  it('carries unused retainer hours across three periods through the ledger, capped', async () => {
    const base = client('koala-co');
    const c: ClientConfig = {
      ...base,
      billing: {
        ...base.billing,
        retainer: { ...base.billing.retainer!, rollover: true, maxCarryOverHours: 1 },
      },
    };
    koala('2026-10-12T10:00', 30); // October: 0.5 h of 2 → 1.5 unused, capped to 1
    koala('2026-11-12T10:00', 150); // November: 1 carried + 2 included; 2.5 h used → 0.5 of the included left
    koala('2026-12-10T10:00', 180); // December: 0.5 carried + 2 included; 3 h used → 0.5 h overage × 50
    const oct = await run(c, '2026-10');
    expect(oct.preview.retainer?.carryOverHours).toBe('1');
    const nov = await run(c, '2026-11');
    expect([nov.ledger?.carriedInHours, nov.preview.retainer?.carryOverHours]).toEqual(['1', '0.5']);
    const dec = await run(c, '2026-12');
    expect(dec.ledger?.carriedInHours).toBe('0.5');
    expect(dec.preview.draft?.lines.map((l) => [l.quantity, l.lineAmount])).toEqual([
      ['1.0000', '100.00'],
      ['0.5000', '25.00'],
    ]);
    expect(figures().map((f) => f[2])).toEqual([100, 100, 125]);
  });

  it('never caches a copy read while a run wrote: the run after it sees its own draft (the demo run that tagged nothing)', async () => {
    const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const prefix = uniquePrefix('flows-ledger-race');
    try {
      const sink = w.invoices;
      if (!keepsLedger(sink)) throw new Error('the Xero sink keeps the ledger');
      const cache = new RedisLedgerCache({ redis, prefix });
      const c = client('thames-studio');
      const nov = monthOf('2026-11', c.timezone);
      const key = periodKey(c.id, nov);
      thames('2026-11-02T09:00', 60);
      // Another job (the invoice webhook's reconcile) reads the period through the same cache, and
      // its answer from Xero, read before the draft, arrives after the run has written.
      const xeroRead = deferred();
      const gate = deferred();
      const slow = Object.assign(Object.create(sink), {
        async findPeriodDrafts(clientId: string, k: string): Promise<PeriodDraft[]> {
          const drafts = await sink.findPeriodDrafts(clientId, k);
          xeroRead.resolve();
          await gate.promise;
          return drafts;
        },
      }) as typeof sink;
      const reading = cachedLedgerSink(slow, cache).findPeriodDrafts(c.id, key);
      await xeroRead.promise;
      const invoices = cachedLedgerSink(sink, cache);
      const run = await draftInvoices({ client: c, period: nov, time: w.time, invoices });
      expect(run.tagged).toHaveLength(1);
      gate.resolve();
      expect(await reading).toEqual([]);
      // The late copy (no draft) is not in the cache: the ledger read next has the run's draft.
      const after = await invoices.findPeriodDrafts(c.id, key);
      expect(after.map((d) => d.invoiceId)).toEqual([run.invoice?.invoiceId]);
    } finally {
      await redis.quit();
    }
  });

  it('keeps Redis as a cache only: the ledger read through it equals the one rebuilt from Xero and Toggl after a flush', async () => {
    const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const prefix = uniquePrefix('flows-ledger');
    try {
      if (!keepsLedger(w.invoices)) throw new Error('the Xero sink keeps the ledger');
      const invoices = cachedLedgerSink(w.invoices, new RedisLedgerCache({ redis, prefix }));
      const c = client('thames-studio');
      const nov = monthOf('2026-11', c.timezone);
      thames('2026-11-02T09:00', 60);
      const first = await draftInvoices({ client: c, period: nov, time: w.time, invoices });
      w.xero.setInvoiceStatus(first.invoice!.invoiceId, 'AUTHORISED', TENANT);
      await invoices.invalidate(c.id); // the invoice webhook
      thames('2026-11-27T09:00', 30);
      const second = await draftInvoices({ client: c, period: nov, time: w.time, invoices });
      expect(second.ledger?.action).toBe('supplementary');
      const key = second.ledger!.periodKey;
      const cached = await invoices.findPeriodDrafts(c.id, key);
      expect(await redis.exists(`${prefix}:ledger:${c.id}:${key}`)).toBe(1);
      const keys = await redis.keys(`${prefix}:*`);
      await redis.del(...keys);
      const rebuilt = await invoices.findPeriodDrafts(c.id, key);
      expect(rebuilt).toEqual(cached);
      expect(
        rebuilt.map((d) => [d.reference, d.status, d.manifest?.entries.length, d.manifest?.seq]),
      ).toEqual([
        ['vahub thames-studio 2026-11', 'AUTHORISED', 1, 0],
        ['vahub thames-studio 2026-11 sup1', 'DRAFT', 1, 1],
      ]);
    } finally {
      await redis.quit();
    }
  });
});
