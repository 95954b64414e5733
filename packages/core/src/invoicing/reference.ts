import { Temporal } from '../time/zoned.js';

/**
 * The invoice `Reference` that names the period: "vahub koala-co 2026-11" for a month,
 * "vahub thames-studio 2026-W48" for a week, "vahub acme 2026-11-03..2026-11-19" for custom dates.
 * A week is named by the ISO week of its fourth day, the ISO week holding most of its days, so weeks
 * starting on a Sunday or Saturday are still named sensibly and two weeks never share a name.
 */
export function invoiceReference(
  clientId: string,
  period: { kind: string; firstDate: string; lastDate: string },
): string {
  if (period.kind === 'month') return `vahub ${clientId} ${period.firstDate.slice(0, 7)}`;
  if (period.kind === 'week') {
    const middle = Temporal.PlainDate.from(period.firstDate).add({ days: 3 });
    const week = String(middle.weekOfYear).padStart(2, '0');
    return `vahub ${clientId} ${middle.yearOfWeek}-W${week}`;
  }
  return `vahub ${clientId} ${period.firstDate}..${period.lastDate}`;
}
