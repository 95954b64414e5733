import { currencyDigits } from '../money/currency.js';
import { formatInstant } from '../time/zoned.js';
import { summariseExcluded } from './build-draft.js';
import { formatDuration } from './rounding.js';
import { formatDateRange } from './text.js';
import type { BuildInvoiceResult, RetainerUsage, TimeOverlap } from './types.js';

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
  const rule = r.rollover
    ? r.carryOverCapHours === null
      ? ''
      : ` (at most ${r.carryOverCapHours} h)`
    : ' (rollover off)';
  return (
    `Retainer: ${r.usedHours} h used${earlier} of ${r.allowanceHours} h (${r.includedHours} h included${carried}); ` +
    `${r.overageHours} h overage; ${r.carryOverHours} h carry over${rule}; ` +
    `${r.expiredHours} h lapse`
  );
}

function overlapText(overlaps: readonly TimeOverlap[]): string[] {
  if (overlaps.length === 0) return [];
  const once = overlaps.every((o) => o.billed === 'once');
  const out = [
    `Overlapping time: ${overlaps.length} ${overlaps.length === 1 ? 'overlap' : 'overlaps'} of one person's entries, ` +
      (once ? 'each billed once' : 'billed twice as billing.overlaps says (bill-both)'),
  ];
  for (const o of overlaps) {
    const who = o.userId === null ? '' : ` (user ${o.userId})`;
    out.push(
      `  - ${o.entryId} overlaps ${o.coveredBy}${who} by ${formatDuration(o.seconds)}, ${o.start} – ${o.end}: ` +
        (o.billed === 'once' ? `not billed again on ${o.entryId}` : 'billed on both'),
    );
  }
  return out;
}

/** The result as a plain-text table for the CLI: lines, totals, how each line was computed, what was left out. */
export function formatPreviewText(result: BuildInvoiceResult): string {
  const { period } = result;
  const when = `${formatDateRange(period.firstDate, period.lastDate)} (${period.zone})`;
  const out: string[] = [];
  if (result.draft === null) {
    out.push(`No invoice for ${result.clientId}, ${result.reference}: ${result.reason}.`);
    for (const line of overlapText(result.overlaps)) out.push(line);
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
    const foot = 1 + (d.totals ? 2 : 0);
    if (d.totals) {
      const rate = result.taxRate;
      const what = rate ? ` (${rate.name ?? d.lines[0]?.taxType ?? ''} ${rate.ratePercent}%)` : '';
      const label = d.lineAmountTypes === 'Inclusive' ? 'Includes tax' : 'Tax';
      rows.push(['', `${label}${d.lineAmountTypes === 'NoTax' ? ' (none)' : what}`, '', '', d.totals.tax]);
      rows.push(['', 'Total', '', '', d.totals.total]);
    }
    const lines = table(rows, new Set([2, 3, 4]));
    out.push(lines[0] ?? '', '-'.repeat(lines[0]?.length ?? 0), ...lines.slice(1, -foot));
    out.push('-'.repeat(lines[0]?.length ?? 0), ...lines.slice(-foot));
    for (const n of result.notices) out.push(`Note: ${n}.`);
    out.push('', 'How each line was computed:');
    for (const e of result.explanations) out.push(`  ${e.lineIndex + 1}. ${e.summary}`);
    for (const line of overlapText(result.overlaps)) out.push(line);
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
    overlaps: result.overlaps,
    retainer: result.retainer,
    taxRate: result.taxRate,
    notices: result.notices,
    excluded: result.excluded,
  };
}

export function formatPreviewJson(result: BuildInvoiceResult): string {
  return `${JSON.stringify(previewObject(result), null, 2)}\n`;
}
