import type { calendar_v3 } from '@googleapis/calendar';
import {
  type CalendarBlock,
  ConnectorError,
  GOOGLE_EVENT_ID,
  isConnectorError,
  parseInstant,
  type TimeWindow,
  type UpsertOutcome,
} from '@vahub/core';
import {
  BLOCK_MARKER_FILTER,
  BLOCK_PROPERTIES,
  type BlockInput,
  blockDiffers,
  blockEvent,
  readBlock,
} from './block-event.js';
import type { GoogleApi } from './google-api.js';
import { eventAnswer, eventListAnswer } from './schemas.js';

export interface BlockContext {
  api: GoogleApi;
  calendarId: string;
  /** The VA's zone: written on block times so Google shows them in it; reads all-day dates. */
  timeZone?: string;
}

function isStatus(err: unknown, ...statuses: number[]): boolean {
  return isConnectorError(err) && err.status !== undefined && statuses.includes(err.status);
}

/**
 * Insert the block under its deterministic id. A 409 means it exists (vahub wrote it before, maybe in
 * a retried call whose answer was lost, or the VA deleted it and Google keeps it as `cancelled`): read
 * it and patch only what differs, restoring a cancelled one. The pipeline's retries of an insert are
 * safe because a repeated insert can only ever 409.
 * A `known` block (the caller read it, and the planner moves or retitles it: never one the VA moved
 * by hand) is patched in place at once, confirmed in case the VA deleted it since: one call instead
 * of insert, 409, read and patch. Only when Google no longer has it (404, 410) is it inserted as above.
 */
export async function upsertBlock(
  ctx: BlockContext,
  block: BlockInput,
  options: { known?: boolean } = {},
): Promise<UpsertOutcome> {
  const { api, calendarId } = ctx;
  const desired = blockEvent(block, { timeZone: ctx.timeZone });
  /** Patch the event to `desired` (its id aside), confirming it too when `confirm`. */
  const patch = (confirm: boolean) => {
    const { id: _id, ...changes } = desired;
    return api.call(
      'upsertBlock',
      (sdk) =>
        sdk.events.patch({
          calendarId,
          eventId: desired.id,
          sendUpdates: 'none',
          requestBody: confirm ? { ...changes, status: 'confirmed' } : changes,
        }),
      { schema: eventAnswer },
    );
  };
  if (options.known) {
    try {
      await patch(true);
      return 'updated';
    } catch (err) {
      if (!isStatus(err, 404, 410)) throw err;
    }
  }
  try {
    await api.call(
      'upsertBlock',
      (sdk) => sdk.events.insert({ calendarId, sendUpdates: 'none', requestBody: desired }),
      { schema: eventAnswer },
    );
    return 'created';
  } catch (err) {
    if (!isStatus(err, 409)) throw err;
  }
  const existing = await api.call(
    'upsertBlock',
    (sdk) => sdk.events.get({ calendarId, eventId: desired.id }),
    { schema: eventAnswer },
  );
  keepHandMove(existing, desired, ctx.timeZone);
  if (!blockDiffers(existing, desired)) return 'unchanged';
  const restoring = existing.status === 'cancelled';
  await patch(restoring);
  return restoring ? 'created' : 'updated';
}

/**
 * When the planner writes a block that the VA moved by hand at the very times the VA chose (it
 * respects the move and only updates, say, the title), keep the times vahub last wrote: the move
 * stays visible as a move, so the next plan leaves the block alone too.
 */
function keepHandMove(
  existing: calendar_v3.Schema$Event,
  desired: calendar_v3.Schema$Event,
  timeZone?: string,
) {
  const current = existing.status === 'cancelled' ? null : readBlock(existing, { timeZone });
  const wrote = existing.extendedProperties?.private ?? {};
  const want = desired.extendedProperties?.private;
  if (!current?.movedByVa || !want || !desired.start?.dateTime || !desired.end?.dateTime) return;
  const sameTimes =
    parseInstant(desired.start.dateTime) === parseInstant(current.start) &&
    parseInstant(desired.end.dateTime) === parseInstant(current.end);
  const start = wrote[BLOCK_PROPERTIES.start];
  const end = wrote[BLOCK_PROPERTIES.end];
  if (sameTimes && start && end) {
    want[BLOCK_PROPERTIES.start] = start;
    want[BLOCK_PROPERTIES.end] = end;
  }
}

/** Delete a block by id; one that is already gone (404, or 410 once deleted) is not an error. */
export async function deleteBlock(ctx: BlockContext, blockId: string): Promise<void> {
  if (!GOOGLE_EVENT_ID.test(blockId)) return; // vahub never wrote such an id, so there is nothing to delete
  const { api, calendarId } = ctx;
  try {
    await api.call(
      'deleteBlock',
      (sdk) => sdk.events.delete({ calendarId, eventId: blockId, sendUpdates: 'none' }),
      { schema: null },
    );
  } catch (err) {
    if (!isStatus(err, 404, 410)) throw err;
  }
}

/** One block by id as it is now, or null when it does not exist or was deleted. */
export async function getBlock(ctx: BlockContext, blockId: string): Promise<CalendarBlock | null> {
  if (!GOOGLE_EVENT_ID.test(blockId)) return null;
  const { api, calendarId } = ctx;
  try {
    const event = await api.call('getBlock', (sdk) => sdk.events.get({ calendarId, eventId: blockId }), {
      schema: eventAnswer,
    });
    return event.status === 'cancelled' ? null : readBlock(event, { timeZone: ctx.timeZone });
  } catch (err) {
    if (isStatus(err, 404, 410)) return null;
    throw err;
  }
}

const MAX_PAGES = 200;

/** vahub's blocks that overlap the window (all clients, or one), found by their private marker. */
export async function listBlocks(
  ctx: BlockContext,
  window: TimeWindow,
  options: { clientId?: string } = {},
): Promise<CalendarBlock[]> {
  const { api, calendarId } = ctx;
  const filters = [BLOCK_MARKER_FILTER];
  if (options.clientId) filters.push(`${BLOCK_PROPERTIES.client}=${options.clientId}`);
  const blocks: CalendarBlock[] = [];
  let pageToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const data: calendar_v3.Schema$Events = await api.call(
      'listBlocks',
      (sdk) =>
        sdk.events.list({
          calendarId,
          privateExtendedProperty: filters,
          timeMin: new Date(parseInstant(window.start)).toISOString(),
          timeMax: new Date(parseInstant(window.end)).toISOString(),
          singleEvents: true,
          maxResults: 2500,
          pageToken,
        }),
      { schema: eventListAnswer },
    );
    for (const event of data.items ?? []) {
      const block = event.status === 'cancelled' ? null : readBlock(event, { timeZone: ctx.timeZone });
      if (block) blocks.push(block);
    }
    pageToken = data.nextPageToken ?? undefined;
    if (!pageToken) return blocks.sort((a, b) => a.start.localeCompare(b.start) || a.id.localeCompare(b.id));
  }
  throw new ConnectorError({
    provider: 'google',
    operation: 'listBlocks',
    code: 'unexpected_response',
    message: `more than ${MAX_PAGES} pages of blocks: narrow the window`,
  });
}
