import { type ClientConfig, formatDateRange, formatPreviewText } from '@vahub/core';
import type { DraftInvoicesResult } from '@vahub/worker';

/** Xero's own figures for an invoice, as the VA would read them in Xero. */
export interface XeroFigures {
  organisation: string;
  subTotal: string;
  totalTax: string;
  total: string;
}

const indent = (text: string, by: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => (l ? by + l : l));

/** One client's first invoice run: the preview table, then what Xero holds and what was tagged. */
export function invoiceLines(input: {
  client: ClientConfig;
  result: DraftInvoicesResult;
  xero: XeroFigures | null;
}): string[] {
  const { client, result, xero } = input;
  const { period } = result.preview;
  const out = [
    `   ${client.name} (${client.id}): ${client.billing.cycle} billing, ${formatDateRange(period.firstDate, period.lastDate)} in ${period.zone}`,
    ...indent(formatPreviewText(result.preview), '     '),
  ];
  const { invoice, preview } = result;
  if (invoice && preview.draft) {
    const currency = preview.draft.currency;
    const same =
      xero?.subTotal === preview.draft.subtotal ? 'equal to the preview' : 'DIFFERS from the preview';
    out.push(
      `     → Xero ${invoice.invoiceNumber ?? invoice.invoiceId} (${invoice.status}) in ${xero?.organisation ?? '?'}: ` +
        `subtotal ${xero?.subTotal ?? '?'} ${currency} (${same}), tax ${xero?.totalTax ?? '?'}, total ${invoice.total} ${currency}`,
      `     → Toggl: ${result.tagged.length} entries tagged "${client.billing.invoicedTag}"`,
    );
  }
  return out;
}

/** One client's second run: what it found, and that nothing new was created. */
export function rerunLine(client: ClientConfig, result: DraftInvoicesResult): string {
  if (result.invoice === null) return `     ${client.id}: no new invoice (${result.preview.reason})`;
  return `     ${client.id}: ${result.invoice.invoiceNumber ?? result.invoice.invoiceId} answered again for the same idempotency key, ${result.tagged.length} entries tagged`;
}
