import { localDateOf } from '@vahub/core';
import type { LocalTime } from './types.js';

const formats = new Map<string, Intl.DateTimeFormat[]>();

function formatsOf(zone: string): Intl.DateTimeFormat[] {
  let f = formats.get(zone);
  if (!f) {
    f = [
      new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short', day: 'numeric', month: 'short' }),
      new Intl.DateTimeFormat('en-GB', {
        timeZone: zone,
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }),
    ];
    formats.set(zone, f);
  }
  return f;
}

/** "Tue 1 Dec". */
export function dayText(ms: number, zone: string): string {
  return (formatsOf(zone)[0] as Intl.DateTimeFormat).format(ms).replace(',', '');
}

/** "17:00". */
export function clockText(ms: number, zone: string): string {
  return (formatsOf(zone)[1] as Intl.DateTimeFormat).format(ms);
}

/** An instant on a wall clock: "Tue 1 Dec, 17:00". */
export function localTime(ms: number, zone: string): LocalTime {
  return { zone, date: localDateOf(ms, zone), text: `${dayText(ms, zone)}, ${clockText(ms, zone)}` };
}

/** A span on a wall clock: "Tue 1 Dec, 09:00–10:30" (the end's day is named when it differs). */
export function localSpan(start: number, end: number, zone: string): LocalTime {
  const sameDay = localDateOf(start, zone) === localDateOf(end - 1, zone);
  const tail = sameDay ? clockText(end, zone) : `${dayText(end, zone)}, ${clockText(end, zone)}`;
  return {
    zone,
    date: localDateOf(start, zone),
    text: `${dayText(start, zone)}, ${clockText(start, zone)}–${tail}`,
  };
}
