import { isValidTimeZone, Temporal } from '@vahub/core';
import { badRequest } from './google-errors.js';

export interface EventTimeJson {
  date?: string;
  dateTime?: string;
  timeZone?: string;
}

export interface NormalizedTime {
  ms: number;
  allDay: boolean;
  json: EventTimeJson;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const HAS_OFFSET = /(Z|[+-]\d{2}:\d{2})$/i;

/**
 * An event's start or end the way Google reads it: a `date` (all day, read in the event's or the
 * calendar's zone) or a `dateTime`, which needs an offset unless a `timeZone` is given. Google answers
 * with the dateTime rewritten to the offset of the event's zone (or the calendar's).
 */
export function normalizeTime(value: unknown, which: 'start' | 'end', calendarZone: string): NormalizedTime {
  if (!value || typeof value !== 'object') throw badRequest(`Missing ${which} time.`, 'required');
  const time = value as Record<string, unknown>;
  const timeZone = typeof time.timeZone === 'string' ? time.timeZone : undefined;
  if (timeZone !== undefined && !isValidTimeZone(timeZone)) {
    throw badRequest(`Invalid time zone definition for ${which} time.`, 'timeZoneUnknown');
  }
  const zone = timeZone ?? calendarZone;
  if (typeof time.date === 'string' && time.dateTime === undefined) {
    if (!DATE.test(time.date)) throw badRequest(`Invalid ${which} time.`);
    const date = Temporal.PlainDate.from(time.date);
    return {
      ms: date.toZonedDateTime({ timeZone: zone }).epochMilliseconds,
      allDay: true,
      json: { date: time.date, ...(timeZone ? { timeZone } : {}) },
    };
  }
  if (typeof time.dateTime === 'string' && time.date === undefined) {
    const withOffset = HAS_OFFSET.test(time.dateTime);
    if (!withOffset && !timeZone)
      throw badRequest(`Missing time zone definition for ${which} time.`, 'required');
    let instant: Temporal.Instant;
    try {
      instant = withOffset
        ? Temporal.Instant.from(time.dateTime)
        : Temporal.PlainDateTime.from(time.dateTime).toZonedDateTime(zone).toInstant();
    } catch {
      throw badRequest(`Invalid ${which} time.`);
    }
    const local = instant
      .toZonedDateTimeISO(zone)
      .toString({ timeZoneName: 'never', smallestUnit: 'second' });
    return {
      ms: instant.epochMilliseconds,
      allDay: false,
      json: { dateTime: local, ...(timeZone ? { timeZone } : {}) },
    };
  }
  throw badRequest(`Missing ${which} time.`, 'required');
}

/** RFC 3339 in UTC without fractions, as freeBusy and `updated` read. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Parse a query parameter instant (`timeMin`, `timeMax`), which Google requires with an offset. */
export function queryInstant(value: string | null, name: string): number | undefined {
  if (value === null) return undefined;
  if (!HAS_OFFSET.test(value)) throw badRequest('Bad Request', 'badRequest', name);
  try {
    return Temporal.Instant.from(value).epochMilliseconds;
  } catch {
    throw badRequest('Bad Request', 'badRequest', name);
  }
}
