import type { calendar_v3 } from '@googleapis/calendar';
import { ConnectorError, isConnectorError } from '@vahub/core';
import { BLOCK_PROPERTIES, eventTime } from './block-event.js';
import type { RawBusy } from './busy.js';
import type { GoogleApi } from './google-api.js';
import { busyListAnswer } from './schemas.js';

/**
 * Only what deciding "busy or not" needs (partial response): the list carries the calendar's zone,
 * which all-day dates are read in, and its `kind`, which tells an empty list from a shapeless answer.
 */
export const BUSY_FIELDS =
  'kind,nextPageToken,timeZone,items(status,transparency,eventType,start,end,attendees(self,responseStatus),extendedProperties(private))';

const MAX_PAGES = 200;

/**
 * The time an event of the VA's own calendar takes, or null when it leaves the VA free: cancelled,
 * marked free (transparent), declined by the VA, a working-location note, or one of vahub's own
 * blocks (the planner moves those; they must not push themselves away). Everything else is busy,
 * tentative answers and out-of-office included; an all-day event covers its whole days in `zone`.
 */
export function eventBusy(
  event: calendar_v3.Schema$Event,
  zone: string,
): { start: number; end: number } | null {
  if (event.status === 'cancelled' || event.transparency === 'transparent') return null;
  if (event.eventType === 'workingLocation') return null;
  if (event.extendedProperties?.private?.[BLOCK_PROPERTIES.marker] === '1') return null;
  if (event.attendees?.some((a) => a.self === true && a.responseStatus === 'declined')) return null;
  const start = eventTime(event.start ?? undefined, zone);
  const end = eventTime(event.end ?? undefined, zone);
  if (start === null || end === null || end <= start) return null;
  return { start, end };
}

/**
 * Busy time of the VA's own calendar from its events (`events.list`, single instances, every page).
 * freeBusy cannot be used here: it merges vahub's opaque blocks with whatever lies under them, so a
 * meeting put inside a block would vanish with the block.
 */
export async function readCalendarBusy(input: {
  api: GoogleApi;
  calendarId: string;
  window: { start: number; end: number };
  /** For all-day dates, should Google's answer not name the calendar's zone. */
  fallbackZone: string;
}): Promise<RawBusy[]> {
  const { api, calendarId } = input;
  const busy: RawBusy[] = [];
  let pageToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const data: calendar_v3.Schema$Events = await api
      .call(
        'busy',
        (sdk) =>
          sdk.events.list({
            calendarId,
            timeMin: new Date(input.window.start).toISOString(),
            timeMax: new Date(input.window.end).toISOString(),
            singleEvents: true,
            maxResults: 2500,
            pageToken,
            fields: BUSY_FIELDS,
          }),
        { schema: busyListAnswer },
      )
      .catch((err: unknown) => {
        throw unreadable(err, calendarId);
      });
    const zone = data.timeZone ?? input.fallbackZone;
    for (const event of data.items ?? []) {
      const span = eventBusy(event, zone);
      if (span) busy.push({ ...span, source: calendarId });
    }
    pageToken = data.nextPageToken ?? undefined;
    if (!pageToken) return busy;
  }
  throw new ConnectorError({
    provider: 'google',
    operation: 'busy',
    code: 'unexpected_response',
    message: `more than ${MAX_PAGES} pages of events: narrow the window`,
  });
}

/** A calendar Google does not know is named, like one freeBusy cannot read; other failures pass as they are. */
function unreadable(err: unknown, calendarId: string): unknown {
  if (!isConnectorError(err) || err.status !== 404) return err;
  return new ConnectorError({
    provider: 'google',
    operation: 'busy',
    status: 404,
    code: 'not_found',
    retryable: false,
    message: `calendar "${calendarId}" could not be read (notFound): check calendar.id`,
  });
}
