import { isConnectorError, parseInstant } from '@vahub/core';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergeBusy } from './busy.js';
import { type Connected, connect, makeBlock, startFake } from './test-support.js';
import type { FakeGoogle } from './testing/index.js';

describe('mergeBusy', () => {
  const MIN = 60_000;
  const raw = fc.array(
    fc
      .record({
        start: fc.integer({ min: -20, max: 200 }),
        length: fc.integer({ min: 0, max: 60 }),
        source: fc.constantFrom('a', 'b'),
      })
      .map(({ start, length, source }) => ({ start: start * MIN, end: (start + length) * MIN, source })),
    { maxLength: 25 },
  );

  it('gives sorted, disjoint intervals inside the window covering exactly the busy minutes', () => {
    fc.assert(
      fc.property(
        raw,
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 1, max: 120 }),
        (input, from, span) => {
          const window = { start: from * MIN, end: (from + span) * MIN };
          const out = mergeBusy(input, window).map((i) => ({
            start: parseInstant(i.start),
            end: parseInstant(i.end),
          }));
          for (const [i, interval] of out.entries()) {
            expect(interval.end).toBeGreaterThan(interval.start);
            expect(interval.start).toBeGreaterThanOrEqual(window.start);
            expect(interval.end).toBeLessThanOrEqual(window.end);
            const next = out[i + 1];
            if (next) expect(next.start).toBeGreaterThan(interval.end);
          }
          for (let m = window.start; m < window.end; m += MIN) {
            const busyIn = input.some((i) => i.start <= m && m < i.end);
            const busyOut = out.some((i) => i.start <= m && m < i.end);
            expect(busyOut).toBe(busyIn);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('names every calendar a merged interval came from', () => {
    const out = mergeBusy(
      [
        { start: 0, end: 10, source: 'primary' },
        { start: 5, end: 20, source: 'family@group.calendar.google.com' },
      ],
      { start: 0, end: 100 },
    );
    expect(out).toEqual([
      {
        start: '1970-01-01T00:00:00.000Z',
        end: '1970-01-01T00:00:00.020Z',
        source: 'family@group.calendar.google.com,primary',
      },
    ]);
  });
});

describe('busy: the own calendar from its events, further calendars through freeBusy', () => {
  let fake: FakeGoogle;
  let va: Connected;
  const family = 'family@group.calendar.google.com';
  const day = { start: '2026-11-30T00:00:00Z', end: '2026-12-01T00:00:00Z' };
  beforeEach(async () => {
    fake = await startFake({ timeZone: 'Europe/Budapest' });
    fake.addCalendar(family, { timeZone: 'Australia/Sydney' });
    va = await connect(fake, { calendar: { id: 'primary', busyCalendars: [family] } });
  });
  afterEach(async () => {
    await fake.stop();
  });

  const meeting = (start: string, end: string, extra: Record<string, unknown> = {}) => ({
    summary: 'Meeting',
    start: { dateTime: start },
    end: { dateTime: end },
    ...extra,
  });
  const lists = () => fake.apiRequests('GET', /\/calendars\/primary\/events$/);

  it('merges both calendars; free (transparent), declined and cancelled events do not block', async () => {
    fake.seedEvent('primary', meeting('2026-11-30T09:00:00Z', '2026-11-30T10:00:00Z'));
    fake.seedEvent(family, meeting('2026-11-30T09:30:00Z', '2026-11-30T11:00:00Z'));
    fake.seedEvent(
      'primary',
      meeting('2026-11-30T12:00:00Z', '2026-11-30T13:00:00Z', { transparency: 'transparent' }),
    );
    fake.seedEvent(
      'primary',
      meeting('2026-11-30T14:00:00Z', '2026-11-30T15:00:00Z', {
        attendees: [
          { email: 'boss@koala.example', responseStatus: 'accepted', organizer: true },
          { email: 'va@example.com', responseStatus: 'declined' },
        ],
      }),
    );
    fake.seedEvent(
      'primary',
      meeting('2026-11-30T16:00:00Z', '2026-11-30T16:30:00Z', {
        attendees: [
          { email: 'va@example.com', responseStatus: 'tentative' },
          { email: 'boss@koala.example', responseStatus: 'declined' },
        ],
      }),
    );
    const cancelled = fake.seedEvent('primary', meeting('2026-11-30T17:00:00Z', '2026-11-30T18:00:00Z'));
    fake.deleteEvent('primary', cancelled.id);

    const busy = await va.calendar.busy(day);
    expect(busy).toEqual([
      { start: '2026-11-30T09:00:00.000Z', end: '2026-11-30T11:00:00.000Z', source: `${family},primary` },
      { start: '2026-11-30T16:00:00.000Z', end: '2026-11-30T16:30:00.000Z', source: 'primary' },
    ]);
    // The own calendar is read event by event; only the further calendar goes through freeBusy.
    expect(lists()).toHaveLength(1);
    expect(lists()[0]?.query).toMatchObject({
      singleEvents: 'true',
      timeMin: '2026-11-30T00:00:00.000Z',
      timeMax: '2026-12-01T00:00:00.000Z',
    });
    const freeBusy = fake.apiRequests('POST', /\/freeBusy$/);
    expect(freeBusy.map((r) => r.json)).toEqual([expect.objectContaining({ items: [{ id: family }] })]);
  });

  it("leaves vahub's own blocks out, but not a meeting put inside or across one", async () => {
    await va.calendar.upsertBlock(makeBlock({ start: '2026-11-30T09:00:00Z', end: '2026-11-30T11:00:00Z' }));
    await va.calendar.upsertBlock(
      makeBlock({ chunk: 1, start: '2026-11-30T13:00:00Z', end: '2026-11-30T14:00:00Z' }),
    );
    fake.seedEvent('primary', meeting('2026-11-30T09:30:00Z', '2026-11-30T10:00:00Z'));
    fake.seedEvent('primary', meeting('2026-11-30T13:45:00Z', '2026-11-30T14:15:00Z'));
    const busy = await va.calendar.busy(day);
    expect(busy).toEqual([
      { start: '2026-11-30T09:30:00.000Z', end: '2026-11-30T10:00:00.000Z', source: 'primary' },
      { start: '2026-11-30T13:45:00.000Z', end: '2026-11-30T14:15:00.000Z', source: 'primary' },
    ]);
    // A block listed again as a "busy calendar" would come back through freeBusy: it is not asked.
    const twice = await connect(fake, { calendar: { id: 'primary', busyCalendars: ['primary'] } });
    expect(await twice.calendar.busy(day)).toEqual(busy);
    expect(fake.apiRequests('POST', /\/freeBusy$/)).toHaveLength(1);
  });

  it('out of office is busy, a working location is not, whatever its transparency', async () => {
    fake.seedEvent(
      'primary',
      meeting('2026-11-30T08:00:00Z', '2026-11-30T17:00:00Z', {
        eventType: 'workingLocation',
        workingLocationProperties: { type: 'homeOffice', homeOffice: {} },
      }),
    );
    fake.seedEvent(
      'primary',
      meeting('2026-11-30T12:00:00Z', '2026-11-30T15:00:00Z', {
        eventType: 'outOfOffice',
        outOfOfficeProperties: { autoDeclineMode: 'declineNone' },
      }),
    );
    fake.seedEvent(
      'primary',
      meeting('2026-11-30T16:00:00Z', '2026-11-30T16:30:00Z', {
        eventType: 'focusTime',
        focusTimeProperties: {},
      }),
    );
    expect(await va.calendar.busy(day)).toEqual([
      { start: '2026-11-30T12:00:00.000Z', end: '2026-11-30T15:00:00.000Z', source: 'primary' },
      { start: '2026-11-30T16:00:00.000Z', end: '2026-11-30T16:30:00.000Z', source: 'primary' },
    ]);
  });

  it("covers an all-day event's local days in the calendar's zone, which Google names on the list", async () => {
    // The connector's own fallback zone is Sydney; the calendar says Budapest (UTC+1 in winter).
    const elsewhere = await connect(fake, {
      calendar: { id: 'primary', busyCalendars: [] },
      timeZone: 'Australia/Sydney',
    });
    fake.seedEvent('primary', {
      summary: 'Conference',
      start: { date: '2026-12-01' },
      end: { date: '2026-12-03' },
    });
    fake.seedEvent('primary', {
      summary: 'Birthday (free)',
      start: { date: '2026-11-30' },
      end: { date: '2026-12-01' },
      transparency: 'transparent',
    });
    const busy = await elsewhere.calendar.busy({
      start: '2026-11-29T00:00:00Z',
      end: '2026-12-05T00:00:00Z',
    });
    expect(busy).toEqual([
      { start: '2026-11-30T23:00:00.000Z', end: '2026-12-02T23:00:00.000Z', source: 'primary' },
    ]);
    expect(fake.apiRequests('POST', /\/freeBusy$/)).toHaveLength(0);
  });

  it("reads an all-day event of a further calendar in that calendar's zone and clips everything to the window", async () => {
    // 1 December all day in Sydney (UTC+11) is 30 Nov 13:00Z to 1 Dec 13:00Z.
    fake.seedEvent(family, {
      summary: 'School holiday',
      start: { date: '2026-12-01' },
      end: { date: '2026-12-02' },
    });
    fake.seedEvent('primary', meeting('2026-11-30T11:00:00Z', '2026-11-30T12:30:00Z'));
    const busy = await va.calendar.busy({ start: '2026-11-30T12:00:00Z', end: '2026-11-30T18:00:00Z' });
    expect(busy).toEqual([
      { start: '2026-11-30T12:00:00.000Z', end: '2026-11-30T12:30:00.000Z', source: 'primary' },
      { start: '2026-11-30T13:00:00.000Z', end: '2026-11-30T18:00:00.000Z', source: family },
    ]);
  });

  it('reads every page of the own calendar', async () => {
    await fake.stop();
    fake = await startFake({ maxPageSize: 3 });
    va = await connect(fake);
    for (let h = 0; h < 8; h++) {
      const at = (minutes: string) => `2026-11-30T${String(8 + h).padStart(2, '0')}:${minutes}:00Z`;
      fake.seedEvent('primary', meeting(at('00'), at('30')));
    }
    const busy = await va.calendar.busy(day);
    expect(busy).toHaveLength(8);
    expect(busy.at(-1)).toEqual({
      start: '2026-11-30T15:00:00.000Z',
      end: '2026-11-30T15:30:00.000Z',
      source: 'primary',
    });
    expect(lists().map((r) => Boolean(r.query.pageToken))).toEqual([false, true, true]);
  });

  it('refuses to answer when a listed calendar cannot be read, naming it', async () => {
    const broken = await connect(fake, {
      calendar: { id: 'primary', busyCalendars: ['gone@group.calendar.google.com'] },
    });
    const error = await broken.calendar.busy(day).catch((e: unknown) => e);
    expect(isConnectorError(error) && error.retryable).toBe(false);
    expect(String(error)).toMatch(/gone@group\.calendar\.google\.com.*notFound/);
    const lost = await connect(fake, {
      calendar: { id: 'lost@group.calendar.google.com', busyCalendars: [] },
    });
    const missing = await lost.calendar.busy(day).catch((e: unknown) => e);
    expect(isConnectorError(missing) && [missing.status, missing.retryable]).toEqual([404, false]);
    expect(String(missing)).toMatch(/lost@group\.calendar\.google\.com.*notFound/);
  });
});
