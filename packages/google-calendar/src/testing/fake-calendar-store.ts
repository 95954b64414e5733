import { randomBytes } from 'node:crypto';
import { base32hex } from '@vahub/core';
import { normalizeTime, rfc3339 } from './fake-event-time.js';
import { badRequest, GoogleApiError, notFound } from './google-errors.js';

/** An event as the fake answers it (Google's JSON). */
export type EventJson = Record<string, unknown> & { id: string; status: string };

export interface StoredEvent {
  json: EventJson;
  startMs: number;
  endMs: number;
  allDay: boolean;
  /** The store-wide change number of its last change: what sync tokens count. */
  seq: number;
}

export interface FakeCalendarData {
  id: string;
  timeZone: string;
  /** Whose calendar it is: an attendee with this email is the calendar's `self`. */
  owner: string;
  events: Map<string, StoredEvent>;
}

/** The Event fields Google knows (from the discovery document); others are refused. */
export const EVENT_FIELDS: ReadonlySet<string> = new Set(
  'anyoneCanAddSelf attachments attendees attendeesOmitted birthdayProperties colorId conferenceData created creator description end endTimeUnspecified etag eventLabelId eventType extendedProperties focusTimeProperties gadget guestsCanInviteOthers guestsCanModify guestsCanSeeOtherGuests hangoutLink htmlLink iCalUID id kind location locked organizer originalStartTime outOfOfficeProperties privateCopy recurrence recurringEventId reminders sequence source start status summary transparency updated visibility workingLocationProperties'.split(
    ' ',
  ),
);
/** `eventType` values Google knows; `birthday` and `fromGmail` events come from elsewhere and are refused here. */
export const EVENT_TYPES = [
  'birthday',
  'default',
  'focusTime',
  'fromGmail',
  'outOfOffice',
  'workingLocation',
];
const CREATABLE_TYPES = ['default', 'focusTime', 'outOfOffice', 'workingLocation'];
const READ_ONLY = ['kind', 'etag', 'created', 'updated', 'htmlLink', 'creator', 'organizer', 'hangoutLink'];
/** Client-chosen event ids: base32hex characters, 5 to 1024 of them. */
export const EVENT_ID = /^[a-v0-9]{5,1024}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Google's patch semantics: objects merge field by field, arrays and scalars replace, null clears. */
export function mergePatch(
  target: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (isObject(value) && isObject(out[key]))
      out[key] = mergePatch(out[key] as Record<string, unknown>, value);
    else out[key] = value;
  }
  return out;
}

function validate(body: Record<string, unknown>): void {
  for (const key of Object.keys(body)) {
    if (!EVENT_FIELDS.has(key)) throw badRequest(`Invalid JSON payload received. Unknown name "${key}".`);
  }
  if (body.recurrence !== undefined) {
    throw badRequest(
      'fake Google does not expand recurring events: seed single events instead',
      'unsupported',
    );
  }
  if (body.colorId !== undefined && !/^([1-9]|1[01])$/.test(String(body.colorId))) {
    throw badRequest('Invalid value for: colorId');
  }
  if (body.transparency !== undefined && !['opaque', 'transparent'].includes(String(body.transparency))) {
    throw badRequest('Invalid value for: transparency');
  }
  if (body.eventType !== undefined && !EVENT_TYPES.includes(String(body.eventType))) {
    throw badRequest('Invalid value for: eventType');
  }
  if (body.status !== undefined && !['confirmed', 'tentative', 'cancelled'].includes(String(body.status))) {
    throw badRequest('Invalid value for: status');
  }
  const reminders = body.reminders;
  if (
    isObject(reminders) &&
    reminders.useDefault === true &&
    Array.isArray(reminders.overrides) &&
    reminders.overrides.length > 0
  ) {
    throw badRequest(
      'Cannot specify both default reminders and overrides at the same time.',
      'cannotUseDefaultRemindersAndSpecifyOverride',
    );
  }
  const props = body.extendedProperties;
  for (const scope of ['private', 'shared']) {
    const map = isObject(props) ? props[scope] : undefined;
    if (map !== undefined && (!isObject(map) || Object.values(map).some((v) => typeof v !== 'string'))) {
      throw badRequest(`Invalid value for: extendedProperties.${scope}`);
    }
  }
}

/** The calendars of one Google account, their events, and the change counter sync tokens count on. */
export class FakeCalendarStore {
  readonly calendars = new Map<string, FakeCalendarData>();
  seq = 0;
  /** Bumped by `expireSyncTokens`: tokens of an older epoch answer 410. */
  epoch = 0;
  /** Google may answer fewer events than `maxResults` on a page; a small cap makes a client page. */
  maxPageSize = 2500;
  private listeners: ((calendarId: string) => void)[] = [];

  constructor(
    readonly account: string,
    readonly now: () => number,
  ) {}

  onChange(listener: (calendarId: string) => void): void {
    this.listeners.push(listener);
  }

  addCalendar(id: string, timeZone: string, owner = id): FakeCalendarData {
    const calendar = { id, timeZone, owner, events: new Map<string, StoredEvent>() };
    this.calendars.set(id, calendar);
    return calendar;
  }

