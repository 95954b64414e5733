import { describe, expect, it } from 'vitest';
import { formatPreviewText } from './preview.js';
import { billing, build, draftOf, entry, month } from './test-fixtures.js';

// Issue 13: two entries of one person covering the same minutes are reported, and billed once by
// default. Hand-computed figures above each test; GBP 60/h, one line, so 1 h = 60.00.

const NOV = month('2026-11-15T12:00:00Z', 'Europe/London');
const settings = (extra: Record<string, unknown> = {}) =>
  billing({ currency: 'GBP', hourlyRate: '60.00', grouping: 'single', ...extra });
const at = (hhmm: string) => `2026-11-03T${hhmm}:00Z`;
const min = (m: number) => m * 60;

describe('overlapping entries of one person', () => {
  it('bills a timer left running under another once, and says so on the line', () => {
    // a 09:00–11:00 (2 h); b 10:00–10:30 runs inside it. Billed once: 2 h × 60 = 120.00, not 150.00.
    const result = build({
      billing: settings(),
      period: NOV,
      entries: [
        entry({ id: 'a', start: at('09:00'), durationSeconds: min(120) }),
        entry({ id: 'b', start: at('10:00'), durationSeconds: min(30) }),
      ],
    });
    const draft = draftOf(result);
    expect(draft.lines.map((l) => [l.quantity, l.lineAmount])).toEqual([['2.0000', '120.00']]);
    expect(draft.entryIds).toEqual(['a', 'b']);
    expect(result.overlaps).toEqual([
      {
        entryId: 'b',
        coveredBy: 'a',
        userId: null,
        start: '2026-11-03T10:00:00Z',
        end: '2026-11-03T10:30:00Z',
        seconds: 1800,
        billed: 'once',
      },
    ]);
    const explained = result.explanations[0];
    expect(
      explained?.entries.map((e) => [e.entryId, e.rawSeconds, e.overlapSeconds, e.billedSeconds]),
    ).toEqual([
      ['a', 7200, 0, 7200],
      ['b', 1800, 1800, 0],
    ]);
    expect(explained?.summary).toContain(
      '2 entries: 2 h 30 min tracked, 30 min of it overlapping other entries of the same person and billed once → 2 h billed',
    );
    const text = formatPreviewText(result);
    expect(text).toContain("Overlapping time: 1 overlap of one person's entries, each billed once");
    expect(text).toContain(
      '  - b overlaps a by 30 min, 2026-11-03T10:00:00Z – 2026-11-03T10:30:00Z: not billed again on b',
    );
  });

  it('takes the shared minutes off the later entry before rounding it', () => {
    // a 09:00–09:40, b 09:30–10:10: b keeps 30 of its 40 min. Up to 15 min per entry:
    // a 40 → 45 min, b 30 → 30 min; 75 min = 1.25 h × 60 = 75.00 (both billed whole: 90.00).
    const entries = [
      entry({ id: 'a', start: at('09:00'), durationSeconds: min(40) }),
      entry({ id: 'b', start: at('09:30'), durationSeconds: min(40) }),
    ];
    const perEntry = build({
      billing: settings({ rounding: { minutes: 15, mode: 'up', per: 'entry' } }),
      period: NOV,
      entries,
    });
    expect(draftOf(perEntry).lines[0]).toMatchObject({ quantity: '1.2500', lineAmount: '75.00' });
    expect(perEntry.explanations[0]?.entries.map((e) => e.billedSeconds)).toEqual([min(45), min(30)]);
    // Per line: 40 + 30 = 70 min → 75 min, the same 75.00.
    const perLine = build({
      billing: settings({ rounding: { minutes: 15, mode: 'up', per: 'line' } }),
      period: NOV,
      entries,
    });
    expect(draftOf(perLine).lines[0]).toMatchObject({ quantity: '1.2500', lineAmount: '75.00' });
  });

  it('bills three stacked entries as the time they span', () => {
    // a 09–11, b 10–12, c 10:30–10:45. Together 09:00–12:00 = 3 h × 60 = 180.00. b gives up
    // 10–11 (1 h), c is wholly covered (15 min).
    const result = build({
      billing: settings(),
      period: NOV,
      entries: [
        entry({ id: 'a', start: at('09:00'), durationSeconds: min(120) }),
        entry({ id: 'b', start: at('10:00'), durationSeconds: min(120) }),
        entry({ id: 'c', start: at('10:30'), durationSeconds: min(15) }),
      ],
    });
    expect(draftOf(result).lines[0]).toMatchObject({ quantity: '3.0000', lineAmount: '180.00' });
    expect(result.overlaps.map((o) => [o.entryId, o.coveredBy, o.seconds])).toEqual([
      ['b', 'a', 3600],
      ['c', 'a', 900],
      ['c', 'b', 900],
    ]);
  });

  it('bills a duplicated entry once and keeps both on the draft, so neither is billed later', () => {
    // x1 and x2: the same hour twice. x2 (second by id) gives up its hour: 1 h = 60.00.
    const result = build({
      billing: settings(),
      period: NOV,
      entries: [
        entry({ id: 'x2', start: at('09:00'), durationSeconds: min(60) }),
        entry({ id: 'x1', start: at('09:00'), durationSeconds: min(60) }),
      ],
    });
    expect(draftOf(result).subtotal).toBe('60.00');
    expect(draftOf(result).entryIds).toEqual(['x1', 'x2']);
    expect(result.overlaps.map((o) => [o.entryId, o.coveredBy])).toEqual([['x2', 'x1']]);
  });

  it('does not bill again minutes already invoiced, whichever entry started first', () => {
    // inv 09:00–10:00 was invoiced (tagged). late 08:30–09:30 is new: its 30 min from 09:00 are
    // already billed, so it bills 30 min = 30.00.
    const result = build({
      billing: settings(),
      period: NOV,
      entries: [
        entry({ id: 'inv', start: at('09:00'), durationSeconds: min(60), tags: ['invoiced'] }),
        entry({ id: 'late', start: at('08:30'), durationSeconds: min(60) }),
      ],
    });
    expect(draftOf(result).lines[0]).toMatchObject({ quantity: '0.5000', lineAmount: '30.00' });
    expect(result.overlaps).toMatchObject([{ entryId: 'late', coveredBy: 'inv', seconds: 1800 }]);
  });

  it('leaves two people working the same minutes alone', () => {
    // u1 and u2 both 09:00–10:00: 2 h × 60 = 120.00, no overlap.
    const result = build({
      billing: settings(),
      period: NOV,
      entries: [
        entry({ id: 'a', userId: 'u1', start: at('09:00'), durationSeconds: min(60) }),
        entry({ id: 'b', userId: 'u2', start: at('09:00'), durationSeconds: min(60) }),
      ],
    });
    expect(draftOf(result).subtotal).toBe('120.00');
    expect(result.overlaps).toEqual([]);
  });

  it('bills both when the config says bill-both, still reporting the overlap', () => {
    // a 09:00–10:00 and b 09:30–10:30 of user u1, both billed whole: 2 h × 60 = 120.00.
    const result = build({
      billing: settings({ overlaps: 'bill-both' }),
      period: NOV,
      entries: [
        entry({ id: 'a', userId: 'u1', start: at('09:00'), durationSeconds: min(60) }),
        entry({ id: 'b', userId: 'u1', start: at('09:30'), durationSeconds: min(60) }),
      ],
    });
    expect(draftOf(result).subtotal).toBe('120.00');
    expect(result.overlaps).toMatchObject([{ entryId: 'b', coveredBy: 'a', userId: 'u1', billed: 'twice' }]);
    expect(result.explanations[0]?.entries.every((e) => e.overlapSeconds === 0)).toBe(true);
    expect(formatPreviewText(result)).toContain(
      "Overlapping time: 1 overlap of one person's entries, billed twice as billing.overlaps says (bill-both)",
    );
  });

  it('counts overlapping retainer hours once too', () => {
    // Retainer of 1 h; a 09:00–10:00 and b 09:30–10:30: 1.5 h used, 0.5 h × 60 = 30.00 overage.
    const result = build({
      billing: settings({ retainer: { hours: 1, amount: '100.00' } }),
      period: NOV,
      entries: [
        entry({ id: 'a', start: at('09:00'), durationSeconds: min(60) }),
        entry({ id: 'b', start: at('09:30'), durationSeconds: min(60) }),
      ],
    });
    expect(result.retainer).toMatchObject({ usedHours: '1.5', overageHours: '0.5' });
    expect(draftOf(result).subtotal).toBe('130.00');
    expect(result.explanations[1]?.summary).toContain('30 min of overlapping entries counted once');
  });

  it('reports a thousand entries running over each other without overflowing the stack', () => {
    // 1,000 one-hour entries of one person all starting 09:00: every later one is covered by the
    // first, so billed once the period holds 1 h (60.00), and each pair is reported.
    const result = build({
      billing: settings(),
      period: NOV,
      entries: Array.from({ length: 1_000 }, (_, i) =>
        entry({ id: `e${String(i).padStart(4, '0')}`, start: at('09:00'), durationSeconds: min(60) }),
      ),
    });
    expect(draftOf(result).lines.map((l) => l.lineAmount)).toEqual(['60.00']);
    expect(result.overlaps.length).toBeGreaterThanOrEqual(999);
    expect(formatPreviewText(result)).toContain(`Overlapping time: ${result.overlaps.length} overlaps`);
  });
});
