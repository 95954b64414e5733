// Instants as text and as epoch ms, and a machine-independent text order.
import { parseInstant } from '../time/zoned.js';

export const MINUTE = 60_000;

const UTC_TEXT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?Z$/;

/**
 * Epoch ms of an ISO instant. The plain UTC form every vendor sends ("…T09:00:00.000Z") is read
 * field by field, which is exact and many times cheaper than a full parse; anything else (offsets,
 * nanoseconds) goes through Temporal, which also rejects what is invalid.
 */
export function instantMs(text: string): number {
  const m = UTC_TEXT.exec(text);
  if (m) {
    const [y, mo, d, h, mi, sec] = m.slice(1, 7).map((x) => Number(x ?? 0)) as number[];
    const ms = Date.UTC(y as number, (mo as number) - 1, d, h, mi, sec, Number((m[7] ?? '').padEnd(3, '0')));
    // Date.UTC rolls over (Feb 30 becomes Mar 2): only an exact round trip is accepted here.
    const back = new Date(ms);
    if (
      back.getUTCFullYear() === y &&
      back.getUTCMonth() === (mo as number) - 1 &&
      back.getUTCDate() === d &&
      back.getUTCHours() === h &&
      back.getUTCMinutes() === mi &&
      back.getUTCSeconds() === sec
    ) {
      return ms;
    }
  }
  return parseInstant(text);
}

/**
 * An instant as ISO text in UTC ("2026-04-05T14:00:00Z"): the same text `formatInstant` writes, at a
 * fraction of the cost, since a plan writes thousands of them.
 */
export function isoOf(ms: number): string {
  // Trailing zeros of the fraction go, as Temporal writes it: ".000Z" → "Z", ".010Z" → ".01Z".
  const text = new Date(ms).toISOString();
  return text.endsWith('.000Z') ? `${text.slice(0, -5)}Z` : text.replace(/0+Z$/, 'Z');
}

/** Code-unit order: the same on every machine, unlike `localeCompare`. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
