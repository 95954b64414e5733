import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bareServer } from './test-support/bare-server.js';
import { CLIENT, draftOf, type Harness, startHarness } from './test-support/harness.js';
import { loadSpec, type SpecValidators } from './test-support/spec.js';

let accounting: SpecValidators;
let identity: SpecValidators;
let webhooks: SpecValidators;
let h: Harness;

beforeAll(async () => {
  accounting = loadSpec('xero_accounting.yaml');
  identity = loadSpec('xero-identity.yaml', { formats: false });
  // Xero's own event dates carry no zone ("2024-06-21T01:15:39.902"), which `date-time` refuses.
  webhooks = loadSpec('xero-webhooks.yaml', { formats: false });
  h = await startHarness();
});
afterAll(() => h.stop());

function errorsOf(validate: { errors?: unknown }): unknown {
  return validate.errors ?? null;
}

describe('what the connector sends, against xero_accounting.yaml', () => {
  it('invoice bodies (single and batch, every line amount type) are valid Invoices', async () => {
    const contactId = h.fake.addContact({ name: 'Koala Co' }).ContactID;
    await h.invoices.createDraft(
      CLIENT,
      draftOf({
        contactId,
        lines: [
          { quantity: '7.5', unitAmount: '55.1234' },
          { quantity: '1', unitAmount: '0.01' },
        ],
      }),
    );
    await h.accounting.createDrafts(h.tenantId, [
      draftOf({
        contactId,
        period: '2026-09',
        lineAmountTypes: 'Inclusive',
        lines: [{ quantity: '2', unitAmount: '11' }],
      }),
      draftOf({
        contactId,
        period: '2026-10',
        lineAmountTypes: 'NoTax',
        lines: [{ quantity: '3', unitAmount: '9.99', taxType: 'NONE' }],
      }),
    ]);
    const bodies = h.fake.server.requestsTo('PUT', '/api.xro/2.0/Invoices').map((r) => r.json);
    expect(bodies).toHaveLength(2);
    const validate = accounting.request('Invoices');
    for (const body of bodies) {
      expect(validate(body), JSON.stringify(errorsOf(validate))).toBe(true);
    }
  });

  it('contact bodies are valid Contacts', async () => {
    await h.accounting.createContact({
      tenantId: h.tenantId,
      name: 'Possum Partners',
      email: 'ap@possum.example',
    });
    const [req] = h.fake.server.requestsTo('PUT', '/api.xro/2.0/Contacts');
    const validate = accounting.request('Contacts');
    expect(validate(req?.json), JSON.stringify(errorsOf(validate))).toBe(true);
  });

  it('control: the request validator refuses a misspelt field, a read-only field and a wrong enum', () => {
    const validate = accounting.request('Invoices');
    const ok = { Invoices: [{ Type: 'ACCREC', Contact: { ContactID: crypto.randomUUID() }, LineItems: [] }] };
    expect(validate(ok)).toBe(true);
    expect(validate({ Invoices: [{ Type: 'ACCREC', Lineitems: [] }] })).toBe(false);
    expect(validate({ Invoices: [{ Type: 'ACCREC', Total: 10 }] })).toBe(false);
    expect(validate({ Invoices: [{ Type: 'SALES' }] })).toBe(false);
    expect(validate({ Invoices: [{ Type: 'ACCREC', LineItems: [{ Quantity: '1.5' }] }] })).toBe(false);
  });
});

describe('what the fake answers, against the specs', () => {
  it('invoices, contacts and connections as Xero shapes them', async () => {
    const contactId = h.fake.addContact({ name: 'Wombat Ltd', email: 'a@w.example' }).ContactID;
    const created = await h.invoices.createDraft(
      CLIENT,
      draftOf({ contactId, period: '2026-12', lines: [{ quantity: '1', unitAmount: '1.00' }] }),
    );
    await h.invoices.getInvoiceStatus(CLIENT, created.invoiceId);
    await h.accounting.searchContacts(h.tenantId, 'wombat');
    await h.connect.connections();

    const invoices = accounting.response('Invoices');
    for (const r of [
      ...h.fake.server.requestsTo('PUT', '/api.xro/2.0/Invoices'),
      ...h.fake.server.requestsTo('GET', /^\/api\.xro\/2\.0\/Invoices\//),
    ].filter((x) => x.status === 200)) {
      expect(invoices(r.responseBody), JSON.stringify(errorsOf(invoices))).toBe(true);
    }
    const contacts = accounting.response('Contacts');
    for (const r of h.fake.server.requestsTo('GET', '/api.xro/2.0/Contacts')) {
      expect(contacts(r.responseBody), JSON.stringify(errorsOf(contacts))).toBe(true);
    }
    const connection = identity.response('Connection');
    const [conns] = h.fake.server.requestsTo('GET', '/connections');
    expect(Array.isArray(conns?.responseBody)).toBe(true);
    for (const c of conns!.responseBody as unknown[]) expect(connection(c)).toBe(true);
  });

  it('validation failures in Xero’s Error shape', async () => {
    const contactId = h.fake.addContact({ name: 'Emu Pty' }).ContactID;
    await h.invoices
      .createDraft(
        CLIENT,
        draftOf({
          contactId,
          period: '2027-01',
          lines: [{ quantity: '1', unitAmount: '1', accountCode: '999' }],
        }),
      )
      .catch(() => undefined);
    const failed = h.fake.server.requestsTo('PUT', '/api.xro/2.0/Invoices').filter((r) => r.status === 400);
    expect(failed).toHaveLength(1);
    const error = accounting.response('Error');
    expect(error(failed[0]?.responseBody), JSON.stringify(errorsOf(error))).toBe(true);
  });
});

describe('what the fake delivers, against xero-webhooks.yaml', () => {
  it('event payloads are WebhookEvents', async () => {
    const target = await bareServer((_req, res) => res.end());
    try {
      const contactId = h.fake.addContact({ name: 'Quokka Pty' }).ContactID;
      await h.invoices.createDraft(
        CLIENT,
        draftOf({ contactId, period: '2027-02', lines: [{ quantity: '1', unitAmount: '2.00' }] }),
      );
      await h.fake.deliverPendingEvents(target.url);
      const validate = webhooks.response('WebhookEvent');
      // Intent-to-receive payloads carry sequence 0, below the spec's minimum of 1, as Xero sends them.
      const bodies = h.fake.webhooks.hub.deliveries
        .filter((d) => d.meta.kind === 'events')
        .map((d) => JSON.parse(d.body) as { events: { eventCategory: string }[] });
      expect(bodies).toHaveLength(1);
      expect(bodies[0]?.events.map((e) => e.eventCategory)).toContain('INVOICE');
      for (const body of bodies) expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
      expect(validate({ events: [], entropy: 'x' })).toBe(false);
    } finally {
      await target.close();
    }
  });
});
