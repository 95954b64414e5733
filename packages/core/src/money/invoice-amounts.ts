import { currencyDigits } from './currency.js';

// What an invoice can hold, in any currency. Xero, the invoicing app vahub sends drafts to, documents
// ("Rounding in Xero", developer.xero.com): unit amounts with 4 decimals when asked with `unitdp=4`,
// quantities with 4, and "all summary values such as Total, LineAmount etc will remain at two decimal
// places only"; tax is computed per line and rounded to 2 decimals. These rules are the engine's.

/** Decimals of line amounts, tax and totals on an invoice, whatever the currency. */
export const INVOICE_AMOUNT_DIGITS = 2;
/** Decimals of unit amounts and quantities. */
export const INVOICE_UNIT_DIGITS = 4;

/**
 * The largest values an invoice carries exactly. Xero documents no maximum for Quantity, UnitAmount
 * or LineAmount; its API takes them as JSON numbers (doubles), which hold any decimal of up to 15
 * significant digits exactly. So: 11 whole digits beside 4 decimals, 13 beside 2.
 */
export const INVOICE_LIMITS = {
  unitAmount: '99999999999.9999',
  quantity: '99999999999.9999',
  amount: '9999999999999.99',
} as const;

/** How an exact amount (hours × rate) becomes an invoice amount. */
export type AmountRounding = 'half-up' | 'down';

/** How a currency's amounts are kept on an invoice. */
export interface CurrencyAmounts {
  currency: string;
  /** ISO 4217 minor-unit digits: 0 for JPY, 2 for AUD, 3 for KWD. */
  minorDigits: number;
  /** Decimals an invoice amount has: the currency's own, but never more than the invoice keeps (2). */
  amountDigits: number;
  /**
   * `half-up` for 2-decimal currencies: quantity × unit amount rounded as the app rounds it.
   * `down` for the others: the exact amount cut to `amountDigits`, so no line bills more than its
   * exact amount (whole yen; 0.01 KWD, since the third decimal cannot be held).
   */
  rounding: AmountRounding;
  /** Said on the preview: why amounts in this currency may be below the exact figure. */
  note: string | null;
}

/** The invoice-amount rules of a currency. Throws for an unknown ISO 4217 code. */
export function currencyAmounts(currency: string): CurrencyAmounts {
  const minorDigits = currencyDigits(currency);
  const amountDigits = Math.min(minorDigits, INVOICE_AMOUNT_DIGITS);
  if (minorDigits === INVOICE_AMOUNT_DIGITS) {
    return { currency, minorDigits, amountDigits, rounding: 'half-up', note: null };
  }
  const note =
    minorDigits === 0
      ? `${currency} has no minor unit: line amounts, tax and totals are whole ${currency}, each rounded down from its exact amount`
      : `${currency} has ${minorDigits} decimals but invoice amounts keep ${INVOICE_AMOUNT_DIGITS}: each line is rounded down to 0.01 ${currency}, never above its exact amount`;
  return { currency, minorDigits, amountDigits, rounding: 'down', note };
}
