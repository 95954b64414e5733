import { inspect } from 'node:util';
import { ConnectorError, dec } from '@vahub/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLIENT, draftOf, type Harness, rawNumbers, startHarness } from './test-support/harness.js';

let h: Harness;
let contactId: string;
beforeEach(async () => {
  h = await startHarness();
  contactId = h.fake.addContact({ name: 'Koala Co Pty Ltd', email: 'accounts@koala.example' }).ContactID;
});
afterEach(() => h.stop());

const PUT = '/api.xro/2.0/Invoices';

describe('createDraft', () => {
  it('sends an ACCREC DRAFT with the draft’s fields, unitdp=4 and its Idempotency-Key', async () => {
    const draft = draftOf({
      contactId,
      lines: [
        { quantity: '12.25', unitAmount: '55.00' },
        { quantity: '1.5', unitAmount: '70.1234', accountCode: '260', taxType: 'NONE' },
      ],
    });
    const created = await h.invoices.createDraft(CLIENT, draft);
    expect(created.status).toBe('DRAFT');
    expect(created.invoiceNumber).toBe('INV-0001');

    const [req] = h.fake.server.requestsTo('PUT', PUT);
    expect(req?.query.unitdp).toBe('4');
    expect(req?.headers['idempotency-key']).toBe(draft.idempotencyKey);
    expect(req?.headers['xero-tenant-id']).toBe(h.tenantId);
    const sent = (req!.json as { Invoices: Record<string, unknown>[] }).Invoices[0];
    expect(sent).toMatchObject({
      Type: 'ACCREC',
      Status: 'DRAFT',
      Contact: { ContactID: contactId },
      Date: '2026-11-30',
      DueDate: '2026-12-15',
      CurrencyCode: 'AUD',
      Reference: 'vahub koala-co 2026-11',
      LineAmountTypes: 'Exclusive',
    });
    expect(sent?.LineItems).toEqual([
      {
        Description: 'Support work 1',
        Quantity: 12.25,
        UnitAmount: 55,
        AccountCode: '200',
        TaxType: 'OUTPUT',
        LineAmount: 673.75,
      },
      {
        Description: 'Support work 2',
        Quantity: 1.5,
        UnitAmount: 70.1234,
        AccountCode: '260',
        TaxType: 'NONE',
        LineAmount: 105.19,
      },
    ]);
    // The wire carries the draft's digits: 70.1234 × 1.5 = 105.1851 → 105.19, to the cent.
    expect(rawNumbers(req?.body ?? '', 'UnitAmount')).toEqual(['55', '70.1234']);
    const [stored] = h.fake.invoices();
    expect(stored?.SubTotal).toBe(Number(draft.subtotal));
    expect(dec(String(stored?.SubTotal)).eq(dec(draft.subtotal))).toBe(true);
    // Tax is per line: 673.75 × 10% = 67.375 → 67.38; the NONE line has none.
    expect(stored?.TotalTax).toBe(67.38);
    expect(created.total).toBe(dec(draft.subtotal).plus('67.38').toFixed(2));
  });

  it('creates the draft once when the call is repeated with the same key', async () => {
    const draft = draftOf({ contactId, lines: [{ quantity: '3', unitAmount: '55.00' }] });
    const first = await h.invoices.createDraft(CLIENT, draft);
    const again = await h.invoices.createDraft(CLIENT, draft);
    const third = await h.build().ports.invoices.createDraft(CLIENT, draft);
    expect(again).toEqual(first);
    expect(third).toEqual(first);
    expect(h.fake.invoices()).toHaveLength(1);
    expect(h.fake.server.requestsTo('PUT', PUT)).toHaveLength(3);
    expect(h.fake.replays).toBe(2);
  });

  it('surfaces Xero’s validation messages readably, without tokens', async () => {
    const draft = draftOf({ contactId, lines: [{ quantity: '2', unitAmount: '55.00', accountCode: '999' }] });
    const err = await h.invoices.createDraft(CLIENT, draft).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    const e = err as ConnectorError;
    expect(e.status).toBe(400);
    expect(e.code).toBe('validation');
    expect(e.retryable).toBe(false);
    expect(e.details).toEqual(["Account code '999' is not a valid code for this document."]);
    expect(e.message).toBe(
      "xero createInvoiceDraft failed (HTTP 400): Xero refused it: Account code '999' is not a valid code for this document.",
    );
    const stored = await h.store.get('xero');
    const text = `${JSON.stringify(e)} ${inspect(e, { depth: 6 })}`;
    expect(text).not.toContain(stored?.accessToken);
    expect(text).not.toContain(h.fake.clientSecret);
    expect(h.fake.invoices()).toHaveLength(0);
  });

  it('names a currency the organisation is not subscribed to', async () => {
    const draft = draftOf({ contactId, currency: 'JPY', lines: [{ quantity: '1', unitAmount: '5000' }] });
    const err = (await h.invoices.createDraft(CLIENT, draft).catch((e: unknown) => e)) as ConnectorError;
    expect(err.details).toContain('Organisation is not subscribed to currency JPY');
  });

  it('refuses a draft whose line amount Xero would compute differently, before sending anything', async () => {
    const draft = draftOf({ contactId, lines: [{ quantity: '1.5', unitAmount: '33.3333' }] });
    const line = draft.lines[0]!;
    line.lineAmount = '49.99'; // Xero: 1.5 × 33.3333 = 49.99995 → 50.00
    draft.subtotal = '49.99';
    const err = (await h.invoices.createDraft(CLIENT, draft).catch((e: unknown) => e)) as ConnectorError;
    expect(err.code).toBe('validation');
    expect(err.message).toMatch(/line 1: 1\.5 × 33\.3333 is 50\.00 in Xero, the draft says 49\.99/);
    expect(h.fake.server.requestsTo('PUT', PUT)).toHaveLength(0);
  });
});

