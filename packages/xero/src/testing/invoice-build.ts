import { type Decimal, dec, roundTo } from '@vahub/core';
import { invoiceTotals, money } from './invoice-math.js';
import { type FakeInvoice, type FakeLine, type FakeTenant, msDate, randomUUID } from './state.js';

const LINE_TYPES = ['Exclusive', 'Inclusive', 'NoTax'] as const;
const DATE = /^\d{4}-\d{2}-\d{2}(T00:00:00)?$/;

/** A number from a request body as an exact decimal (JSON numbers arrive as their shortest text). */
export function decimalOf(value: unknown): Decimal | null {
  if (typeof value === 'number' && Number.isFinite(value)) {
    const text = String(value);
    return dec(/e/i.test(text) ? value.toFixed(12) : text);
  }
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return dec(value);
  return null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

export interface BuildResult {
  invoice: FakeInvoice | null;
  errors: string[];
}

/**
 * Validate one invoice of a PUT/POST body the way Xero does and build it. Messages follow Xero's
 * wording where it is known. One thing is stricter than Xero: a LineAmount that disagrees with
 * Quantity × UnitAmount is refused rather than silently recomputed, so a connector's drift shows.
 */
export function buildInvoice(input: {
  tenant: FakeTenant;
  item: unknown;
  unitdp: number;
  now: number;
}): BuildResult {
  const { tenant, unitdp, now } = input;
  const item = record(input.item);
  const errors: string[] = [];
  const type = text(item.Type);
  if (type !== 'ACCREC' && type !== 'ACCPAY') errors.push('Invoice Type must be specified');

  const contactIn = record(item.Contact);
  const contactId = text(contactIn.ContactID);
  const contact = contactId ? tenant.contacts.get(contactId) : undefined;
  if (!contact)
    errors.push(contactId ? `The Contact ID ${contactId} does not exist` : 'A Contact must be specified');

  const currency = text(item.CurrencyCode) ?? tenant.baseCurrency;
  if (!tenant.currencies.has(currency)) errors.push(`Organisation is not subscribed to currency ${currency}`);

  const lineTypes = text(item.LineAmountTypes) ?? 'Exclusive';
  if (!(LINE_TYPES as readonly string[]).includes(lineTypes)) {
    errors.push(`LineAmountTypes "${lineTypes}" is not one of Exclusive, Inclusive, NoTax`);
  }
  const date = text(item.Date) ?? new Date(now).toISOString().slice(0, 10);
  const dueDate = text(item.DueDate);
  if (!DATE.test(date)) errors.push(`The date "${date}" is not a valid date`);
  if (dueDate !== null && !DATE.test(dueDate)) errors.push(`The due date "${dueDate}" is not a valid date`);
  const status = text(item.Status) ?? 'DRAFT';
  if (!['DRAFT', 'SUBMITTED', 'AUTHORISED'].includes(status)) {
    errors.push(`Invoice Status "${status}" cannot be used when creating an invoice`);
  }

  const linesIn = Array.isArray(item.LineItems) ? item.LineItems : [];
  const lines: (Omit<FakeLine, 'lineAmount' | 'taxAmount'> & {
    taxRate: Decimal;
    taxAmount: Decimal | null;
  })[] = [];
  linesIn.forEach((raw) => {
    const line = record(raw);
    const description = text(line.Description) ?? '';
    const quantity = decimalOf(line.Quantity ?? 1);
    const unitAmount = decimalOf(line.UnitAmount ?? 0);
    const accountCode = text(line.AccountCode) ?? '';
    const taxType = text(line.TaxType) ?? 'NONE';
    if (description.trim().length === 0) errors.push('Description must be at least 1 character long');
    const account = tenant.accounts.get(accountCode);
    if (!account) {
      errors.push(`Account code '${accountCode}' is not a valid code for this document.`);
    } else if (account.Status !== 'ACTIVE') {
      errors.push(
        `Account code '${accountCode}' has been archived, or has been deleted. Each line item must reference a valid account.`,
      );
    }
    const found = tenant.taxRates.get(taxType);
    const usable =
      found?.Status === 'ACTIVE' && (account?.Class !== 'REVENUE' || found.CanApplyToRevenue) ? found : null;
    const taxRate = usable?.rate;
    if (!taxRate) {
      errors.push(
        `The TaxType code '${taxType}' does not exist or cannot be used for this type of transaction.`,
      );
    }
    if (!quantity || !unitAmount) {
      errors.push('Quantity and UnitAmount must be numbers');
      return;
    }
    // Xero keeps unit amounts to `unitdp` decimals (2 unless asked for 4) and quantities to 4.
    const q = roundTo(quantity, 4);
    const u = roundTo(unitAmount, unitdp === 4 ? 4 : 2);
    const given = line.LineAmount === undefined ? null : decimalOf(line.LineAmount);
    const expected = roundTo(q.times(u), 2);
    if (given && !given.eq(expected)) {
      errors.push(
        `The line amount ${given.toFixed()} does not equal Quantity × UnitAmount (${expected.toFixed(2)})`,
      );
    }
    lines.push({
      LineItemID: randomUUID(),
      Description: description,
      quantity: q,
      unitAmount: u,
      AccountCode: accountCode,
      TaxType: taxType,
      taxRate: taxRate ?? dec(0),
      taxAmount: line.TaxAmount === undefined ? null : decimalOf(line.TaxAmount),
    });
  });
  if (linesIn.length === 0) errors.push('At least one line item must be specified');
  if (errors.length > 0 || !contact) return { invoice: null, errors: [...new Set(errors)] };

  const totals = invoiceTotals(
    lines.map((l) => ({
      quantity: l.quantity,
      unitAmount: l.unitAmount,
      taxRate: l.taxRate,
      taxAmount: l.taxAmount,
    })),
    lineTypes as FakeInvoice['LineAmountTypes'],
  );
  tenant.invoiceSeq += 1;
  return {
    errors: [],
    invoice: {
      InvoiceID: randomUUID(),
      InvoiceNumber: type === 'ACCREC' ? `INV-${String(tenant.invoiceSeq).padStart(4, '0')}` : '',
      Type: type as string,
      Status: status,
      Reference: text(item.Reference) ?? '',
      ContactID: contact.ContactID,
      ContactName: contact.Name,
      date: date.slice(0, 10),
      dueDate: dueDate?.slice(0, 10) ?? null,
      CurrencyCode: currency,
      LineAmountTypes: lineTypes as FakeInvoice['LineAmountTypes'],
      lines: lines.map(({ taxRate: _rate, taxAmount: _sent, ...l }, i) => ({
        ...l,
        lineAmount: totals.lines[i]?.lineAmount ?? dec(0),
        taxAmount: totals.lines[i]?.taxAmount ?? dec(0),
      })),
      subTotal: totals.subTotal,
      totalTax: totals.totalTax,
      total: totals.total,
      updatedAt: now,
    },
  };
}

function dateFields(name: string, date: string | null): Record<string, unknown> {
  if (date === null) return {};
  return { [name]: msDate(Date.parse(`${date}T00:00:00Z`)), [`${name}String`]: `${date}T00:00:00` };
}

/** The invoice as Xero's JSON answers it; unit amounts with 4 decimals only when `unitdp=4` was asked. */
export function renderInvoice(inv: FakeInvoice, unitdp: number): Record<string, unknown> {
  const paidLike = inv.Status === 'VOIDED' || inv.Status === 'DELETED';
  return {
    Type: inv.Type,
    InvoiceID: inv.InvoiceID,
    InvoiceNumber: inv.InvoiceNumber,
    Reference: inv.Reference,
    Contact: { ContactID: inv.ContactID, Name: inv.ContactName },
    ...dateFields('Date', inv.date),
    ...dateFields('DueDate', inv.dueDate),
    Status: inv.Status,
    LineAmountTypes: inv.LineAmountTypes,
    LineItems: inv.lines.map((l) => ({
      LineItemID: l.LineItemID,
      Description: l.Description,
      Quantity: money(l.quantity, 4),
      UnitAmount: money(l.unitAmount, unitdp === 4 ? 4 : 2),
      AccountCode: l.AccountCode,
      TaxType: l.TaxType,
      TaxAmount: money(l.taxAmount),
      LineAmount: money(l.lineAmount),
      Tracking: [],
    })),
    SubTotal: money(inv.subTotal),
    TotalTax: money(inv.totalTax),
    Total: money(inv.total),
    AmountDue: paidLike ? 0 : money(inv.total),
    AmountPaid: 0,
    AmountCredited: 0,
    CurrencyCode: inv.CurrencyCode,
    CurrencyRate: 1,
    HasAttachments: false,
    IsDiscounted: false,
    HasErrors: false,
    UpdatedDateUTC: msDate(inv.updatedAt),
  };
}
