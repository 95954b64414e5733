import { type Decimal, dec, roundTo, sum } from '@vahub/core';

export type FakeLineAmountTypes = 'Exclusive' | 'Inclusive' | 'NoTax';

export interface FakeLineInput {
  quantity: Decimal;
  unitAmount: Decimal;
  /** Percent, e.g. 10 for GST. */
  taxRate: Decimal;
  /** The line's `TaxAmount` as sent: Xero takes it over its own ("can be overridden if the calculated TaxAmount is not correct"). */
  taxAmount?: Decimal | null;
}

export interface FakeLineTotals {
  lineAmount: Decimal;
  taxAmount: Decimal;
}

export interface FakeInvoiceTotals {
  lines: FakeLineTotals[];
  subTotal: Decimal;
  totalTax: Decimal;
  total: Decimal;
}

/**
 * Xero's arithmetic ("Rounding in Xero"): each line amount is quantity × unit amount rounded half-up
 * to 2 decimals; tax is computed per line and rounded to 2 decimals; the invoice totals are sums of
 * the rounded lines. With Inclusive amounts the tax is the part of the line amount that is tax.
 */
export function invoiceTotals(
  lines: readonly FakeLineInput[],
  types: FakeLineAmountTypes,
): FakeInvoiceTotals {
  const computed = lines.map((line) => {
    const lineAmount = roundTo(line.quantity.times(line.unitAmount), 2, 'half-up');
    let taxAmount = dec(0);
    if (types === 'Exclusive') taxAmount = roundTo(lineAmount.times(line.taxRate).div(100), 2, 'half-up');
    if (types === 'Inclusive') {
      taxAmount = roundTo(lineAmount.times(line.taxRate).div(line.taxRate.plus(100)), 2, 'half-up');
    }
    if (line.taxAmount !== undefined && line.taxAmount !== null && types !== 'NoTax')
      taxAmount = line.taxAmount;
    return { lineAmount, taxAmount };
  });
  const lineSum = sum(computed.map((l) => l.lineAmount));
  const totalTax = sum(computed.map((l) => l.taxAmount));
  const subTotal = types === 'Inclusive' ? lineSum.minus(totalTax) : lineSum;
  return { lines: computed, subTotal, totalTax, total: subTotal.plus(totalTax) };
}

/** A decimal as the JSON number Xero answers with. */
export function money(value: Decimal, digits = 2): number {
  return Number(value.toFixed(digits));
}
