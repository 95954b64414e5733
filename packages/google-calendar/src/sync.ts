import type { calendar_v3 } from '@googleapis/calendar';
import { type CalendarBlock, ConnectorError, type IsoInstant, isConnectorError } from '@vahub/core';
import { readBlock } from './block-event.js';
import type { GoogleApi } from './google-api.js';
import { eventListAnswer } from './schemas.js';

/** "Event X changed": the worker re-reads what it needs (a webhook or a sync says *that*, not *what*). */
export interface CalendarChange {
  eventId: string;
  status: 'confirmed' | 'tentative' | 'cancelled';
  /** The vahub block the event is, as it is now; null for other events and for deleted ones (Google keeps only their id). */
  block: CalendarBlock | null;
  updated: IsoInstant | null;
}

export interface CalendarChangesPage {
  changes: CalendarChange[];
  /** The sync token to pass next time. */
  cursor: string;
  /**
   * This was a full read: there was no cursor, or Google expired it (410). Changes may have been
   * missed, so re-plan from the calendar as it is rather than from `changes`.
   */
  resyncNeeded: boolean;
}

const MAX_PAGES = 1000;

function toChange(event: calendar_v3.Schema$Event, timeZone: string | undefined): CalendarChange | null {
  if (!event.id) return null;
  const status =
    event.status === 'cancelled' || event.status === 'tentative' ? event.status : ('confirmed' as const);
  return {
    eventId: event.id,
    status,
    block: status === 'cancelled' ? null : readBlock(event, { timeZone }),
    updated: event.updated ?? null,
  };
}

async function readAll(input: {
  api: GoogleApi;
  calendarId: string;
  syncToken: string | undefined;
  timeZone: string | undefined;
}): Promise<{ changes: CalendarChange[]; cursor: string }> {
  const { api, calendarId, syncToken } = input;
  const changes: CalendarChange[] = [];
  let pageToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    // Incremental requests must repeat the first request's parameters and may not add timeMin,
    // privateExtendedProperty and friends, so both use the same plain parameters.
    const data: calendar_v3.Schema$Events = await api.call(
      'syncChanges',
      (sdk) => sdk.events.list({ calendarId, syncToken, pageToken, maxResults: 250 }),
      { schema: eventListAnswer },
    );
    for (const event of data.items ?? []) {
      const change = toChange(event, input.timeZone);
      if (change) changes.push(change);
    }
    pageToken = data.nextPageToken ?? undefined;
    if (!pageToken) {
      if (!data.nextSyncToken) break;
      return { changes, cursor: data.nextSyncToken };
    }
  }
  throw new ConnectorError({
    provider: 'google',
    operation: 'syncChanges',
    code: 'unexpected_response',
    message: 'the event list ended without a sync token',
  });
}

/**
 * Events changed since `cursor` (a Google sync token), deleted ones included. Without a cursor, or
 * when Google answers 410 Gone (the token expired), it reads everything and says `resyncNeeded`.
 */
export async function syncChanges(input: {
  api: GoogleApi;
  calendarId: string;
  cursor: string | null;
  timeZone?: string;
}): Promise<CalendarChangesPage> {
  const base = { api: input.api, calendarId: input.calendarId, timeZone: input.timeZone };
  if (input.cursor) {
    try {
      return { ...(await readAll({ ...base, syncToken: input.cursor })), resyncNeeded: false };
    } catch (err) {
      if (!(isConnectorError(err) && err.status === 410)) throw err;
    }
  }
  return { ...(await readAll({ ...base, syncToken: undefined })), resyncNeeded: true };
}
