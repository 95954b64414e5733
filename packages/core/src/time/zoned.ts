import { Temporal } from 'temporal-polyfill';

export { Temporal };

/** Milliseconds since the Unix epoch: the one representation of an instant inside the engines. */
export type EpochMs = number;

/** A half-open interval of instants, `[start, end)`, in epoch milliseconds. */
export interface Interval {
  start: EpochMs;
  end: EpochMs;
}

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A wall-clock range within one day, in minutes after local midnight; `end` may be 1440 (24:00). */
export interface DayRange {
  startMinute: number;
  endMinute: number;
}

/** Working hours per weekday, as the VA's wall clock reads them. */
export type WeeklyHours = Record<Weekday, DayRange[]>;

const MINUTE = 60_000;

/**
 * Validity by zone, remembered: asking Temporal takes microseconds, and a plan checks every client's
 * zone (a few zones among dozens of clients) every time. A zone's validity does not change while the
 * process runs.
 */
const validZones = new Map<string, boolean>();

export function isValidTimeZone(zone: string): boolean {
  let valid = validZones.get(zone);
  if (valid === undefined) {
    try {
      Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(zone);
      valid = true;
    } catch {
      valid = false;
    }
    // Bounded: zones come from configuration, but a caller could pass anything.
    if (validZones.size > 1024) validZones.clear();
    validZones.set(zone, valid);
  }
  return valid;
}

export function parseInstant(iso: string): EpochMs {
  return Temporal.Instant.from(iso).epochMilliseconds;
}

export function formatInstant(ms: EpochMs): string {
  return Temporal.Instant.fromEpochMilliseconds(ms).toString();
}

/** The calendar date (YYYY-MM-DD) that the wall clock in `zone` shows at `ms`. */
export function localDateOf(ms: EpochMs, zone: string): string {
  return Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone).toPlainDate().toString();
}

/** The first instant of `date` in `zone` (not always 00:00: some zones skip midnight on DST days). */
export function startOfLocalDate(date: string, zone: string): EpochMs {
  return Temporal.PlainDate.from(date).toZonedDateTime({ timeZone: zone }).epochMilliseconds;
}

/**
 * The end of `date` in `zone`: the first instant of the next day, exclusive. A task due on a date is
 * due before this instant, read in the client's zone.
 */
export function endOfLocalDate(date: string, zone: string): EpochMs {
  return startOfLocalDate(Temporal.PlainDate.from(date).add({ days: 1 }).toString(), zone);
}

function weekdayOf(date: Temporal.PlainDate): Weekday {
  return WEEKDAYS[date.dayOfWeek - 1] as Weekday;
}

/** The instant at which the wall clock in `zone` reads `minute` minutes after midnight on `date`. */
function wallClockInstant(date: Temporal.PlainDate, minute: number, zone: string): EpochMs {
  if (minute >= 24 * 60) return startOfLocalDate(date.add({ days: 1 }).toString(), zone);
  const plainTime = new Temporal.PlainTime(Math.floor(minute / 60), minute % 60);
  // 'compatible': a wall time skipped by a DST jump moves forward by the gap, a repeated one takes
  // its first occurrence. Either way the instant is one the wall clock really shows.
  return date.toZonedDateTime({ timeZone: zone, plainTime }).epochMilliseconds;
}

/**
 * The working windows inside `[from, to)`: each day's ranges as the wall clock in `zone` reads them
 * on that day, so a 09:00–17:00 day is 8 hours long on either side of a DST change, and a window
 * that spans the change is an hour shorter or longer in real time.
 */
export function workingWindows(hours: WeeklyHours, zone: string, from: EpochMs, to: EpochMs): Interval[] {
  const windows: Interval[] = [];
  if (to <= from) return windows;
  let day = Temporal.PlainDate.from(localDateOf(from, zone)).subtract({ days: 1 });
  const last = Temporal.PlainDate.from(localDateOf(to, zone));
  while (Temporal.PlainDate.compare(day, last) <= 0) {
    for (const range of hours[weekdayOf(day)]) {
      const start = Math.max(from, wallClockInstant(day, range.startMinute, zone));
      const end = Math.min(to, wallClockInstant(day, range.endMinute, zone));
      if (end > start) windows.push({ start, end });
    }
    day = day.add({ days: 1 });
  }
  return windows;
}

export type PeriodKind = 'week' | 'month';

/** A billing period: `[start, end)` instants and its first and last local dates. */
export interface Period {
  kind: PeriodKind | 'custom';
  zone: string;
  start: EpochMs;
  end: EpochMs;
  /** First local date of the period, YYYY-MM-DD. */
  firstDate: string;
  /** Last local date of the period (inclusive), YYYY-MM-DD. */
  lastDate: string;
}

/** A period from local dates, inclusive of both. */
export function periodOfDates(firstDate: string, lastDate: string, zone: string): Period {
  return {
    kind: 'custom',
    zone,
    start: startOfLocalDate(firstDate, zone),
    end: endOfLocalDate(lastDate, zone),
    firstDate,
    lastDate,
  };
}

/**
 * The week or month that contains `ms` as the wall clock in `zone` reads it. Weeks start on
 * `weekStartsOn` (Monday unless told).
 */
export function periodContaining(
  kind: PeriodKind,
  ms: EpochMs,
  zone: string,
  weekStartsOn: Weekday = 'mon',
): Period {
  const date = Temporal.PlainDate.from(localDateOf(ms, zone));
  let first: Temporal.PlainDate;
  let next: Temporal.PlainDate;
  if (kind === 'month') {
    first = date.with({ day: 1 });
    next = first.add({ months: 1 });
  } else {
    const back = (date.dayOfWeek - 1 - WEEKDAYS.indexOf(weekStartsOn) + 7) % 7;
    first = date.subtract({ days: back });
    next = first.add({ days: 7 });
  }
  return {
    kind,
    zone,
    start: startOfLocalDate(first.toString(), zone),
    end: startOfLocalDate(next.toString(), zone),
    firstDate: first.toString(),
    lastDate: next.subtract({ days: 1 }).toString(),
  };
}

/** The period before `period` (same kind and zone). */
export function previousPeriod(period: Period, weekStartsOn: Weekday = 'mon'): Period {
  if (period.kind === 'custom') throw new Error('previousPeriod needs a week or month period');
  return periodContaining(period.kind, period.start - 1, period.zone, weekStartsOn);
}

export function minutes(n: number): number {
  return n * MINUTE;
}

/** Parse "HH:MM" into minutes after midnight; "24:00" is allowed as an end. Returns null if malformed. */
export function parseClock(text: string): number | null {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text.trim());
  if (!m) return null;
  const value = Number(m[1]) * 60 + Number(m[2]);
  return value > 24 * 60 ? null : value;
}
