import type { BusyInterval, TimeWindow } from '@vahub/core';
import { ConnectorError, parseInstant } from '@vahub/core';
import { readCalendarBusy } from './event-busy.js';
import type { GoogleApi } from './google-api.js';
import { freeBusyAnswer } from './schemas.js';

export interface RawBusy {
  start: number;
  end: number;
  source?: string;
}

/**
 * Busy stretches as the planner needs them: clipped to the window, sorted, and merged where they
 * overlap or touch, so no two intervals share an instant. `source` lists the calendars involved.
 */
export function mergeBusy(
  intervals: readonly RawBusy[],
  window: { start: number; end: number },
): BusyInterval[] {
  const clipped = intervals
    .map((i) => ({
      start: Math.max(i.start, window.start),
      end: Math.min(i.end, window.end),
      source: i.source,
    }))
    .filter((i) => i.end > i.start)
    .sort((a, b) => a.start - b.start || a.end - b.end);
  // A short array, not a Set: intervals rarely come from more than two or three calendars.
  const merged: { start: number; end: number; sources: string[] }[] = [];
  for (const interval of clipped) {
    const last = merged[merged.length - 1];
    if (last && interval.start <= last.end) {
      if (interval.end > last.end) last.end = interval.end;
      if (interval.source && !last.sources.includes(interval.source)) last.sources.push(interval.source);
    } else {
      merged.push({
        start: interval.start,
        end: interval.end,
        sources: interval.source ? [interval.source] : [],
      });
    }
  }
  return merged.map((m) => ({
    start: new Date(m.start).toISOString(),
    end: new Date(m.end).toISOString(),
    ...(m.sources.length === 0
      ? {}
      : { source: m.sources.length === 1 ? m.sources[0] : m.sources.sort().join(',') }),
  }));
}

/**
 * What makes the VA busy in `window`, apart from vahub's own blocks: the events of the VA's own
 * calendar (read one by one, so the blocks can be told apart) and the freeBusy of the further
 * calendars (vahub never writes there), merged. A calendar Google cannot read is an error: planning
 * around a calendar vahub cannot see would double-book.
 */
export async function queryBusy(input: {
  api: GoogleApi;
  /** The VA's calendar, where vahub writes its blocks. */
  calendarId: string;
  busyCalendars: readonly string[];
  window: TimeWindow;
  /** For all-day dates, should Google's answer not name the calendar's zone. */
  fallbackZone?: string;
}): Promise<BusyInterval[]> {
  const start = parseInstant(input.window.start);
  const end = parseInstant(input.window.end);
  if (end <= start) return [];
  // The own calendar listed again would bring the blocks back as busy through freeBusy.
  const others = [...new Set(input.busyCalendars)].filter((id) => id !== input.calendarId);
  const [own, further] = await Promise.all([
    readCalendarBusy({
      api: input.api,
      calendarId: input.calendarId,
      window: { start, end },
      fallbackZone: input.fallbackZone ?? 'UTC',
    }),
    others.length === 0 ? [] : queryFreeBusy({ api: input.api, calendarIds: others, start, end }),
  ]);
  return mergeBusy([...own, ...further], { start, end });
}

/**
 * Busy periods of `calendarIds` through `freeBusy`. Google leaves out what does not block: events
 * marked free (transparent), events the VA declined, cancelled events.
 */
async function queryFreeBusy(input: {
  api: GoogleApi;
  calendarIds: readonly string[];
  start: number;
  end: number;
}): Promise<RawBusy[]> {
  const ids = input.calendarIds;
  const data = await input.api.call(
    'busy',
    (sdk) =>
      sdk.freebusy.query({
        requestBody: {
          timeMin: new Date(input.start).toISOString(),
          timeMax: new Date(input.end).toISOString(),
          timeZone: 'UTC',
          items: ids.map((id) => ({ id })),
        },
      }),
    { schema: freeBusyAnswer },
  );
  const raw: RawBusy[] = [];
  for (const id of ids) {
    const calendar = data.calendars?.[id];
    const error = calendar?.errors?.[0];
    if (!calendar || error) {
      throw new ConnectorError({
        provider: 'google',
        operation: 'busy',
        code: 'not_found',
        retryable: false,
        message: `calendar "${id}" could not be read (${error?.reason ?? 'missing from the answer'}): check calendar.id and calendar.busyCalendars`,
      });
    }
    for (const busy of calendar.busy ?? []) {
      if (busy.start && busy.end) {
        raw.push({ start: parseInstant(busy.start), end: parseInstant(busy.end), source: id });
      }
    }
  }
  return raw;
}
