// Shared by the invoicing tests only (not exported from the package).
//
// What the invoicing app computes from a draft as it is sent, written independently of the engine
// (plain bigint, none of core's money helpers), from Xero's documentation:
// - "Rounding in Xero": LineAmount = Quantity × UnitAmount, with UnitAmount to 4 decimals under
//   unitdp=4; "all summary values such as Total, LineAmount etc will remain at two decimal places";
//   tax is calculated per line, rounded to two decimal places, then summed.
// - "Tax and the Xero API": tax rates have up to 4 decimals; each line's tax is rounded separately.
// - LineItem.TaxAmount "can be overridden if the calculated TaxAmount is not correct".
// Half up is the rounding integrators match ($1.125 → $1.13, api-contracts.md).
import type { InvoiceDraft, LineAmountTypes } from '../domain/types.js';

/** A decimal string as an integer count of 10^-scale; refuses digits beyond the scale. */
export function units(text: string, scale: number): bigint {
  const [whole = '0', frac = ''] = text.split('.');
  const extra = frac.slice(scale);
  if (/[1-9]/.test(extra)) throw new Error(`${text} has more than ${scale} decimals`);
  return BigInt(`${whole}${frac.slice(0, scale).padEnd(scale, '0')}`);
}

/** n / d rounded half up (non-negative). */
function halfUp(n: bigint, d: bigint): bigint {
  return (2n * n + d) / (2n * d);
}

export interface AppLine {
  /** Hundredths. */
  lineAmount: bigint;
  tax: bigint;
}

export interface AppTotals {
  lines: AppLine[];
  /** All in hundredths, as the app shows them. */
  subTotal: bigint;
  totalTax: bigint;
  total: bigint;
}

/** One line: quantity (4 dp) × unit amount (4 dp) to 2 decimals, half up. */
export function appLineAmount(quantity: string, unitAmount: string): bigint {
  return halfUp(units(quantity, 4) * units(unitAmount, 4), 10n ** 6n);
}

/** Tax on a line amount (hundredths) at a percent rate (up to 4 decimals). */
export function appLineTax(lineAmount: bigint, ratePercent: string, types: LineAmountTypes): bigint {
  const rate = units(ratePercent, 4); // percent × 10^4
  if (types === 'NoTax') return 0n;
  if (types === 'Exclusive') return halfUp(lineAmount * rate, 100n * 10_000n);
  return halfUp(lineAmount * rate, 100n * 10_000n + rate);
}

/** The app's figures for the draft, given the tax rate of the lines' tax type (null: no tax at all). */
export function appTotals(draft: InvoiceDraft, ratePercent: string | null): AppTotals {
  const lines = draft.lines.map((l) => {
    const lineAmount = appLineAmount(l.quantity, l.unitAmount);
    let tax = 0n;
    if (l.taxAmountIsFixed && l.taxAmount !== undefined) tax = units(l.taxAmount, 2);
    else if (ratePercent !== null) tax = appLineTax(lineAmount, ratePercent, draft.lineAmountTypes);
    return { lineAmount, tax };
  });
  const sum = lines.reduce((n, l) => n + l.lineAmount, 0n);
  const totalTax = lines.reduce((n, l) => n + l.tax, 0n);
  const subTotal = draft.lineAmountTypes === 'Inclusive' ? sum - totalTax : sum;
  return { lines, subTotal, totalTax, total: subTotal + totalTax };
}

/** An amount string of the draft (any digits) in hundredths. */
export function cents(text: string): bigint {
  return units(text, 2);
}
