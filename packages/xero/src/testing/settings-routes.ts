import type { FakeRequest, FakeResponse, FakeServer } from '@vahub/testkit';
import { type GuardContext, guarded } from './accounting-guard.js';
import { type FakeTenant, msDate, randomUUID, validationBody } from './state.js';

/** The spec's `security` of the settings reads: either scope will do. */
const SETTINGS_SCOPES = ['accounting.settings', 'accounting.settings.read'];

const NAMES: Record<string, string> = {
  AUD: 'Australian Dollar',
  EUR: 'Euro',
  GBP: 'British Pound',
  NZD: 'New Zealand Dollar',
  USD: 'United States Dollar',
  CAD: 'Canadian Dollar',
};

function envelope(key: string, items: unknown[], now: number): Record<string, unknown> {
  return {
    Id: randomUUID(),
    Status: 'OK',
    ProviderName: 'vahub fake Xero',
    DateTimeUTC: msDate(now),
    [key]: items,
  };
}

/**
 * A listing of every status unless `where` asks for one: `Status=="…"` is the one `where` the fake
 * reads; anything else is refused, never silently ignored.
 */
function byStatus<T extends { Status: string }>(
  req: FakeRequest,
  key: string,
  items: T[],
  render: (item: T) => Record<string, unknown>,
  now: number,
): FakeResponse {
  const where = req.query.get('where');
  const m = where ? /^\s*Status\s*==\s*"([A-Z]+)"\s*$/.exec(where) : null;
  if (where && !m) {
    return {
      status: 400,
      json: validationBody([
        { ValidationErrors: [{ Message: `the fake reads only Status=="…", got ${where}` }] },
      ]),
    };
  }
  const kept = items.filter((i) => !m || i.Status === m[1]);
  return { status: 200, json: envelope(key, kept.map(render), now) };
}

function organisationJson(t: FakeTenant): Record<string, unknown> {
  return {
    OrganisationID: t.tenantId,
    Name: t.tenantName,
    LegalName: t.tenantName,
    Version: 'AU',
    OrganisationType: 'COMPANY',
    BaseCurrency: t.baseCurrency,
    CountryCode: 'AU',
    IsDemoCompany: true,
    OrganisationStatus: 'ACTIVE',
  };
}

/**
 * GET Organisation, Accounts, TaxRates and Currencies as xero_accounting.yaml has them: envelopes with
 * PascalCase fields, every status unless `where` asks for one, no paging (Xero pages none of them),
 * and a token without `accounting.settings(.read)` refused with 401.
 */
export function settingsRoutes(server: FakeServer, ctx: GuardContext): void {
  const base = '/api.xro/2.0';
  const read = (handler: (req: FakeRequest, tenant: FakeTenant) => FakeResponse) =>
    guarded(ctx, handler, SETTINGS_SCOPES);

  server.route(
    'GET',
    `${base}/Organisation`,
    read((_req, t) => ({ status: 200, json: envelope('Organisations', [organisationJson(t)], ctx.now()) })),
  );

  // Accounts and TaxRates: every status unless `where` asks for one.
  const listing = <T extends { Status: string }>(
    path: string,
    items: (t: FakeTenant) => T[],
    render: (item: T) => Record<string, unknown>,
  ) =>
    server.route(
      'GET',
      `${base}/${path}`,
      read((req, t) => byStatus(req, path, items(t), render, ctx.now())),
    );

  listing(
    'Accounts',
    (t) => [...t.accounts.values()],
    (a) => ({
      ...a,
      TaxType: a.Class === 'REVENUE' ? 'OUTPUT' : 'INPUT',
      EnablePaymentsToAccount: false,
      ShowInExpenseClaims: false,
      ReportingCode: a.Class === 'REVENUE' ? 'REV' : 'EXP',
      HasAttachments: false,
      UpdatedDateUTC: msDate(ctx.now()),
      AddToWatchlist: false,
    }),
  );

  listing(
    'TaxRates',
    (t) => [...t.taxRates.entries()].map(([TaxType, r]) => ({ ...r, TaxType })),
    (r) => ({
      Name: r.Name,
      TaxType: r.TaxType,
      ReportTaxType: r.CanApplyToRevenue ? 'OUTPUT' : 'INPUT',
      CanApplyToAssets: !r.CanApplyToRevenue,
      CanApplyToEquity: !r.CanApplyToRevenue,
      CanApplyToExpenses: !r.CanApplyToRevenue,
      CanApplyToLiabilities: !r.CanApplyToRevenue,
      CanApplyToRevenue: r.CanApplyToRevenue,
      DisplayTaxRate: r.rate.toNumber(),
      EffectiveRate: r.rate.toNumber(),
      Status: r.Status,
      TaxComponents: [{ Name: 'GST', Rate: r.rate.toNumber(), IsCompound: false, IsNonRecoverable: false }],
    }),
  );

  server.route(
    'GET',
    `${base}/Currencies`,
    read((_req, t) => {
      const currencies = [...t.currencies].map((code) => ({ Code: code, Description: NAMES[code] ?? code }));
      return { status: 200, json: envelope('Currencies', currencies, ctx.now()) };
    }),
  );
}
