// Instants as text and as epoch ms, and a machine-independent text order.
import { parseInstant } from '../time/zoned.js';

export const MINUTE = 60_000;

/**
 * Epoch ms of an ISO instant. The plain UTC form every vendor sends ("…T09:00:00.000Z", seconds
 * and fraction optional) is read character by character and checked field by field (no month 13,
 * no 30 February, no 24:30), which is exact and many times cheaper than a full parse; anything else
 * (offsets, nanoseconds) goes through Temporal, which also rejects what is invalid.
 */
export function instantMs(text: string): number {
  const ms = plainUtc(text);
  return Number.isNaN(ms) ? parseInstant(text) : ms;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Digits at `[from, from + count)` as a number, or -1 if any is not a digit. */
function digits(text: string, from: number, count: number): number {
  let v = 0;
  for (let i = from; i < from + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** "YYYY-MM-DDTHH:MM[:SS[.f{1,3}]]Z" as epoch ms; NaN for any other text (including invalid dates). */
function plainUtc(text: string): number {
  const n = text.length;
  if (n < 17 || n > 24 || text.charCodeAt(n - 1) !== 90) return Number.NaN; // Z
  if (text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':') return Number.NaN;
  const y = digits(text, 0, 4);
  const mo = digits(text, 5, 2);
  const d = digits(text, 8, 2);
  const h = digits(text, 11, 2);
  const mi = digits(text, 14, 2);
  let sec = 0;
  let frac = 0;
  if (n > 17) {
    if (text[16] !== ':' || n < 20) return Number.NaN;
    sec = digits(text, 17, 2);
    if (n > 20) {
      const places = n - 21;
      if (text[19] !== '.' || places < 1 || places > 3) return Number.NaN;
      frac = digits(text, 20, places) * 10 ** (3 - places);
    }
  }
  if (
    y < 0 ||
    mo < 1 ||
    mo > 12 ||
    d < 1 ||
    h < 0 ||
    h > 23 ||
    mi < 0 ||
    mi > 59 ||
    sec < 0 ||
    sec > 59 ||
    frac < 0
  )
    return Number.NaN;
  const leap = mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > (DAYS_IN_MONTH[mo - 1] as number) + (leap ? 1 : 0)) return Number.NaN;
  // Date.UTC reads years 0-99 as 1900-1999: set the full year explicitly for those.
  const ms = Date.UTC(y, mo - 1, d, h, mi, sec, frac);
  return y < 100 ? new Date(ms).setUTCFullYear(y) : ms;
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
