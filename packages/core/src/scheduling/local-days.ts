// Where a date begins and ends in a zone, as `startOfLocalDate` / `endOfLocalDate` answer it, for
// the dates a plan reads: a zone's offset is read with Intl and kept per zone and UTC day (a day
// without an offset change, almost every day, needs Intl once per zone), where the Temporal
// polyfill's conversion takes tens to hundreds of microseconds a date.
import { endOfLocalDate, startOfLocalDate } from '../time/zoned.js';

const DAY = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The zone's offset from UTC at `ms`, as Intl reads it (whole seconds). */
function offsetOf(ms: number, zone: string): number {
  const part: Record<string, string> = {};
  for (const { type, value } of formatterOf(zone).formatToParts(ms)) part[type] = value;
  const wall = Date.UTC(
    Number(part.year),
    Number(part.month) - 1,
    Number(part.day),
    Number(part.hour),
    Number(part.minute),
    Number(part.second),
  );
  return wall - (ms - (((ms % 1000) + 1000) % 1000));
}

/** Per zone: the offset (ms) throughout each UTC day, NaN for a day on which it changes. */
const dayOffsets = new Map<string, Map<number, number>>();

export function offsetAt(ms: number, zone: string): number {
  let days = dayOffsets.get(zone);
  if (!days) {
    days = new Map();
    dayOffsets.set(zone, days);
  }
  const day = Math.floor(ms / DAY);
  let offset = days.get(day);
  if (offset === undefined) {
    const first = offsetOf(day * DAY, zone);
    offset = offsetOf(day * DAY + DAY - 1000, zone) === first ? first : Number.NaN;
    // Bounded: a long-running worker plans around today, not every day there is.
    if (days.size > 4096) days.clear();
    days.set(day, offset);
  }
  return Number.isNaN(offset) ? changingOffset(ms, zone) : offset;
}

/**
 * Per zone: offsets read on days on which the offset changes, by instant. Such a day is read at many
 * instants (blocks, deadlines, midnights near a DST change), each an Intl call otherwise.
 */
const changingDays = new Map<string, Map<number, number>>();

function changingOffset(ms: number, zone: string): number {
  let known = changingDays.get(zone);
  if (!known) {
    known = new Map();
    changingDays.set(zone, known);
  }
  let offset = known.get(ms);
  if (offset === undefined) {
    offset = offsetOf(ms, zone);
    // Bounded, like the days above.
    if (known.size > 4096) known.clear();
    known.set(ms, offset);
  }
  return offset;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** UTC midnight of a plain "YYYY-MM-DD" date in years 1000–9999, or NaN for any other text. */
function utcMidnight(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (m === null) return Number.NaN;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const leap = mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (y < 1000 || mo < 1 || mo > 12 || d < 1 || d > (DAYS_IN_MONTH[mo - 1] as number) + (leap ? 1 : 0))
    return Number.NaN;
  return Date.UTC(y, mo - 1, d);
}

/**
 * The first instant of the wall-clock midnight `wall` (UTC ms of that wall time) in `zone`, as
 * Temporal's 'compatible' disambiguation picks it: of the instants showing it, the earliest; in a gap,
 * the instant the offset before the gap gives (midnight moved forward by the gap). The offsets a day
 * before and after are the only candidates: no zone changes its offset twice within two days.
 */
function wallMidnight(wall: number, zone: string): number {
  const before = offsetAt(wall - DAY, zone);
  const after = offsetAt(wall + DAY, zone);
  let best = Number.POSITIVE_INFINITY;
  for (const o of [before, after]) {
    const t = wall - o;
    if (offsetAt(t, zone) === o) best = Math.min(best, t);
  }
  return Number.isFinite(best) ? best : wall - before;
}

/** `startOfLocalDate`: the start of `date` in `zone`. Throws as it does on a malformed date. */
export function startOfDay(date: string, zone: string): number {
  const wall = utcMidnight(date);
  return Number.isNaN(wall) ? startOfLocalDate(date, zone) : wallMidnight(wall, zone);
}

/** `endOfLocalDate`: the start of the day after `date` in `zone`. Throws as it does on a malformed date. */
export function endOfDay(date: string, zone: string): number {
  const wall = utcMidnight(date);
  return Number.isNaN(wall) ? endOfLocalDate(date, zone) : wallMidnight(wall + DAY, zone);
}
