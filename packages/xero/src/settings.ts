import type { Account, Currency, Organisation, TaxRate } from './sdk.js';

/** An account of the chart of accounts, as vahub reads it. */
export interface XeroAccount {
  code: string;
  name: string;
  /** Xero's account type, e.g. REVENUE, SALES, OTHERINCOME, EXPENSE. */
  type: string;
  /** Xero's class: ASSET, EQUITY, EXPENSE, LIABILITY or REVENUE. */
  class: string;
  /** ACTIVE, ARCHIVED or DELETED. */
  status: string;
}

/** A tax rate, as vahub reads it. */
export interface XeroTaxRate {
  taxType: string;
  name: string;
  /** The rate in percent as Xero shows it, e.g. "10" (its DisplayTaxRate). */
  rate: string;
  /** ACTIVE, DELETED, ARCHIVED or PENDING. */
  status: string;
  canApplyToRevenue: boolean;
}

/** What an organisation's invoices may use: its accounts, tax rates and currencies. */
export interface XeroSettings {
  tenantId: string;
  name: string;
  baseCurrency: string;
  /** The currencies it is subscribed to (Xero's Currencies), the base one included here. */
  currencies: { code: string; description: string }[];
  accounts: XeroAccount[];
  taxRates: XeroTaxRate[];
}

const text = (value: unknown) => (value === undefined || value === null ? '' : String(value));

export function toAccount(a: Account): XeroAccount | null {
  if (!a.code) return null;
  return {
    code: a.code,
    name: text(a.name),
    type: text(a.type),
    class: text(a._class),
    status: text(a.status),
  };
}

export function toTaxRate(t: TaxRate): XeroTaxRate | null {
  if (!t.taxType) return null;
  const rate = t.displayTaxRate ?? t.effectiveRate;
  return {
    taxType: t.taxType,
    name: text(t.name),
    rate: rate === undefined ? '' : String(rate),
    status: text(t.status),
    canApplyToRevenue: t.canApplyToRevenue === true,
  };
}

export function toCurrency(c: Currency): { code: string; description: string } | null {
  return c.code === undefined ? null : { code: String(c.code), description: text(c.description) };
}

export function organisationOf(o: Organisation | undefined): { name: string; baseCurrency: string } {
  return { name: text(o?.name), baseCurrency: text(o?.baseCurrency) };
}

/** The organisation's base currency and its subscribed ones, base first. */
export function usableCurrencies(settings: XeroSettings): string[] {
  return [...new Set([settings.baseCurrency, ...settings.currencies.map((c) => c.code)])].filter(Boolean);
}
