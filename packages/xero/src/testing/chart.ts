import { dec } from '@vahub/core';
import { type FakeAccount, type FakeTaxRate, randomUUID } from './state.js';

// The fake's chart of accounts and tax rates: what `FakeTenantOptions` takes, and its defaults.

export interface FakeAccountOptions {
  code: string;
  name?: string;
  /** @defaultValue "SALES" */
  type?: string;
  /** @defaultValue "ACTIVE" */
  status?: 'ACTIVE' | 'ARCHIVED';
}

export interface FakeTaxRateOptions {
  rate: string;
  name?: string;
  /** @defaultValue "ACTIVE" */
  status?: 'ACTIVE' | 'ARCHIVED' | 'DELETED';
  /** @defaultValue true */
  revenue?: boolean;
}

export const DEFAULT_ACCOUNTS: FakeAccountOptions[] = [
  { code: '200', name: 'Sales', type: 'SALES' },
  { code: '260', name: 'Other Revenue', type: 'OTHERINCOME' },
  { code: '400', name: 'Advertising', type: 'EXPENSE' },
];

export const DEFAULT_TAX_RATES: Record<string, FakeTaxRateOptions> = {
  OUTPUT: { rate: '10', name: 'GST on Income' },
  NONE: { rate: '0', name: 'No GST' },
  EXEMPTOUTPUT: { rate: '0', name: 'GST Free Income' },
  BASEXCLUDED: { rate: '0', name: 'BAS Excluded' },
};

/** Xero's account class of each account type. */
const CLASS_OF: Record<string, string> = {
  REVENUE: 'REVENUE',
  SALES: 'REVENUE',
  OTHERINCOME: 'REVENUE',
  EXPENSE: 'EXPENSE',
  OVERHEADS: 'EXPENSE',
  DIRECTCOSTS: 'EXPENSE',
  DEPRECIATN: 'EXPENSE',
  BANK: 'ASSET',
  CURRENT: 'ASSET',
  FIXED: 'ASSET',
  CURRLIAB: 'LIABILITY',
  TERMLIAB: 'LIABILITY',
  EQUITY: 'EQUITY',
};

export function fakeAccount(options: string | FakeAccountOptions): FakeAccount {
  const o = typeof options === 'string' ? { code: options } : options;
  const type = o.type ?? 'SALES';
  return {
    AccountID: randomUUID(),
    Code: o.code,
    Name: o.name ?? `Account ${o.code}`,
    Type: type,
    Class: CLASS_OF[type] ?? 'ASSET',
    Status: o.status ?? 'ACTIVE',
  };
}

export function fakeTaxRate(taxType: string, options: string | FakeTaxRateOptions): FakeTaxRate {
  const o = typeof options === 'string' ? { rate: options } : options;
  return {
    Name: o.name ?? taxType,
    rate: dec(o.rate),
    Status: o.status ?? 'ACTIVE',
    CanApplyToRevenue: o.revenue ?? true,
  };
}
