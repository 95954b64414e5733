import { type ClientConfig, formatLocal } from '@vahub/core';
import type { StoredEvent } from '@vahub/google-calendar/testing';
import { place } from '../print-agenda.js';

/** Lines that differ from run to run (ports, temporary paths, where Redis came from) start with this. */
export const VARIES = '   [this run] ';

const hhmm = (ms: number, zone: string) => formatLocal(ms, zone).slice(-5);

/** "Tue 2026-12-01 09:00–10:30 Budapest = Tue 2026-12-01 19:00–20:30 Sydney" */
export function spanLine(start: number, end: number, vaZone: string, clientZone: string): string {
  const va = `${formatLocal(start, vaZone)}–${hhmm(end, vaZone)} ${place(vaZone)}`;
  if (clientZone === vaZone) return va;
  return `${va} = ${formatLocal(start, clientZone)}–${hhmm(end, clientZone)} ${place(clientZone)}`;
}

/** An instant in the VA's zone and the client's: "Mon 2026-11-30 14:05 Budapest = Tue 2026-12-01 00:05 Sydney". */
export function momentLine(ms: number, vaZone: string, clientZone: string): string {
  return `${formatLocal(ms, vaZone)} ${place(vaZone)} = ${formatLocal(ms, clientZone)} ${place(clientZone)}`;
}

/** vahub's blocks for one task on the fake calendar, as the VA sees them there, earliest first. */
export function taskBlocks(events: readonly StoredEvent[], taskId: string): StoredEvent[] {
  return events
    .filter((e) => e.json.status !== 'cancelled')
    .filter((e) => {
      const props = (e.json.extendedProperties as { private?: Record<string, string> } | undefined)?.private;
      return props?.vahubBlock === '1' && props.vahubTask === taskId;
    })
    .sort((a, b) => a.startMs - b.startMs);
}

export function blockLines(blocks: readonly StoredEvent[], vaZone: string, client: ClientConfig): string[] {
  return blocks.map((b) => `       ${spanLine(b.startMs, b.endMs, vaZone, client.timezone)}`);
}
