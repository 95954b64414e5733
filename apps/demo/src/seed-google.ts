import { Temporal } from '@vahub/core';
import type { FakeGoogle } from '@vahub/google-calendar/testing';

const ZONE = 'Europe/Budapest';

interface Meeting {
  summary: string;
  start: string;
  end: string;
  /** A "free" event (a reminder): Google leaves it out of free/busy, so blocks may overlap it. */
  free?: boolean;
}

/** The VA's first week of December, in Budapest wall-clock time. */
const MEETINGS: Meeting[] = [
  { summary: 'Weekly planning with Koala Co', start: '2026-11-30T09:00', end: '2026-11-30T10:00' },
  { summary: 'Thames Studio check-in', start: '2026-11-30T15:00', end: '2026-11-30T15:30' },
  { summary: 'Hudson Legal intake call', start: '2026-12-01T10:30', end: '2026-12-01T12:00' },
  { summary: 'Dentist', start: '2026-12-02T13:15', end: '2026-12-02T14:00' },
  {
    summary: 'Remember: pay the coworking rent',
    start: '2026-12-02T09:00',
    end: '2026-12-02T09:15',
    free: true,
  },
  { summary: 'Hudson Legal weekly', start: '2026-12-03T16:00', end: '2026-12-03T17:00' },
];

/** Meetings on the VA's primary calendar, as if made in Google Calendar by hand. */
export function seedGoogle(fake: FakeGoogle): { meetings: number } {
  for (const m of MEETINGS) {
    fake.seedEvent('primary', {
      summary: m.summary,
      start: { dateTime: `${m.start}:00`, timeZone: ZONE },
      end: { dateTime: `${m.end}:00`, timeZone: ZONE },
      ...(m.free ? { transparency: 'transparent' } : {}),
    });
  }
  return { meetings: MEETINGS.length };
}

/** The meetings that make the VA busy, as epoch ms (what a test checks blocks against). */
export function busyMeetings(): { summary: string; start: number; end: number }[] {
  const at = (local: string) => Temporal.PlainDateTime.from(local).toZonedDateTime(ZONE).epochMilliseconds;
  return MEETINGS.filter((m) => !m.free).map((m) => ({
    summary: m.summary,
    start: at(m.start),
    end: at(m.end),
  }));
}
