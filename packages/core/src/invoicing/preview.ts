import { currencyDigits } from '../money/currency.js';
import { formatInstant } from '../time/zoned.js';
import { summariseExcluded } from './build-draft.js';
import { formatDateRange } from './text.js';
import type { BuildInvoiceResult, RetainerUsage } from './types.js';

/** "1.7500" → "1.75", "55.0000" → "55.00" (never fewer decimals than `min`). */
function trim(value: string, min: number): string {
  const [whole, frac = ''] = value.split('.');
  let digits = frac.replace(/0+$/, '');
  if (digits.length < min) digits = digits.padEnd(min, '0');
  return digits ? `${whole}.${digits}` : (whole ?? value);
}

function table(rows: string[][], rightAligned: ReadonlySet<number>): string[] {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, c) => (rightAligned.has(c) ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

function retainerText(r: RetainerUsage): string {
  const carried = r.carriedInHours === '0' ? '' : ` + ${r.carriedInHours} h carried in`;
  const earlier = r.alreadyInvoicedHours === '0' ? '' : `, ${r.alreadyInvoicedHours} h on an earlier draft`;
  return (
    `Retainer: ${r.usedHours} h used${earlier} of ${r.allowanceHours} h (${r.includedHours} h included${carried}); ` +
    `${r.overageHours} h overage; ${r.carryOverHours} h carry over${r.rollover ? '' : ' (rollover off)'}; ` +
    `${r.expiredHours} h lapse`
  );
}

/** The result as a plain-text table for the CLI: lines, totals, how each line was computed, what was left out. */
export function formatPreviewText(result: BuildInvoiceResult): string {
  const { period } = result;
  const when = `${formatDateRange(period.firstDate, period.lastDate)} (${period.zone})`;
  const out: string[] = [];
  if (result.draft === null) {
    out.push(`No invoice for ${result.clientId}, ${result.reference}: ${result.reason}.`);
  } else {
    const d = result.draft;
    const digits = currencyDigits(d.currency);
    out.push(`Draft invoice for ${d.clientId} — ${d.reference}`);
    out.push(
      `Period ${when}; dated ${d.date}, due ${d.dueDate}; ${d.currency}, amounts ${d.lineAmountTypes}`,
    );
    out.push('');
    const rows = [['#', 'Description', 'Qty', 'Unit', 'Amount']];
    d.lines.forEach((l, i) => {
      rows.push([
        String(i + 1),
        l.description,
        trim(l.quantity, 0),
        trim(l.unitAmount, digits),
        l.lineAmount,
      ]);
    });
    rows.push(['', 'Subtotal', '', '', d.subtotal]);
    const lines = table(rows, new Set([2, 3, 4]));
    out.push(lines[0] ?? '', '-'.repeat(lines[0]?.length ?? 0), ...lines.slice(1, -1));
    out.push('-'.repeat(lines[0]?.length ?? 0), lines.at(-1) ?? '');
    out.push('', 'How each line was computed:');
    for (const e of result.explanations) out.push(`  ${e.lineIndex + 1}. ${e.summary}`);
    out.push(`Entries covered: ${d.entryIds.length}; idempotency key ${d.idempotencyKey}`);
  }
  if (result.retainer) out.push(retainerText(result.retainer));
  out.push(`Excluded: ${summariseExcluded(result.excluded)}`);
  for (const e of result.excluded) out.push(`  - ${e.entryId}: ${e.reason}, ${e.detail}`);
  return `${out.join('\n')}\n`;
}

/** The whole result as plain data for `--json`, with the period's instants as ISO strings. */
export function previewObject(result: BuildInvoiceResult): Record<string, unknown> {
  const { period } = result;
  return {
    clientId: result.clientId,
    reference: result.reference,
    period: { ...period, start: formatInstant(period.start), end: formatInstant(period.end) },
    draft: result.draft,
    reason: result.reason,
    explanations: result.explanations,
    retainer: result.retainer,
    excluded: result.excluded,
  };
}

export function formatPreviewJson(result: BuildInvoiceResult): string {
  return `${JSON.stringify(previewObject(result), null, 2)}\n`;
}
