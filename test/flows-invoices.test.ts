// The draft-invoices flow against the real connectors and SDKs, each pointed at its vendor's fake.
// Nothing of ours is mocked: what is asserted is what the fakes end up holding.
import { dec } from '@vahub/core';
import { draftInvoices, InvoiceTaggingIncompleteError } from '@vahub/worker';
import { describe, expect, it } from 'vitest';
import { withEachWorld } from './support/flows-tests.js';
import {
  addEntry,
  clientOf,
  type EntryOptions,
  entryTags,
  monthOf,
  TENANT,
  type World,
} from './support/flows-world.js';

let w: World;
withEachWorld((world) => {
  w = world;
});

describe('draftInvoices', () => {
  const november = (zone: string) => monthOf('2026-11', zone);
  const entry = (project: number, local: string, minutes: number, extra?: EntryOptions) =>
    addEntry(w, project, local, 'Europe/London', minutes, extra);
  const client = (id: string) => clientOf(w, id);
  const run = (id: string) =>
    draftInvoices({
      client: client(id),
      period: november(client(id).timezone),
      time: w.time,
      invoices: w.invoices,
    });
  const tagsOf = (id: number) => entryTags(w, id);
  /** Toggl's answer when the hourly quota is used up (as the fake's own quota answers). */
  const quotaUsedUp = (resetsInSeconds: number) => ({
    status: 402,
    headers: { 'x-toggl-quota-remaining': '0', 'x-toggl-quota-resets-in': String(resetsInSeconds) },
    json: `You have hit your hourly limit for API calls. Your quota will reset in ${resetsInSeconds} seconds.`,
  });
  /** A month with more billable entries than one tagging call takes. */
  const manyEntries = (count: number) =>
    Array.from({ length: count }, (_, i) => {
      const day = String(2 + (i % 25)).padStart(2, '0');
      const hour = String(8 + Math.floor(i / 25)).padStart(2, '0');
      return entry(190101, `2026-11-${day}T${hour}:00`, 10);
    });
  /** Matches every bulk tagging request after the first. */
  const laterPatches = () => {
    let seen = 0;
    return (req: { method: string }) => req.method === 'PATCH' && ++seen >= 2;
  };
  const invoiceCalls = () =>
    w.xero.server.requests.filter((r) => r.path.endsWith('/Invoices') && r.method !== 'GET').length;

  it('bills a period once: Xero shows the preview, covered entries are tagged, a second run creates nothing', async () => {
    const billed = [entry(190101, '2026-11-02T09:00', 95), entry(190101, '2026-11-20T14:00', 40)];
    const unbillable = entry(190101, '2026-11-21T10:00', 30, { billable: false });
    const running = entry(190101, '2026-11-30T16:00', 0, { running: true });
    const foreign = entry(190199, '2026-11-03T09:00', 60);
    const first = await run('thames-studio');
    const draft = first.preview.draft!;
    expect(first.invoice?.status).toBe('DRAFT');
    expect(draft.entryIds.sort()).toEqual(billed.map((e) => String(e.id)).sort());
    const [invoice] = w.xero.invoices(TENANT);
    expect(w.xero.invoices(TENANT)).toHaveLength(1);
    expect(dec(String(invoice?.SubTotal)).eq(dec(draft.subtotal))).toBe(true);
    expect(dec(first.invoice!.total).eq(dec(String(invoice?.Total)))).toBe(true);
    for (const e of billed) expect(tagsOf(e.id)).toContain('invoiced');
    for (const e of [unbillable, running, foreign]) expect(tagsOf(e.id)).not.toContain('invoiced');

    const second = await run('thames-studio');
    expect(second.invoice).toBeNull();
    expect(second.preview.excluded.filter((x) => x.reason === 'already-invoiced')).toHaveLength(2);
    expect(w.xero.invoices(TENANT)).toHaveLength(1);
    expect(invoiceCalls()).toBe(1);
  });

  it('bills a retainer fee once per period; a late entry goes on the open DRAFT, never a second draft', async () => {
    entry(190001, '2026-11-03T09:00', 90);
    const first = await run('koala-co');
    expect(first.preview.draft?.lines.map((l) => l.lineAmount)).toEqual(['100.00']);
    expect(first.ledger?.action).toBe('created');
    const late = entry(190001, '2026-11-25T09:00', 75);
    const second = await run('koala-co');
    // 1.5 h + 1.25 h = 2.75 h against 2 h included: the fee and 0.75 h at the hourly rate, on the same draft.
    expect(second.ledger?.action).toBe('updated');
    expect(second.preview.draft?.lines.map((l) => [l.quantity, l.lineAmount])).toEqual([
      ['1.0000', '100.00'],
      ['0.7500', '37.50'],
    ]);
    expect(second.invoice?.invoiceId).toBe(first.invoice?.invoiceId);
    expect(second.tagged).toEqual([String(late.id)]);
    const third = await run('koala-co');
    expect(third.invoice).toBeNull();
    expect(w.xero.invoices(TENANT).map((i) => i.SubTotal)).toEqual([137.5]);
  });

  it('heals a crash between creating the draft and tagging: the rerun finds the draft and completes the tags', async () => {
    const billed = [entry(190101, '2026-11-02T09:00', 60), entry(190101, '2026-11-09T09:00', 30)];
    // The hourly quota runs out right after the draft is made, for longer than a run waits.
    w.toggl.server.faults.next({ ...quotaUsedUp(2400), match: (req) => req.method === 'PATCH' });
    await expect(run('thames-studio')).rejects.toMatchObject({ code: 'quota_exhausted', retryable: true });
    expect(w.xero.invoices(TENANT)).toHaveLength(1);
    for (const e of billed) expect(tagsOf(e.id)).not.toContain('invoiced');

    const again = await run('thames-studio');
    expect(again.invoice).toBeNull();
    expect(again.ledger?.completedTags.sort()).toEqual(billed.map((e) => String(e.id)).sort());
    expect(w.xero.invoices(TENANT)).toHaveLength(1);
    for (const e of billed) expect(tagsOf(e.id)).toContain('invoiced');
  });

  it('waits out a short quota refusal in the middle of tagging, and tags every entry once', async () => {
    const billed = manyEntries(150);
    w.toggl.server.faults.next({ ...quotaUsedUp(30), match: laterPatches() });
    const waits: number[] = [];
    const result = await draftInvoices({
      client: client('thames-studio'),
      period: november('Europe/London'),
      time: w.time,
      invoices: w.invoices,
      tagRetry: { sleep: async (ms) => void waits.push(ms) },
    });
    expect(waits).toEqual([30_000]);
    expect(result.tagged.sort()).toEqual(billed.map((e) => String(e.id)).sort());
    for (const e of billed) expect(tagsOf(e.id)).toContain('invoiced');
    expect(w.xero.invoices(TENANT)).toHaveLength(1);
  });

  it('tagging that breaks off partway fails the run retryably; the rerun tags the rest and drafts nothing twice', async () => {
    const billed = manyEntries(150);
    w.toggl.server.faults.next({ ...quotaUsedUp(2400), match: laterPatches(), times: 1 });
    const error = await run('thames-studio').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).not.toBeInstanceOf(InvoiceTaggingIncompleteError);
    expect(error).toMatchObject({ code: 'quota_exhausted', retryable: true });
    const tagged = billed.filter((e) => tagsOf(e.id).includes('invoiced'));
    expect(tagged).toHaveLength(100);
    const again = await run('thames-studio');
    expect(again.invoice).toBeNull();
    expect(again.ledger?.completedTags).toHaveLength(50);
    for (const e of billed) expect(tagsOf(e.id)).toContain('invoiced');
    expect(w.xero.invoices(TENANT)).toHaveLength(1);
  });
});
