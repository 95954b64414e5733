import { MemoryLock, MemoryLogger, MemoryTokenStore } from '@vahub/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createXero, type XeroInstance } from './connector.js';
import { CLIENT, configText, contextFrom, draftOf } from './test-support/harness.js';
import { FakeXero } from './testing/index.js';

let fake: FakeXero | null = null;
afterEach(async () => {
  await fake?.stop();
  fake = null;
});

/** Two clients, each invoiced in its own organisation, on one grant covering both. */
async function twoOrganisations() {
  fake = new FakeXero({
    tenants: [{ tenantName: 'VA Pty Ltd' }, { tenantName: 'VA Ltd (UK)', baseCurrency: 'GBP' }],
  });
  await fake.start();
  const [au, uk] = [...fake.tenants.keys()] as [string, string];
  const koala = fake.addContact({ name: 'Koala Co Pty Ltd', tenantId: au }).ContactID;
  const thames = fake.addContact({ name: 'Thames Ltd', tenantId: uk }).ContactID;
  const text = configText({
    tenantId: au,
    contactId: koala,
    extra: `  - id: thames-ltd
    name: Thames Ltd
    timezone: Europe/London
    billing: { currency: GBP, hourlyRate: "40.00" }
    xero: { tenantId: ${uk}, contactId: ${thames}, accountCode: "260", taxType: NONE }
`,
  });
  const store = new MemoryTokenStore();
  const granted = fake.grant();
  await store.set('xero', {
    accessToken: granted.access_token,
    refreshToken: granted.refresh_token ?? null,
    expiresAt: Date.now() + 1_800_000,
  });
  const deps = { tokens: store, lock: new MemoryLock(), logger: new MemoryLogger() };
  const xero: XeroInstance = createXero(contextFrom({ text, env: fake.env(), deps }));
  return { f: fake, xero, au, uk, koala, thames };
}

describe('XeroInvoiceSink: vahub clients, not Xero ids', () => {
  it('gives each client its own contact, account and tax type', async () => {
    const { xero, koala, thames } = await twoOrganisations();
    expect(xero.ports.invoices.target(CLIENT)).toEqual({
      contactId: koala,
      accountCode: '200',
      taxType: 'OUTPUT',
    });
    expect(xero.ports.invoices.target('thames-ltd')).toEqual({
      contactId: thames,
      accountCode: '260',
      taxType: 'NONE',
    });
  });

  it('reads and writes each client in its own organisation', async () => {
    const { f, xero, au, uk, koala, thames } = await twoOrganisations();
    const { invoices } = xero.ports;
    expect(await invoices.findContact('thames-ltd')).toMatchObject({ id: thames, name: 'Thames Ltd' });
    expect(await invoices.findContact(CLIENT)).toMatchObject({ id: koala, name: 'Koala Co Pty Ltd' });
    const created = await invoices.createDraft(
      'thames-ltd',
      draftOf({
        clientId: 'thames-ltd',
        contactId: thames,
        currency: 'GBP',
        lines: [{ quantity: '2', unitAmount: '40.00', accountCode: '260', taxType: 'NONE' }],
      }),
    );
    expect(f.invoices(uk).map((i) => i.InvoiceID)).toEqual([created.invoiceId]);
    expect(f.invoices(au)).toEqual([]);
    expect(await invoices.getInvoiceStatus('thames-ltd', created.invoiceId)).toBe('DRAFT');
    // The same invoice id asked of the other client's organisation: Xero there does not know it.
    expect(await invoices.getInvoiceStatus(CLIENT, created.invoiceId)).toBeNull();
    const tenants = f.server.requests
      .filter((r) => r.path.startsWith('/api.xro/'))
      .map((r) => r.headers['xero-tenant-id']);
    expect(tenants).toEqual([uk, au, uk, uk, au]);
  });

  it('refuses a draft made for another client before sending anything', async () => {
    const { f, xero, koala } = await twoOrganisations();
    const draft = draftOf({
      clientId: CLIENT,
      contactId: koala,
      lines: [{ quantity: '1', unitAmount: '1.00' }],
    });
    await expect(xero.ports.invoices.createDraft('thames-ltd', draft)).rejects.toMatchObject({
      code: 'validation',
      message: expect.stringMatching(/is client koala-co's, not thames-ltd's: nothing was sent/),
    });
    expect(f.server.requestsTo('PUT', '/api.xro/2.0/Invoices')).toEqual([]);
  });
});
