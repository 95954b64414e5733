import { type EpochMs, localDateOf, type Period, startOfLocalDate, Temporal } from './zoned.js';

/** An ISO 8601 week, "2026-W49": Monday to Sunday, week 1 holding the year's first Thursday. */
export type IsoWeek = string;

const ISO_WEEK = /^(\d{4})-W(\d{2})$/;

/** The ISO week of a calendar date: "2026-12-03" → "2026-W49". */
export function isoWeekOfDate(date: string): IsoWeek {
  const day = Temporal.PlainDate.from(date);
  return `${day.yearOfWeek}-W${String(day.weekOfYear).padStart(2, '0')}`;
}

/** Whether `text` names a week that exists ("2026-W53" does, "2027-W53" does not). */
export function isIsoWeek(text: string): boolean {
  return mondayOrNull(text) !== null;
}

function mondayOrNull(text: string): Temporal.PlainDate | null {
  const m = ISO_WEEK.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const week = Number(m[2]);
  if (week < 1 || week > 53) return null;
  // 4 January is always in week 1; its week's Monday starts week 1.
  const jan4 = Temporal.PlainDate.from({ year, month: 1, day: 4 });
  const monday = jan4.subtract({ days: jan4.dayOfWeek - 1 }).add({ weeks: week - 1 });
  return isoWeekOfDate(monday.toString()) === text ? monday : null;
}

/** The Monday an ISO week starts on: "2026-W49" → "2026-11-30". Throws a `RangeError` naming the fix. */
export function mondayOfIsoWeek(week: IsoWeek): string {
  const monday = mondayOrNull(week);
  if (monday === null) {
    throw new RangeError(
      `"${week}" is not an ISO week: write it like 2026-W49 (a year, "-W" and a week 01–52, or 53 in long years)`,
    );
  }
  return monday.toString();
}

/**
 * An ISO week as a period in `zone`: Monday 00:00 to the next Monday 00:00 on that zone's wall
 * clock (167 or 169 real hours across a DST change).
 */
export function isoWeekPeriod(week: IsoWeek, zone: string): Period {
  const first = Temporal.PlainDate.from(mondayOfIsoWeek(week));
  const next = first.add({ days: 7 });
  return {
    kind: 'week',
    zone,
    start: startOfLocalDate(first.toString(), zone),
    end: startOfLocalDate(next.toString(), zone),
    firstDate: first.toString(),
    lastDate: next.subtract({ days: 1 }).toString(),
  };
}

/** The ISO week that `ms` falls in, as the wall clock in `zone` reads it. */
export function isoWeekAt(ms: EpochMs, zone: string): IsoWeek {
  return isoWeekOfDate(localDateOf(ms, zone));
}

/**
 * The week a weekly report made at `ms` is about, in the client's zone: the week of the local date
 * three days earlier. From Thursday to Sunday that is the current week (most of it is done: a Friday
 * report covers its own week); from Monday to Wednesday it is the week before (a Monday report
 * covers the week just ended).
 */
export function reportWeekAt(ms: EpochMs, zone: string): IsoWeek {
  const today = Temporal.PlainDate.from(localDateOf(ms, zone));
  return isoWeekOfDate(today.subtract({ days: 3 }).toString());
}
