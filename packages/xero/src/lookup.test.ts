import { isReconnectRequired } from '@vahub/core';
import { afterEach, describe, expect, it } from 'vitest';
import { draftOf, type Harness, startHarness } from './test-support/harness.js';
import { loadSpec } from './test-support/spec.js';

const accounting = loadSpec('xero_accounting.yaml');

let h: Harness;
afterEach(() => h?.stop());

const CHART = {
  baseCurrency: 'AUD',
  currencies: ['NZD'],
  accounts: [
    { code: '200', name: 'Sales' },
    { code: '210', name: 'Old Sales', status: 'ARCHIVED' as const },
    { code: '260', name: 'Other Revenue', type: 'OTHERINCOME' },
    { code: '400', name: 'Advertising', type: 'EXPENSE' },
  ],
  taxRates: {
    OUTPUT: { rate: '10', name: 'GST on Income' },
    EXEMPTOUTPUT: { rate: '0', name: 'GST Free Income' },
    OUTPUT2: { rate: '15', name: 'Old GST', status: 'ARCHIVED' as const },
    INPUT: { rate: '10', name: 'GST on Expenses', revenue: false },
  },
};

/** A grant as vahub asked for it before it read settings: no `accounting.settings.read`. */
async function storeNarrowGrant(options: { recordScope: boolean }): Promise<void> {
  const narrow = h.fake.grant({ scope: 'offline_access accounting.invoices accounting.contacts.read' });
  await h.store.set('xero', {
    accessToken: narrow.access_token,
    refreshToken: narrow.refresh_token ?? null,
    expiresAt: Date.now() + 1_800_000,
    ...(options.recordScope ? { scope: narrow.scope } : {}),
  });
}

const requests = (path: string) => h.fake.server.requestsTo('GET', `/api.xro/2.0/${path}`);

