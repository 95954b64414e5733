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

describe('busy through freeBusy', () => {
  let fake: FakeGoogle;
  let va: Connected;
  const family = 'family@group.calendar.google.com';
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

  it('merges both calendars; free (transparent) and declined events do not block', async () => {
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
        attendees: [{ email: 'va@example.com', responseStatus: 'tentative' }],
      }),
    );
    const cancelled = fake.seedEvent('primary', meeting('2026-11-30T17:00:00Z', '2026-11-30T18:00:00Z'));
    fake.deleteEvent('primary', cancelled.id);

    const busy = await va.calendar.busy({ start: '2026-11-30T00:00:00Z', end: '2026-12-01T00:00:00Z' });
    expect(busy).toEqual([
      { start: '2026-11-30T09:00:00.000Z', end: '2026-11-30T11:00:00.000Z', source: `${family},primary` },
      { start: '2026-11-30T16:00:00.000Z', end: '2026-11-30T16:30:00.000Z', source: 'primary' },
    ]);
    const request = fake.apiRequests('POST', /\/freeBusy$/)[0];
    expect(request?.json).toMatchObject({ items: [{ id: 'primary' }, { id: family }], timeZone: 'UTC' });
  });

  it("reads an all-day event in its calendar's zone and clips everything to the window", async () => {
    // 1 December all day in Sydney (UTC+11) is 30 Nov 13:00Z to 1 Dec 13:00Z.
    fake.seedEvent(family, {
      summary: 'School holiday',
      start: { date: '2026-12-01' },
      end: { date: '2026-12-02' },
    });
    const busy = await va.calendar.busy({ start: '2026-11-30T12:00:00Z', end: '2026-11-30T18:00:00Z' });
    expect(busy).toEqual([
      { start: '2026-11-30T13:00:00.000Z', end: '2026-11-30T18:00:00.000Z', source: family },
    ]);
  });

  it("counts vahub's own blocks as busy: they are opaque", async () => {
    await va.calendar.upsertBlock(makeBlock({ start: '2026-11-30T09:00:00Z', end: '2026-11-30T10:00:00Z' }));
    const busy = await va.calendar.busy({ start: '2026-11-30T00:00:00Z', end: '2026-12-01T00:00:00Z' });
    expect(busy).toEqual([
      { start: '2026-11-30T09:00:00.000Z', end: '2026-11-30T10:00:00.000Z', source: 'primary' },
    ]);
  });

  it('refuses to answer when a listed calendar cannot be read, naming it', async () => {
    const broken = await connect(fake, {
      calendar: { id: 'primary', busyCalendars: ['gone@group.calendar.google.com'] },
    });
    const error = await broken.calendar
      .busy({ start: '2026-11-30T00:00:00Z', end: '2026-12-01T00:00:00Z' })
      .catch((e: unknown) => e);
    expect(isConnectorError(error) && error.retryable).toBe(false);
    expect(String(error)).toMatch(/gone@group\.calendar\.google\.com.*notFound/);
  });
});
