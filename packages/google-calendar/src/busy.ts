import type { BusyInterval, TimeWindow } from '@vahub/core';
import { ConnectorError, parseInstant } from '@vahub/core';
import type { GoogleTransport } from './transport.js';

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
 * Busy intervals of `calendarIds` in `window`, through `freeBusy`. Google leaves out what does not
 * block: events marked free (transparent), events the VA declined, cancelled events. A calendar
 * Google cannot read is an error: planning around a calendar vahub cannot see would double-book.
 */
export async function queryBusy(input: {
  transport: GoogleTransport;
  calendarIds: readonly string[];
  window: TimeWindow;
}): Promise<BusyInterval[]> {
  const start = parseInstant(input.window.start);
  const end = parseInstant(input.window.end);
  if (end <= start) return [];
  const ids = [...new Set(input.calendarIds)];
  const data = await input.transport.call('busy', (auth) =>
    input.transport.api.freebusy.query({
      auth,
      requestBody: {
        timeMin: new Date(start).toISOString(),
        timeMax: new Date(end).toISOString(),
        timeZone: 'UTC',
        items: ids.map((id) => ({ id })),
      },
    }),
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
  return mergeBusy(raw, { start, end });
}
