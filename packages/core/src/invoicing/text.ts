import { Temporal } from '../time/zoned.js';
import type { NameMap } from './types.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function parts(date: string): { y: number; m: string; d: number } {
  const p = Temporal.PlainDate.from(date);
  return { y: p.year, m: MONTHS[p.month - 1] ?? '', d: p.day };
}

/**
 * A date range as people write it on invoices (en dash, day-month-year): "1–30 Nov 2026",
 * "28 Nov – 4 Dec 2026", "28 Dec 2026 – 3 Jan 2027", "2 Nov 2026".
 */
export function formatDateRange(first: string, last: string): string {
  const a = parts(first);
  const b = parts(last);
  if (first === last) return `${a.d} ${a.m} ${a.y}`;
  if (a.y === b.y && a.m === b.m) return `${a.d}–${b.d} ${b.m} ${b.y}`;
  if (a.y === b.y) return `${a.d} ${a.m} – ${b.d} ${b.m} ${b.y}`;
  return `${a.d} ${a.m} ${a.y} – ${b.d} ${b.m} ${b.y}`;
}

/** "Mon 2 Nov 2026". */
export function formatDay(date: string): string {
  const p = Temporal.PlainDate.from(date);
  return `${WEEKDAYS[p.dayOfWeek - 1]} ${p.day} ${MONTHS[p.month - 1]} ${p.year}`;
}

/** "Nov 2026" for a month period, else the date range. */
export function formatPeriodShort(period: { kind: string; firstDate: string; lastDate: string }): string {
  if (period.kind !== 'month') return formatDateRange(period.firstDate, period.lastDate);
  const a = parts(period.firstDate);
  return `${a.m} ${a.y}`;
}

export function lookupName(names: NameMap | undefined, id: string | null): string | undefined {
  if (id === null || names === undefined) return undefined;
  const name = names instanceof Map ? names.get(id) : (names as Readonly<Record<string, string>>)[id];
  const trimmed = typeof name === 'string' ? name.trim() : '';
  return trimmed === '' ? undefined : trimmed;
}

/** Trimmed, with runs of whitespace as one space: "  Inbox\n triage " → "Inbox triage". */
export function tidy(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