describe('listIds', () => {
  it('lists the organisations, and each one’s contacts (all pages), revenue accounts, tax rates and currencies', async () => {
    h = await startHarness({ fake: { tenants: [{ tenantName: 'Koala Books', ...CHART }] } });
    for (let i = 0; i < 1001; i++) h.fake.addContact({ name: `Customer ${String(i).padStart(4, '0')}` });
    h.fake.addContact({ name: 'Gone Pty', archived: true });

    const tables = await h.xero.listIds();
    const table = (title: string) => tables.find((t) => t.title === title);
    expect(table('organisations')?.rows).toEqual([{ tenantId: h.tenantId, name: 'Koala Books' }]);
    const contacts = table('contacts');
    expect(contacts?.within).toBe(`Koala Books (${h.tenantId})`);
    expect(contacts?.configKey).toBe('clients[].xero.contactId');
    expect(contacts?.rows).toHaveLength(1002);
    expect(contacts?.rows.some((r) => r.name === 'Gone Pty')).toBe(false);
    expect(contacts?.rows.find((r) => r.ContactID === h.contactId)?.name).toBe('Harness Client Pty Ltd');
    expect(table('revenue accounts')?.rows).toEqual([
      { Code: '200', name: 'Sales', type: 'SALES' },
      { Code: '260', name: 'Other Revenue', type: 'OTHERINCOME' },
    ]);
    expect(table('tax rates for revenue')?.rows).toEqual([
      { TaxType: 'OUTPUT', name: 'GST on Income', rate: '10' },
      { TaxType: 'EXEMPTOUTPUT', name: 'GST Free Income', rate: '0' },
    ]);
    expect(table('currencies')?.rows).toEqual([
      { Code: 'AUD', description: 'Australian Dollar', base: 'yes' },
      { Code: 'NZD', description: 'New Zealand Dollar', base: '' },
    ]);
    // Two pages of 1,000 contacts; one call of each settings kind.
    expect(requests('Contacts').map((r) => [r.query.page, r.query.pageSize])).toEqual([
      ['1', '1000'],
      ['2', '1000'],
    ]);
    for (const kind of ['Organisation', 'Accounts', 'TaxRates', 'Currencies'])
      expect(requests(kind)).toHaveLength(1);
  });

  it('reads answers shaped as xero_accounting.yaml has them', async () => {
    h = await startHarness({ fake: { tenants: [CHART] } });
    await h.xero.listIds();
    const shapes: [string, string][] = [
      ['Organisation', 'Organisations'],
      ['Accounts', 'Accounts'],
      ['TaxRates', 'TaxRates'],
      ['Currencies', 'Currencies'],
      ['Contacts', 'Contacts'],
    ];
    for (const [path, schema] of shapes) {
      const validate = accounting.response(schema);
      const [answer] = requests(path);
      expect(answer?.status).toBe(200);
      expect(validate(answer?.responseBody), `${path}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('asks for a new grant, before calling Xero, when the stored one lacks accounting.settings.read', async () => {
    h = await startHarness();
    await storeNarrowGrant({ recordScope: true });
    const before = h.fake.server.requests.length;
    const err = await h.xero.listIds().catch((e: unknown) => e);
    expect(isReconnectRequired(err)).toBe(true);
    expect((err as Error).message).toMatch(/accounting\.settings\.read.*vahub connect xero/);
    expect(h.fake.server.requests.length).toBe(before);
  });

  it('reads Xero’s 401 for a grant without the scope (its scope not recorded) as a reconnect', async () => {
    h = await startHarness();
    await storeNarrowGrant({ recordScope: false });
    const err = await h.xero.listIds().catch((e: unknown) => e);
    expect(isReconnectRequired(err)).toBe(true);
    const refused = requests('Organisation').filter((r) => r.status === 401);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]?.responseBody).toMatchObject({ Detail: 'AuthorizationUnsuccessful' });
  });
});

const client = (id: string, currency: string, xero: string) => `
  - id: ${id}
    name: ${id}
    timezone: Australia/Sydney
    billing: { currency: ${currency}, hourlyRate: "55.00" }
    xero: { tenantId: TENANT, contactId: CONTACT, ${xero} }`;

describe('checkClients', () => {
  it('names each unusable account code, tax type and currency, reading each organisation once', async () => {
    const extra = ({ tenantId, contactId }: { tenantId: string; contactId: string }) =>
      [
        client('expense-account', 'AUD', 'accountCode: "400"'),
        client('archived-account', 'AUD', 'accountCode: "210"'),
        client('unknown-account', 'AUD', 'accountCode: "999"'),
        client('archived-tax', 'AUD', 'accountCode: "260", taxType: OUTPUT2'),
        client('expense-tax', 'AUD', 'accountCode: "200", taxType: INPUT'),
        client('unknown-tax', 'AUD', 'accountCode: "200", taxType: NOPE'),
        client('unsubscribed', 'USD', 'accountCode: "200"'),
        client('subscribed', 'NZD', 'accountCode: "260", taxType: EXEMPTOUTPUT'),
      ]
        .join('')
        .replaceAll('TENANT', tenantId)
        .replaceAll('CONTACT', contactId);
    h = await startHarness({ fake: { tenants: [{ tenantName: 'Koala Books', ...CHART }] }, extra });
    const checks = await h.xero.checkClients();
    const problem = (id: string, path: string) =>
      checks.find((c) => c.clientId === id && c.path === path)?.problem ?? null;

    for (const path of ['xero.accountCode', 'xero.taxType', 'billing.currency'])
      expect(problem('koala-co', path)).toBeNull();
    expect(problem('subscribed', 'billing.currency')).toBeNull();
    expect(problem('subscribed', 'xero.taxType')).toBeNull();
    expect(problem('expense-account', 'xero.accountCode')).toBe(
      'account 400 (Advertising) is EXPENSE, not a revenue account',
    );
    expect(problem('archived-account', 'xero.accountCode')).toBe(
      'account 210 (Old Sales) is archived in "Koala Books"',
    );
    expect(problem('unknown-account', 'xero.accountCode')).toBe(
      'account code "999" is not in "Koala Books"\'s chart of accounts',
    );
    expect(problem('archived-tax', 'xero.taxType')).toBe(
      'tax type OUTPUT2 (Old GST) is archived in "Koala Books"',
    );
    expect(problem('expense-tax', 'xero.taxType')).toBe(
      'tax type INPUT (GST on Expenses) cannot be used on revenue accounts',
    );
    expect(problem('unknown-tax', 'xero.taxType')).toBe('tax type "NOPE" does not exist in "Koala Books"');
    const usd = checks.find((c) => c.clientId === 'unsubscribed' && c.path === 'billing.currency');
    expect(usd?.problem).toBe(
      'USD is neither "Koala Books"\'s base currency (AUD) nor one it is subscribed to (AUD, NZD)',
    );
    expect(usd?.hint).toMatch(/add USD to the organisation's currencies in Xero/);
    for (const kind of ['Organisation', 'Accounts', 'TaxRates', 'Currencies'])
      expect(requests(kind)).toHaveLength(1);
  });

  it('reports a check it could not make with the error, for every client of that organisation', async () => {
    h = await startHarness();
    h.fake.server.faults.next({ status: 503, match: (r) => r.path === '/api.xro/2.0/Accounts' });
    const checks = await h.build({ tuning: { retry: { attempts: 1 } } }).checkClients();
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ clientId: 'koala-co', path: 'xero', problem: null });
    expect(checks[0]?.error).toBeInstanceOf(Error);
  });
});

describe('the fake, as Xero', () => {
  it('refuses a draft on what doctor flags: an archived account, an archived tax type, an expense tax type', async () => {
    h = await startHarness({ fake: { tenants: [CHART] } });
    // Each draft its own period: the same draft again would be Xero replaying the first answer.
    const refused = async (line: { accountCode: string; taxType: string; period: string }) => {
      const { period, ...rest } = line;
      const draft = draftOf({
        contactId: h.contactId,
        period,
        lines: [{ quantity: '1', unitAmount: '10.00', ...rest }],
      });
      const err = await h.accounting.createDraft(h.tenantId, draft).catch((e: unknown) => e);
      return (err as Error).message;
    };
    expect(await refused({ accountCode: '210', taxType: 'OUTPUT', period: '2026-01' })).toMatch(
      /has been archived/,
    );
    expect(await refused({ accountCode: '200', taxType: 'OUTPUT2', period: '2026-02' })).toMatch(
      /TaxType code 'OUTPUT2'/,
    );
    expect(await refused({ accountCode: '200', taxType: 'INPUT', period: '2026-03' })).toMatch(
      /TaxType code 'INPUT'/,
    );
    const ok = await h.accounting.createDraft(
      h.tenantId,
      draftOf({
        contactId: h.contactId,
        lines: [{ quantity: '1', unitAmount: '10.00', accountCode: '260' }],
      }),
    );
    expect(ok.status).toBe('DRAFT');
  });
});
