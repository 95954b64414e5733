import {
  ConnectorError,
  type CreatedInvoice,
  dec,
  type InvoiceDraft,
  type InvoiceStatus,
  roundTo,
  sum,
  toFixed,
} from '@vahub/core';
import { CurrencyCode, Invoice, LineAmountTypes, type LineItem } from './sdk.js';

const STATUSES: readonly InvoiceStatus[] = ['DRAFT', 'SUBMITTED', 'AUTHORISED', 'PAID', 'VOIDED', 'DELETED'];

function refuse(operation: string, message: string): ConnectorError {
  return new ConnectorError({ provider: 'xero', operation, code: 'validation', retryable: false, message });
}

function decimals(text: string): number {
  return (text.split('.')[1] ?? '').length;
}

/**
 * xero-node types amounts as JS numbers. A decimal string with at most 15 significant digits
 * survives `Number()` and `JSON.stringify` exactly (both use the shortest round-trip form), so
 * the wire carries the draft's own digits; anything that would not is refused, never rounded.
 */
export function exactNumber(text: string, what: string, operation: string): number {
  const value = dec(text);
  const n = Number(text);
  if (!Number.isFinite(n) || !dec(String(n)).eq(value) || /e/i.test(String(n))) {
    throw refuse(operation, `${what} "${text}" cannot be sent to Xero without losing digits`);
  }
  return n;
}

/**
 * Check what Xero will compute before sending: line amount = quantity × unit amount rounded half-up
 * to 2 decimals, subtotal = sum of line amounts. A draft that disagrees would show other totals in
 * Xero than vahub previewed, so it is refused with the line named.
 */
export function checkDraftArithmetic(draft: InvoiceDraft, operation: string): void {
  if (draft.lines.length === 0) throw refuse(operation, 'the draft has no lines');
  draft.lines.forEach((line, i) => {
    const where = `line ${i + 1}`;
    if (line.description.trim().length === 0) throw refuse(operation, `${where} has no description`);
    for (const [what, text] of [
      ['quantity', line.quantity],
      ['unit amount', line.unitAmount],
    ] as const) {
      if (decimals(dec(text).toFixed()) > 4) {
        throw refuse(operation, `${where}: ${what} "${text}" has more than the 4 decimals Xero keeps`);
      }
    }
    const expected = roundTo(dec(line.quantity).times(dec(line.unitAmount)), 2, 'half-up');
    if (!expected.eq(dec(line.lineAmount))) {
      throw refuse(
        operation,
        `${where}: ${line.quantity} × ${line.unitAmount} is ${expected.toFixed(2)} in Xero, the draft says ${line.lineAmount}`,
      );
    }
  });
  const subtotal = sum(draft.lines.map((l) => l.lineAmount));
  if (!subtotal.eq(dec(draft.subtotal))) {
    throw refuse(
      operation,
      `the lines add up to ${subtotal.toFixed(2)}, the draft's subtotal says ${draft.subtotal}`,
    );
  }
}

/** The xero-node invoice for a draft: ACCREC, DRAFT, the draft's own amounts. Refuses with a ConnectorError. */
export function toXeroInvoice(draft: InvoiceDraft, operation: string): Invoice {
  try {
    return mapDraft(draft, operation);
  } catch (err) {
    if (err instanceof ConnectorError) throw err;
    // A malformed amount ("12,50") is the engine's bug, but it must still fail as a clear refusal.
    throw refuse(operation, `the draft "${draft.reference}" cannot be sent: ${(err as Error).message}`);
  }
}

function mapDraft(draft: InvoiceDraft, operation: string): Invoice {
  checkDraftArithmetic(draft, operation);
  const currency = CurrencyCode[draft.currency as keyof typeof CurrencyCode];
  if (currency === undefined) throw refuse(operation, `Xero does not know the currency "${draft.currency}"`);
  const lineItems: LineItem[] = draft.lines.map((line, i) => ({
    description: line.description,
    quantity: exactNumber(line.quantity, `line ${i + 1} quantity`, operation),
    unitAmount: exactNumber(line.unitAmount, `line ${i + 1} unit amount`, operation),
    lineAmount: exactNumber(line.lineAmount, `line ${i + 1} line amount`, operation),
    accountCode: line.accountCode,
    taxType: line.taxType,
    // A tax the engine cut to whole yen is sent, so Xero keeps it instead of computing its own.
    ...(line.taxAmountIsFixed && line.taxAmount !== undefined
      ? { taxAmount: exactNumber(line.taxAmount, `line ${i + 1} tax amount`, operation) }
      : {}),
  }));
  return {
    type: Invoice.TypeEnum.ACCREC,
    status: Invoice.StatusEnum.DRAFT,
    contact: { contactID: draft.contactId },
    date: draft.date,
    dueDate: draft.dueDate,
    currencyCode: currency,
    reference: draft.reference,
    lineAmountTypes: LineAmountTypes[draft.lineAmountTypes],
    lineItems,
  };
}

/** A money number from a Xero answer as a 2-decimal string. */
export function moneyText(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '0.00';
  // Xero's totals have 2 decimals; 6 digits of toFixed are far below a cent and exact for them.
  return toFixed(dec(value.toFixed(6)), 2);
}

export function statusOf(invoice: Invoice, operation: string): InvoiceStatus {
  const status = String(invoice.status ?? '');
  if (!(STATUSES as readonly string[]).includes(status)) {
    throw new ConnectorError({
      provider: 'xero',
      operation,
      code: 'unexpected_response',
      message: `Xero answered an invoice with the unknown status "${status}"`,
    });
  }
  return status as InvoiceStatus;
}

export function toCreatedInvoice(invoice: Invoice, operation: string): CreatedInvoice {
  if (!invoice.invoiceID) {
    throw new ConnectorError({
      provider: 'xero',
      operation,
      code: 'unexpected_response',
      message: 'Xero answered an invoice without an InvoiceID',
    });
  }
  return {
    invoiceId: invoice.invoiceID,
    invoiceNumber: invoice.invoiceNumber ?? null,
    status: statusOf(invoice, operation),
    total: moneyText(invoice.total),
  };
}
