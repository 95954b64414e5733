import type { calendar_v3 } from '@googleapis/calendar';
import {
  blockEventId,
  type CalendarBlock,
  ConnectorError,
  GOOGLE_EVENT_ID,
  parseInstant,
  startOfLocalDate,
} from '@vahub/core';

type Event = calendar_v3.Schema$Event;

/** A block as the port hands it over. */
export type BlockInput = CalendarBlock & { description?: string; colorId?: string };

/**
 * Keys of `extendedProperties.private` on a block. `vahubStart`/`vahubEnd` are the times vahub last
 * wrote: when the event's times differ, the VA moved or resized it by hand.
 */
export const BLOCK_PROPERTIES = {
  marker: 'vahubBlock',
  task: 'vahubTask',
  client: 'vahubClient',
  chunk: 'vahubChunk',
  start: 'vahubStart',
  end: 'vahubEnd',
} as const;

/** `privateExtendedProperty` filter that finds every block vahub wrote. */
export const BLOCK_MARKER_FILTER = `${BLOCK_PROPERTIES.marker}=1`;

function invalid(message: string): ConnectorError {
  return new ConnectorError({
    provider: 'google',
    operation: 'upsertBlock',
    code: 'validation',
    retryable: false,
    message,
  });
}

function instantText(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

function instantOf(value: string, field: string): number {
  try {
    return parseInstant(value);
  } catch {
    throw invalid(`block ${field} "${value}" is not an ISO instant`);
  }
}

/**
 * The event vahub writes for a block. Checked before anything is sent: the id must be Google-valid
 * and be the deterministic id of (client, task, chunk), or a retried insert could make a twin.
 */
export function blockEvent(block: BlockInput, options: { timeZone?: string } = {}): Event & { id: string } {
  if (!Number.isInteger(block.chunk) || block.chunk < 0) {
    throw invalid(`block chunk must be a whole number, got ${block.chunk}`);
  }
  if (!GOOGLE_EVENT_ID.test(block.id)) {
    throw invalid(`block id "${block.id.slice(0, 80)}" is not a valid Google event id`);
  }
  if (block.id !== blockEventId(block.clientId, block.taskId, block.chunk)) {
    throw invalid(`block id ${block.id} is not blockEventId(client, task, chunk) of the block`);
  }
  const start = instantOf(block.start, 'start');
  const end = instantOf(block.end, 'end');
  if (end <= start) throw invalid(`block ends (${block.end}) before it starts (${block.start})`);
  const zone = options.timeZone ? { timeZone: options.timeZone } : {};
  return {
    id: block.id,
    summary: block.title,
    ...(block.description === undefined ? {} : { description: block.description }),
    ...(block.colorId === undefined ? {} : { colorId: block.colorId }),
    start: { dateTime: instantText(start), ...zone },
    end: { dateTime: instantText(end), ...zone },
    transparency: 'opaque',
    reminders: { useDefault: false, overrides: [] },
    extendedProperties: {
      private: {
        [BLOCK_PROPERTIES.marker]: '1',
        [BLOCK_PROPERTIES.task]: block.taskId,
        [BLOCK_PROPERTIES.client]: block.clientId,
        [BLOCK_PROPERTIES.chunk]: String(block.chunk),
        [BLOCK_PROPERTIES.start]: instantText(start),
        [BLOCK_PROPERTIES.end]: instantText(end),
      },
    },
  };
}

/** An event time as epoch ms; an all-day date is read in `zone` (the calendar's). */
export function eventTime(time: calendar_v3.Schema$EventDateTime | undefined, zone: string): number | null {
  if (time?.dateTime) return parseInstant(time.dateTime);
  if (time?.date) return startOfLocalDate(time.date, time.timeZone ?? zone);
  return null;
}

/** The block an event stands for, or null when it is not one of vahub's. */
export function readBlock(event: Event, options: { timeZone?: string } = {}): CalendarBlock | null {
  const props = event.extendedProperties?.private ?? {};
  const taskId = props[BLOCK_PROPERTIES.task];
  const clientId = props[BLOCK_PROPERTIES.client];
  const chunk = Number(props[BLOCK_PROPERTIES.chunk]);
  if (!event.id || !taskId || !clientId || !Number.isInteger(chunk)) return null;
  const zone = options.timeZone ?? 'UTC';
  const start = eventTime(event.start, zone);
  const end = eventTime(event.end, zone);
  if (start === null || end === null) return null;
  const wroteStart = props[BLOCK_PROPERTIES.start];
  const wroteEnd = props[BLOCK_PROPERTIES.end];
  const movedByVa =
    Boolean(event.start?.date) ||
    (wroteStart !== undefined && parseInstant(wroteStart) !== start) ||
    (wroteEnd !== undefined && parseInstant(wroteEnd) !== end);
  return {
    id: event.id,
    taskId,
    clientId,
    chunk,
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
    title: event.summary ?? '',
    movedByVa,
  };
}

function sameTime(a: calendar_v3.Schema$EventDateTime | undefined, b: calendar_v3.Schema$EventDateTime) {
  return (
    !a?.date &&
    Boolean(a?.dateTime) &&
    parseInstant(a?.dateTime ?? '') === parseInstant(b.dateTime ?? '') &&
    (b.timeZone === undefined || a?.timeZone === b.timeZone)
  );
}

/** Whether `existing` differs from what vahub would write (so a 409 on insert needs a patch). */
export function blockDiffers(existing: Event, desired: Event): boolean {
  if (existing.status === 'cancelled') return true;
  if ((existing.summary ?? '') !== (desired.summary ?? '')) return true;
  if (desired.description !== undefined && (existing.description ?? '') !== desired.description) return true;
  if (desired.colorId !== undefined && existing.colorId !== desired.colorId) return true;
  if ((existing.transparency ?? 'opaque') !== 'opaque') return true;
  if (existing.reminders?.useDefault !== false || (existing.reminders.overrides ?? []).length > 0)
    return true;
  if (!desired.start || !desired.end || !sameTime(existing.start, desired.start)) return true;
  if (!sameTime(existing.end, desired.end)) return true;
  const have = existing.extendedProperties?.private ?? {};
  const want = desired.extendedProperties?.private ?? {};
  return Object.entries(want).some(([key, value]) => have[key] !== value);
}

/** "[Koala Co] Draft the newsletter" from the config's `titleTemplate` (`{client}`, `{task}`, `{clientId}`). */
export function blockTitle(input: {
  template: string;
  clientName: string;
  clientId?: string;
  taskName: string;
}): string {
  return input.template.replace(/\{(client|task|clientId)\}/g, (_, key: string) =>
    key === 'client' ? input.clientName : key === 'task' ? input.taskName : (input.clientId ?? ''),
  );
}

/** The block's description: where the task lives, so the VA can jump to it from the calendar. */
export function blockDescription(input: { taskUrl: string | null; note?: string }): string {
  const lines = [input.note ?? 'Focus time booked by vahub.'];
  if (input.taskUrl) lines.push(`Task: ${input.taskUrl}`);
  return lines.join('\n');
}
