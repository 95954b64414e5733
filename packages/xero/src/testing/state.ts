import { randomBytes, randomUUID } from 'node:crypto';
import type { Decimal } from '@vahub/core';
import type { FakeResponse } from '@vahub/testkit';

export interface FakeTenant {
  tenantId: string;
  tenantName: string;
  baseCurrency: string;
  /** Currencies the organisation is subscribed to. */
  currencies: Set<string>;
  /** The chart of accounts, by code. */
  accounts: Map<string, FakeAccount>;
  /** The tax rates, by tax type. */
  taxRates: Map<string, FakeTaxRate>;
  contacts: Map<string, FakeContact>;
  invoices: Map<string, FakeInvoice>;
  invoiceSeq: number;
  /** Invoice id → its History and Notes records, oldest first (notes are append-only in Xero). */
  history: Map<string, FakeHistoryRecord[]>;
  /** Idempotency-Key → the first answer (a promise, so a concurrent repeat waits for it). */
  idempotency: Map<string, Promise<FakeResponse>>;
}

export interface FakeAccount {
  AccountID: string;
  Code: string;
  Name: string;
  /** Xero's account type, e.g. REVENUE, SALES, OTHERINCOME, EXPENSE, BANK. */
  Type: string;
  /** ASSET, EQUITY, EXPENSE, LIABILITY or REVENUE (Xero derives it from the type). */
  Class: string;
  Status: 'ACTIVE' | 'ARCHIVED';
}

export interface FakeTaxRate {
  Name: string;
  /** Percent. */
  rate: Decimal;
  Status: 'ACTIVE' | 'ARCHIVED' | 'DELETED';
  CanApplyToRevenue: boolean;
}

export interface FakeHistoryRecord {
  Changes: string;
  User: string;
  Details: string;
  DateUTC: number;
}

export interface FakeContact {
  ContactID: string;
  Name: string;
  EmailAddress: string;
  ContactStatus: 'ACTIVE' | 'ARCHIVED';
  UpdatedDateUTC: string;
}

export interface FakeLine {
  LineItemID: string;
  Description: string;
  quantity: Decimal;
  unitAmount: Decimal;
  AccountCode: string;
  TaxType: string;
  lineAmount: Decimal;
  taxAmount: Decimal;
}

/** An invoice as the fake keeps it: exact decimals, rendered to Xero's JSON per request. */
export interface FakeInvoice {
  InvoiceID: string;
  InvoiceNumber: string;
  Type: string;
  Status: string;
  Reference: string;
  ContactID: string;
  ContactName: string;
  date: string;
  dueDate: string | null;
  CurrencyCode: string;
  LineAmountTypes: 'Exclusive' | 'Inclusive' | 'NoTax';
  lines: FakeLine[];
  subTotal: Decimal;
  totalTax: Decimal;
  total: Decimal;
  updatedAt: number;
}

export interface FakeGrant {
  id: string;
  clientId: string;
  scope: string;
  authEventId: string;
  connections: { id: string; tenantId: string; createdDateUtc: string }[];
  revoked: boolean;
}

export interface RefreshRecord {
  grantId: string;
  issuedAt: number;
  /** When it was traded for a new pair; null while unused. */
  usedAt: number | null;
  /** The refresh token its trade produced. */
  successor: string | null;
  dead: boolean;
}

export interface IdentityState {
  grants: Map<string, FakeGrant>;
  codes: Map<string, { grantId: string; redirectUri: string; used: boolean }>;
  accessTokens: Map<string, { grantId: string; expiresAt: number }>;
  refreshTokens: Map<string, RefreshRecord>;
}

export function newIdentityState(): IdentityState {
  return { grants: new Map(), codes: new Map(), accessTokens: new Map(), refreshTokens: new Map() };
}

export function opaque(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString('base64url')}`;
}

export { randomUUID };

/** Xero's JSON dates: `/Date(1573603200000+0000)/`. */
export function msDate(epochMs: number): string {
  return `/Date(${epochMs}+0000)/`;
}

/** A Xero error body: 400 ValidationException with one element per refused item. */
export function validationBody(elements: Record<string, unknown>[]): Record<string, unknown> {
  return {
    ErrorNumber: 10,
    Type: 'ValidationException',
    Message: 'A validation exception occurred',
    Elements: elements,
  };
}

/** The problem-details body Xero answers 401/403/404 with. */
export function problem(status: number, title: string, detail: string): FakeResponse {
  return {
    status,
    json: {
      Type: null,
      Title: title,
      Status: status,
      Detail: detail,
      Instance: randomUUID(),
      Extensions: {},
    },
  };
}