describe('createDrafts (batch)', () => {
  it('sends several drafts in one call, reports each, and a repeated batch creates nothing new', async () => {
    const drafts = [
      draftOf({ contactId, period: '2026-09', lines: [{ quantity: '1', unitAmount: '10.00' }] }),
      draftOf({
        contactId,
        period: '2026-10',
        lines: [{ quantity: '1', unitAmount: '20.00', accountCode: '999' }],
      }),
      draftOf({ contactId, period: '2026-11', lines: [{ quantity: '2.75', unitAmount: '30.0001' }] }),
    ];
    const results = await h.accounting.createDrafts(h.tenantId, drafts);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    const failed = results[1];
    expect(failed?.ok === false && failed.error.details).toEqual([
      "Account code '999' is not a valid code for this document.",
    ]);
    expect(h.fake.server.requestsTo('PUT', PUT)).toHaveLength(1);
    expect(h.fake.server.requestsTo('PUT', PUT)[0]?.query.summarizeErrors).toBe('false');
    expect(h.fake.invoices()).toHaveLength(2);

    const again = await h.accounting.createDrafts(h.tenantId, drafts);
    expect(again.map((r) => (r.ok ? r.invoice.invoiceId : null))).toEqual(
      results.map((r) => (r.ok ? r.invoice.invoiceId : null)),
    );
    expect(h.fake.invoices()).toHaveLength(2);
    const third = results[2];
    expect(third?.ok && third.invoice.total).toBe('90.75'); // 82.50 + 8.25 tax (2.75 × 30.0001 = 82.500275)
  });
  it('refuses a malformed draft on its own and still sends the others', async () => {
    const bad = draftOf({ contactId, period: '2026-07', lines: [{ quantity: '1', unitAmount: '5.00' }] });
    bad.lines[0]!.unitAmount = '5,00';
    const good = draftOf({ contactId, period: '2026-08', lines: [{ quantity: '2', unitAmount: '5.00' }] });
    const results = await h.accounting.createDrafts(h.tenantId, [bad, good]);
    expect(results[0]?.ok).toBe(false);
    expect(results[0]?.ok === false && results[0].error.code).toBe('validation');
    expect(results[0]?.ok === false && results[0].error.message).toMatch(/"5,00" is not a decimal number/);
    expect(results[1]?.ok).toBe(true);
    const [req] = h.fake.server.requestsTo('PUT', PUT);
    expect((req!.json as { Invoices: { Reference: string }[] }).Invoices.map((i) => i.Reference)).toEqual([
      good.reference,
    ]);
  });
});

describe('getInvoiceStatus', () => {
  it('reads the status as the VA changes it in Xero, and null for an unknown invoice', async () => {
    const created = await h.invoices.createDraft(
      CLIENT,
      draftOf({ contactId, lines: [{ quantity: '1', unitAmount: '1.00' }] }),
    );
    expect(await h.invoices.getInvoiceStatus(CLIENT, created.invoiceId)).toBe('DRAFT');
    h.fake.setInvoiceStatus(created.invoiceId, 'DELETED');
    expect(await h.invoices.getInvoiceStatus(CLIENT, created.invoiceId)).toBe('DELETED');
    expect(await h.invoices.getInvoiceStatus(CLIENT, crypto.randomUUID())).toBeNull();
    const get = h.fake.server.requestsTo('GET', `${PUT}/${created.invoiceId}`);
    // xero-node adds a `{}` body even to a GET; the pipeline sends GETs without one (fetch refuses a GET body).
    expect(get[0]?.body).toBe('');
  });
});
