import type { FakeCalendarData, FakeCalendarStore, StoredEvent } from './fake-calendar-store.js';
import { queryInstant, rfc3339 } from './fake-event-time.js';
import { badRequest } from './google-errors.js';

/** Whether an event takes the calendar owner's time: Google skips free, cancelled and declined ones. */
export function blocksTime(event: StoredEvent, calendar: FakeCalendarData): boolean {
  if (event.json.status === 'cancelled' || event.json.transparency === 'transparent') return false;
  const attendees = (event.json.attendees ?? []) as {
    email?: string;
    self?: boolean;
    responseStatus?: string;
  }[];
  const me = attendees.find((a) => a.self === true || a.email === calendar.owner);
  return me?.responseStatus !== 'declined';
}

function busyOf(calendar: FakeCalendarData, timeMin: number, timeMax: number) {
  const spans = [...calendar.events.values()]
    .filter((e) => blocksTime(e, calendar) && e.endMs > timeMin && e.startMs < timeMax)
    .map((e) => ({ start: Math.max(e.startMs, timeMin), end: Math.min(e.endMs, timeMax) }))
    .sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged.map((m) => ({ start: rfc3339(m.start), end: rfc3339(m.end) }));
}

/** `freebusy.query`: per requested calendar its merged busy periods in the range, or a `notFound` error. */
export function freeBusy(store: FakeCalendarStore, body: unknown): Record<string, unknown> {
  const request = (body ?? {}) as { timeMin?: string; timeMax?: string; items?: { id?: string }[] };
  const timeMin = queryInstant(request.timeMin ?? null, 'timeMin');
  const timeMax = queryInstant(request.timeMax ?? null, 'timeMax');
  if (timeMin === undefined) throw badRequest('Missing timeMin.', 'required', 'timeMin');
  if (timeMax === undefined) throw badRequest('Missing timeMax.', 'required', 'timeMax');
  if (timeMax <= timeMin) throw badRequest('The specified time range is empty.', 'timeRangeEmpty', 'timeMax');
  const items = request.items ?? [];
  if (items.length > 50) throw badRequest('Too many calendars in the request.', 'tooManyCalendarsRequested');
  const calendars: Record<string, unknown> = {};
  for (const item of items) {
    const id = String(item.id ?? '');
    let calendar: FakeCalendarData;
    try {
      calendar = store.resolve(id);
    } catch {
      calendars[id] = { errors: [{ domain: 'global', reason: 'notFound' }], busy: [] };
      continue;
    }
    calendars[id] = { busy: busyOf(calendar, timeMin, timeMax) };
  }
  return { kind: 'calendar#freeBusy', timeMin: rfc3339(timeMin), timeMax: rfc3339(timeMax), calendars };
}
