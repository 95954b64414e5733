import { z } from 'zod';

// The shapes of Google's answers that vahub reads. Each is loose (Google adds fields) but names what
// vahub relies on, so an answer of another shape is an error (a retryable `unexpected_response`)
// instead of an empty list: a calendar read as "nothing" would have the planner book over meetings.

const text = z.string().optional();

const eventTime = z.looseObject({ date: text, dateTime: text, timeZone: text });

/** An event as far as vahub reads it; every field optional, as in a partial response. */
const eventFields = {
  id: text,
  status: text,
  summary: text,
  description: text,
  colorId: text,
  transparency: text,
  eventType: text,
  updated: text,
  start: eventTime.optional(),
  end: eventTime.optional(),
  reminders: z
    .looseObject({ useDefault: z.boolean().optional(), overrides: z.array(z.unknown()).optional() })
    .optional(),
  extendedProperties: z
    .looseObject({
      private: z.record(z.string(), z.string()).optional(),
      shared: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  attendees: z.array(z.looseObject({ self: z.boolean().optional(), responseStatus: text })).optional(),
};

/** `events.get`, `insert`, `patch`: an event always has its id. */
export const eventAnswer = z.looseObject({ ...eventFields, id: z.string().min(1) });

/**
 * `events.list` with the fields vahub selects. `kind` is always asked for (also in the partial
 * response of `busy`): it is what tells an empty list from an answer of some other shape.
 */
export const eventListAnswer = z.looseObject({
  kind: z.literal('calendar#events'),
  items: z.array(z.looseObject({ ...eventFields, id: z.string().min(1) })).optional(),
  nextPageToken: text,
  nextSyncToken: text,
  timeZone: text,
});

/** The partial `events.list` of `busy`: events without their ids. */
export const busyListAnswer = eventListAnswer.extend({
  items: z.array(z.looseObject(eventFields)).optional(),
});

export const freeBusyAnswer = z.looseObject({
  kind: z.literal('calendar#freeBusy'),
  calendars: z.record(
    z.string(),
    z.looseObject({
      busy: z.array(z.looseObject({ start: z.string(), end: z.string() })).optional(),
      errors: z.array(z.looseObject({ domain: text, reason: text })).optional(),
    }),
  ),
});

export const channelAnswer = z.looseObject({
  id: z.string().min(1),
  resourceId: z.string().min(1),
  expiration: text,
});

/** The token endpoint's answer to a code exchange or a refresh (RFC 6749 §5.1). */
export const tokenAnswer = z.looseObject({
  access_token: z.string().min(1),
  expires_in: z.number().positive().optional(),
  refresh_token: z.string().min(1).optional(),
  scope: text,
  token_type: text,
  id_token: text,
});
