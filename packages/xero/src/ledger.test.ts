// The billing ledger's three sink methods against the fake, and what they send against Xero's spec.
import type { DraftManifest } from '@vahub/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestFromNotes, manifestNotes, NOTE_LIMIT } from './manifest-notes.js';
import { CLIENT, draftOf, type Harness, startHarness } from './test-support/harness.js';
import { loadSpec, type SpecValidators } from './test-support/spec.js';

let h: Harness;
let spec: SpecValidators;
beforeAll(async () => {
  spec = loadSpec('xero_accounting.yaml');
  h = await startHarness();
});
afterAll(() => h.stop());

const manifest = (entries: number, seq = 0): DraftManifest => ({
  v: 1,
  clientId: CLIENT,
  periodKey: `vahub ${CLIENT} 2026-11`,
  seq,
  entries: Array.from({ length: entries }, (_, i) => ({
    id: String(4_000_000_000 + i),
    fp: `fp${String(i).padStart(8, '0')}`,
  })),
  fee: seq === 0,
  carriedInHours: '1.5',
  carryOverHours: '0.25',
});

describe('manifest notes', () => {
  it('cut a manifest of 300 entries into notes of at most 250 characters, read back whole', () => {
    const notes = manifestNotes(manifest(300));
    expect(notes.length).toBeGreaterThan(30);
    for (const n of notes) expect(n.length).toBeLessThanOrEqual(NOTE_LIMIT);
    expect(manifestFromNotes(['Approved by Vera', ...notes, 'Sent to client'])).toEqual(manifest(300));
  });

  it('read the last complete version, and ignore an incomplete or damaged one', () => {
    const first = manifestNotes(manifest(3));
    const second = manifestNotes(manifest(5));
    expect(manifestFromNotes([...first, ...second])).toEqual(manifest(5));
    expect(manifestFromNotes([...first, ...second.slice(1)])).toEqual(manifest(3));
    expect(manifestFromNotes([first[0]!.replace('"v":1', '"v":9')])).toBeNull();
  });
});

describe('XeroInvoiceSink ledger methods', () => {
  it('finds the period’s drafts with their manifests, updates a DRAFT as Xero computes it, refuses once approved', async () => {
    const created = await h.invoices.createDraft(
      CLIENT,
      draftOf({ contactId: h.contactId, lines: [{ quantity: '1.5', unitAmount: '55' }] }),
    );
    await h.invoices.writeManifest(CLIENT, created.invoiceId, manifest(2));
    const other = await h.invoices.createDraft(
      CLIENT,
      draftOf({ contactId: h.contactId, period: '2026-10', lines: [{ quantity: '1', unitAmount: '10' }] }),
    );
    const found = await h.invoices.findPeriodDrafts(CLIENT, `vahub ${CLIENT} 2026-11`);
    expect(found).toEqual([
      {
        invoiceId: created.invoiceId,
        invoiceNumber: created.invoiceNumber,
        status: 'DRAFT',
        reference: `vahub ${CLIENT} 2026-11`,
        manifest: manifest(2),
      },
    ]);
    expect(found.map((d) => d.invoiceId)).not.toContain(other.invoiceId);

    // 1.3333 h × 55.1234 = 73.4977… → 73.50; 2 × 0.005 = 0.01; tax 10 % per line: 7.35 + 0.00.
    const updated = await h.invoices.updateDraft(
      CLIENT,
      created.invoiceId,
      draftOf({
        contactId: h.contactId,
        lines: [
          { quantity: '1.3333', unitAmount: '55.1234' },
          { quantity: '2', unitAmount: '0.005' },
        ],
      }),
    );
    expect(updated).toMatchObject({
      invoiceId: created.invoiceId,
      invoiceNumber: created.invoiceNumber,
      status: 'DRAFT',
    });
    const inv = h.fake.invoices().find((i) => i.InvoiceID === created.invoiceId)!;
    expect([inv.SubTotal, inv.TotalTax, inv.Total]).toEqual([73.51, 7.35, 80.86]);
    expect((inv.LineItems as unknown[]).length).toBe(2);

    h.fake.setInvoiceStatus(created.invoiceId, 'AUTHORISED');
    await expect(
      h.invoices.updateDraft(
        CLIENT,
        created.invoiceId,
        draftOf({ contactId: h.contactId, lines: [{ quantity: '1', unitAmount: '1' }] }),
      ),
    ).rejects.toMatchObject({ status: 400, retryable: false });
    h.fake.setInvoiceStatus(created.invoiceId, 'VOIDED');
    const after = await h.invoices.findPeriodDrafts(CLIENT, `vahub ${CLIENT} 2026-11`);
    expect(after.map((d) => [d.status, d.manifest?.entries.length])).toEqual([['VOIDED', 2]]);
  });

  it('sends notes and updates that are valid against xero_accounting.yaml, and the fake refuses a note over 250 characters', async () => {
    const history = h.fake.server.requests.filter((r) => r.method === 'PUT' && /\/History$/i.test(r.path));
    expect(history.length).toBeGreaterThan(0);
    const validNotes = spec.request('HistoryRecords');
    for (const r of history) expect(validNotes(r.json), JSON.stringify(validNotes.errors)).toBe(true);
    const updates = h.fake.server.requests.filter(
      (r) => r.method === 'POST' && /\/Invoices\/[^/]+$/.test(r.path),
    );
    expect(updates.length).toBeGreaterThan(0);
    const validInvoices = spec.request('Invoices');
    for (const r of updates) expect(validInvoices(r.json), JSON.stringify(validInvoices.errors)).toBe(true);
    const created = await h.invoices.createDraft(
      CLIENT,
      draftOf({ contactId: h.contactId, period: '2026-08', lines: [{ quantity: '1', unitAmount: '5' }] }),
    );
    await expect(
      h.accounting.addInvoiceNotes(h.tenantId, created.invoiceId, ['x'.repeat(251)]),
    ).rejects.toThrow(/250/);
  });
});

describe('the fake’s tax', () => {
  it('takes a line’s TaxAmount over its own computation, as Xero does', async () => {
    const draft = draftOf({
      contactId: h.contactId,
      period: '2026-07',
      lines: [
        { quantity: '1.5', unitAmount: '55' },
        { quantity: '1', unitAmount: '10' },
      ],
    });
    // 82.50 at 10 %: Xero would compute 8.25; the draft fixes 8.00. The second line keeps Xero's 1.00.
    draft.lines[0] = { ...draft.lines[0]!, taxAmount: '8.00', taxAmountIsFixed: true };
    const created = await h.invoices.createDraft(CLIENT, draft);
    const inv = h.fake.invoices().find((i) => i.InvoiceID === created.invoiceId)!;
    expect([inv.SubTotal, inv.TotalTax, inv.Total]).toEqual([92.5, 9, 101.5]);
  });
});