  /** `primary` is the account's own calendar; ids arrive URL-decoded. */
  resolve(calendarId: string): FakeCalendarData {
    const calendar = this.calendars.get(calendarId === 'primary' ? this.account : calendarId);
    if (!calendar) throw notFound();
    return calendar;
  }

  private stamp(calendar: FakeCalendarData, json: EventJson, created: boolean): StoredEvent {
    const start = normalizeTime(json.start, 'start', calendar.timeZone);
    const end = normalizeTime(json.end, 'end', calendar.timeZone);
    if (start.allDay !== end.allDay) {
      throw badRequest('Start and end times must either both be date or both be dateTime.');
    }
    if (end.ms < start.ms || (start.allDay && end.ms === start.ms)) {
      throw badRequest('The specified time range is empty.', 'timeRangeEmpty');
    }
    const seq = ++this.seq;
    const at = rfc3339(this.now());
    const attendees = Array.isArray(json.attendees)
      ? json.attendees.map((a: Record<string, unknown>) => ({
          responseStatus: 'needsAction',
          ...a,
          ...(a.email === calendar.owner ? { self: true } : {}),
        }))
      : undefined;
    const stored: EventJson = {
      ...json,
      kind: 'calendar#event',
      etag: `"${seq}"`,
      start: start.json,
      end: end.json,
      updated: at,
      ...(created ? { created: at } : {}),
      ...(attendees ? { attendees } : {}),
    };
    return { json: stored, startMs: start.ms, endMs: end.ms, allDay: start.allDay, seq };
  }

  private commit(calendar: FakeCalendarData, event: StoredEvent): EventJson {
    calendar.events.set(event.json.id, event);
    for (const listener of this.listeners) listener(calendar.id);
    return event.json;
  }

  insert(calendarId: string, body: unknown): EventJson {
    const calendar = this.resolve(calendarId);
    if (!isObject(body)) throw badRequest('Bad Request', 'badRequest');
    validate(body);
    const eventType = body.eventType === undefined ? 'default' : String(body.eventType);
    if (!CREATABLE_TYPES.includes(eventType)) {
      throw badRequest(`Events of type ${eventType} cannot be created.`);
    }
    const id = body.id === undefined ? base32hex(randomBytes(16)) : String(body.id);
    if (!EVENT_ID.test(id)) throw badRequest('Invalid resource id value.');
    if (calendar.events.has(id)) {
      throw new GoogleApiError(409, 'duplicate', 'The requested identifier already exists.');
    }
    const input = Object.fromEntries(Object.entries(body).filter(([k]) => !READ_ONLY.includes(k)));
    const me = { email: calendar.owner, self: true };
    const json: EventJson = {
      ...input,
      id,
      status: typeof body.status === 'string' ? body.status : 'confirmed',
      htmlLink: `https://www.google.com/calendar/event?eid=${Buffer.from(id).toString('base64url')}`,
      iCalUID: typeof body.iCalUID === 'string' ? body.iCalUID : `${id}@google.com`,
      sequence: 0,
      creator: me,
      organizer: me,
      reminders: input.reminders ?? { useDefault: true },
      eventType,
    };
    return this.commit(calendar, this.stamp(calendar, json, true));
  }

  /** Deleted events too: Google's `get` always returns them, with status `cancelled`. */
  get(calendarId: string, eventId: string): EventJson {
    const event = this.resolve(calendarId).events.get(eventId);
    if (!event) throw notFound();
    return event.json;
  }

  stored(calendarId: string, eventId: string): StoredEvent | undefined {
    return this.resolve(calendarId).events.get(eventId);
  }

  patch(calendarId: string, eventId: string, body: unknown): EventJson {
    const calendar = this.resolve(calendarId);
    const existing = calendar.events.get(eventId);
    if (!existing) throw notFound();
    if (!isObject(body)) throw badRequest('Bad Request', 'badRequest');
    validate(body);
    if (body.id !== undefined && body.id !== eventId) throw badRequest('Invalid resource id value.');
    if (body.eventType !== undefined && body.eventType !== existing.json.eventType) {
      throw badRequest('The event type cannot be changed.');
    }
    const changes = Object.fromEntries(Object.entries(body).filter(([k]) => !READ_ONLY.includes(k)));
    const merged = mergePatch(existing.json, changes) as EventJson;
    const timesChanged = body.start !== undefined || body.end !== undefined;
    merged.sequence = Number(existing.json.sequence ?? 0) + (timesChanged ? 1 : 0);
    return this.commit(calendar, this.stamp(calendar, merged, false));
  }

  /** Google keeps a deleted event as `cancelled` (so its id stays taken); a second delete is 410. */
  remove(calendarId: string, eventId: string): void {
    const calendar = this.resolve(calendarId);
    const existing = calendar.events.get(eventId);
    if (!existing) throw notFound();
    if (existing.json.status === 'cancelled')
      throw new GoogleApiError(410, 'deleted', 'Resource has been deleted');
    const json = { ...existing.json, status: 'cancelled', updated: rfc3339(this.now()) };
    this.commit(calendar, { ...existing, json, seq: ++this.seq });
  }
}
