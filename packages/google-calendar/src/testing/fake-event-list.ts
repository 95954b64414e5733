import {
  EVENT_FIELDS,
  EVENT_TYPES,
  type FakeCalendarData,
  type FakeCalendarStore,
  type StoredEvent,
} from './fake-calendar-store.js';
import { queryInstant, rfc3339 } from './fake-event-time.js';
import { parseFields, unknownFields } from './fake-partial-response.js';
import { badRequest, GoogleApiError } from './google-errors.js';

/** Parameters Google refuses next to a `syncToken`. */
const NOT_WITH_SYNC = [
  'iCalUID',
  'orderBy',
  'privateExtendedProperty',
  'q',
  'sharedExtendedProperty',
  'timeMin',
  'timeMax',
  'updatedMin',
];

/** The fields of an `Events` answer (the list itself); its `items` hold `Event` fields. */
const EVENTS_FIELDS: ReadonlySet<string> = new Set(
  'accessRole defaultReminders description etag items kind nextPageToken nextSyncToken summary timeZone updated'.split(
    ' ',
  ),
);

/** A `fields` selection naming something an `Events` answer does not have is refused, as Google does. */
function checkFields(mask: string | null): void {
  if (mask === null) return;
  const unknown = unknownFields(parseFields(mask), EVENTS_FIELDS, { items: EVENT_FIELDS });
  if (unknown.length > 0) {
    throw badRequest(`Invalid field selection ${unknown[0]}`, 'invalidParameter', 'fields');
  }
}

function eventTypes(query: URLSearchParams): string[] {
  const types = query.getAll('eventTypes');
  const wrong = types.find((t) => !EVENT_TYPES.includes(t));
  if (wrong !== undefined)
    throw badRequest(`Invalid value for: eventTypes: ${wrong}`, 'invalid', 'eventTypes');
  return types;
}

interface Cursor {
  /** Which events: changes after `from` (sync) or the plain list. */
  from: number | null;
  /** The change number at the first page: the next sync token. */
  snapshot: number;
  offset: number;
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function decode<T>(text: string, what: string): T {
  try {
    return JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as T;
  } catch {
    throw badRequest(`Invalid ${what} value.`, 'invalid', what);
  }
}

function propertyFilters(values: string[], name: string): [string, string][] {
  return values.map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0) throw badRequest(`Invalid ${name} value.`, 'invalid', name);
    return [pair.slice(0, at), pair.slice(at + 1)];
  });
}

function matchesProps(event: StoredEvent, scope: 'private' | 'shared', filters: [string, string][]): boolean {
  const props = ((event.json.extendedProperties as Record<string, Record<string, string>> | undefined)?.[
    scope
  ] ?? {}) as Record<string, string>;
  return filters.every(([key, value]) => props[key] === value);
}

function syncFrom(store: FakeCalendarStore, calendar: FakeCalendarData, token: string): number {
  const parsed = decode<{ c: string; e: number; s: number }>(token, 'syncToken');
  if (parsed.c !== calendar.id || typeof parsed.s !== 'number')
    throw badRequest('Invalid sync token value.', 'invalid', 'syncToken');
  if (parsed.e !== store.epoch) {
    throw new GoogleApiError(
      410,
      'fullSyncRequired',
      'Sync token is no longer valid, a full sync is required.',
    );
  }
  return parsed.s;
}

/**
 * `events.list` as Google answers it: time-window, event-type, extended-property and deletion filters, pages of
 * `maxResults`, and `nextSyncToken` on the last page; a `syncToken` returns what changed since
 * (deletions included) and answers 410 once tokens were expired.
 */
export function listEvents(
  store: FakeCalendarStore,
  calendarId: string,
  url: string,
): Record<string, unknown> {
  const calendar = store.resolve(calendarId);
  const query = new URL(url, 'http://fake').searchParams;
  checkFields(query.get('fields'));
  const types = eventTypes(query);
  const syncToken = query.get('syncToken');
  if (syncToken !== null) {
    const clash = NOT_WITH_SYNC.find((name) => query.has(name));
    if (clash)
      throw badRequest(`The ${clash} parameter cannot be combined with syncToken.`, 'invalid', clash);
  }
  const maxResults = Number(query.get('maxResults') ?? 250);
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 2500) {
    throw badRequest('Invalid value for: maxResults', 'invalid', 'maxResults');
  }
  const singleEvents = query.get('singleEvents') === 'true';
  if (query.get('orderBy') === 'startTime' && !singleEvents) {
    throw badRequest(
      'The requested ordering is not available for the particular query.',
      'badRequest',
      'orderBy',
    );
  }
  const pageToken = query.get('pageToken');
  const cursor: Cursor = pageToken
    ? decode<Cursor>(pageToken, 'pageToken')
    : {
        from: syncToken === null ? null : syncFrom(store, calendar, syncToken),
        snapshot: store.seq,
        offset: 0,
      };
  const timeMin = queryInstant(query.get('timeMin'), 'timeMin');
  const timeMax = queryInstant(query.get('timeMax'), 'timeMax');
  const updatedMin = queryInstant(query.get('updatedMin'), 'updatedMin');
  const priv = propertyFilters(query.getAll('privateExtendedProperty'), 'privateExtendedProperty');
  const shared = propertyFilters(query.getAll('sharedExtendedProperty'), 'sharedExtendedProperty');
  const showDeleted = query.get('showDeleted') === 'true';
  const q = query.get('q')?.toLowerCase();

  const matching = [...calendar.events.values()].filter((event) => {
    if (event.seq > cursor.snapshot) return false;
    if (cursor.from !== null) return event.seq > cursor.from;
    if (event.json.status === 'cancelled' && !showDeleted && updatedMin === undefined) return false;
    if (timeMin !== undefined && event.endMs <= timeMin) return false;
    if (timeMax !== undefined && event.startMs >= timeMax) return false;
    if (updatedMin !== undefined && Date.parse(String(event.json.updated)) < updatedMin) return false;
    if (types.length > 0 && !types.includes(String(event.json.eventType))) return false;
    if (!matchesProps(event, 'private', priv) || !matchesProps(event, 'shared', shared)) return false;
    if (q && !`${event.json.summary ?? ''} ${event.json.description ?? ''}`.toLowerCase().includes(q))
      return false;
    return true;
  });
  matching.sort((a, b) =>
    cursor.from !== null ? a.seq - b.seq : a.startMs - b.startMs || a.json.id.localeCompare(b.json.id),
  );
  const size = Math.min(maxResults, store.maxPageSize);
  const page = matching.slice(cursor.offset, cursor.offset + size);
  const more = cursor.offset + size < matching.length;
  return {
    kind: 'calendar#events',
    etag: `"${store.seq}"`,
    summary: calendar.id,
    updated: rfc3339(store.now()),
    timeZone: calendar.timeZone,
    accessRole: 'owner',
    defaultReminders: [{ method: 'popup', minutes: 10 }],
    items: page.map((event) => event.json),
    ...(more
      ? { nextPageToken: encode({ ...cursor, offset: cursor.offset + size }) }
      : { nextSyncToken: encode({ c: calendar.id, e: store.epoch, s: cursor.snapshot }) }),
  };
}
