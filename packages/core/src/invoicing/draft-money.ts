import type { BillingConfig } from '../config/schema.js';
import type { InvoiceLine, InvoiceTotals } from '../domain/types.js';
import { dec } from '../money/decimal.js';
import { type CurrencyAmounts, INVOICE_LIMITS } from '../money/invoice-amounts.js';
import { scaledText } from '../money/ratio.js';
import { formatCents, isExactAmount, lineTax, totalsOf } from './amounts.js';
import { InvoiceLimitError } from './errors.js';
import { toInvoiceLine } from './line-items.js';
import type { LineSpec } from './retainer.js';
import type { InvoiceTarget, LineExplanation } from './types.js';

export interface PricedLines {
  lines: InvoiceLine[];
  explanations: LineExplanation[];
  subtotalCents: bigint;
  /** Sum of line amounts, in the currency's digits. */
  subtotal: string;
  /** With the target's tax rate: tax per line, summed, and the total; else null. */
  totals: InvoiceTotals | null;
  notices: string[];
}

/** Refuses what an invoice cannot carry exactly, naming the line and the limit, before anything is sent. */
function checkLimits(line: InvoiceLine, index: number, currency: string): void {
  const where = `line ${index + 1} ("${line.description}")`;
  const over: [string, string, string][] = [
    ['quantity', line.quantity, INVOICE_LIMITS.quantity],
    ['unit amount', line.unitAmount, INVOICE_LIMITS.unitAmount],
    ['amount', line.lineAmount, INVOICE_LIMITS.amount],
  ];
  for (const [what, value, limit] of over) {
    if (dec(value).gt(limit)) {
      throw new InvoiceLimitError(
        `${where}: its ${what} ${value} ${what === 'quantity' ? 'h' : currency} is more than ${limit}, ` +
          'the largest an invoice carries exactly: check the rates and hours of this client',
      );
    }
  }
}

/**
 * Money for every line, then tax and totals the way the invoicing app computes them: tax per line
 * from the line amount, rounded half up to 2 decimals (cut to whole units for a currency without
 * cents, and then sent with the line), summed; `Inclusive` amounts hold their tax.
 */
export function priceLines(input: {
  specs: readonly LineSpec[];
  rule: CurrencyAmounts;
  target: InvoiceTarget;
  billing: BillingConfig;
}): PricedLines {
  const { rule, target, billing } = input;
  const lines: InvoiceLine[] = [];
  const explanations: LineExplanation[] = [];
  const priced: { cents: bigint; tax: bigint }[] = [];
  let roundedDown = false;
  input.specs.forEach((spec, lineIndex) => {
    const made = toInvoiceLine({ spec, rule, target, lineIndex, rounding: billing.rounding });
    checkLimits(made.line, lineIndex, rule.currency);
    let tax = 0n;
    if (target.tax) {
      const t = lineTax({
        cents: made.money.cents,
        ratePercent: target.tax.ratePercent,
        types: billing.lineAmountTypes,
        rule,
      });
      tax = t.cents;
      made.line.taxAmount = formatCents(t.cents, rule);
      let words = `tax ${made.line.taxAmount}`;
      if (t.fixed) {
        made.line.taxAmountIsFixed = true;
        roundedDown = true;
        words += ` (${scaledText(t.app, 2)} cut to whole ${rule.currency}, sent with the line)`;
      }
      if (billing.lineAmountTypes !== 'NoTax') made.explanation.summary += `; ${words}`;
    }
    if (rule.rounding === 'down' && !isExactAmount(made.money)) roundedDown = true;
    lines.push(made.line);
    explanations.push(made.explanation);
    priced.push({ cents: made.money.cents, tax });
  });
  const subtotalCents = priced.reduce((n, l) => n + l.cents, 0n);
  let totals: InvoiceTotals | null = null;
  if (target.tax) {
    const t = totalsOf(priced, billing.lineAmountTypes);
    totals = {
      beforeTax: formatCents(t.beforeTax, rule),
      tax: formatCents(t.tax, rule),
      total: formatCents(t.total, rule),
    };
    if (dec(totals.total).gt(INVOICE_LIMITS.amount)) {
      throw new InvoiceLimitError(
        `the invoice total ${totals.total} ${rule.currency} is more than ${INVOICE_LIMITS.amount}, the largest an invoice carries exactly`,
      );
    }
  }
  const subtotal = formatCents(subtotalCents, rule);
  if (dec(subtotal).gt(INVOICE_LIMITS.amount)) {
    throw new InvoiceLimitError(
      `the invoice subtotal ${subtotal} ${rule.currency} is more than ${INVOICE_LIMITS.amount}, the largest an invoice carries exactly`,
    );
  }
  const notices = rule.note && (rule.minorDigits > 2 || roundedDown) ? [rule.note] : [];
  return { lines, explanations, subtotalCents, subtotal, totals, notices };
}
