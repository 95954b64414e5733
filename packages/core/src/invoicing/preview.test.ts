import { describe, expect, it } from 'vitest';
import { formatPreviewJson, formatPreviewText } from './preview.js';
import { billing, build, entry, month } from './test-fixtures.js';

const period = month('2026-11-15T00:00:00Z', 'Australia/Sydney');
const settings = billing({
  currency: 'AUD',
  hourlyRate: '55.00',
  projectRates: { '190001': '70.00' },
  rounding: { minutes: 15, mode: 'up', per: 'entry' },
  paymentTermsDays: 15,
});

function result() {
  return build({
    billing: settings,
    period,
    names: { projects: { '190001': 'Social media management' } },
    entries: [
      entry({ id: 'a', projectId: '190001', start: '2026-11-10T00:00:00Z', durationSeconds: 7500 }),
      entry({ id: 'b', projectId: '190002', start: '2026-11-12T00:00:00Z', durationSeconds: 2400 }),
      entry({ id: 'r', start: '2026-11-13T00:00:00Z', durationSeconds: -1 }),
    ],
  });
}

describe('formatPreviewText', () => {
  it('shows the lines as a table with the subtotal, the workings and what was left out', () => {
    const text = formatPreviewText(result());
    const lines = text.split('\n');
    expect(lines[0]).toBe('Draft invoice for koala-co — vahub koala-co 2026-11');
    expect(lines[1]).toBe(
      'Period 1–30 Nov 2026 (Australia/Sydney); dated 2026-12-01, due 2026-12-16; AUD, amounts Exclusive',
    );
    expect(lines[3]).toMatch(/^# +Description +Qty +Unit +Amount$/);
    expect(lines).toContain('1  Project 190002 — 0.75 h, 1–30 Nov 2026           0.75  55.00   41.25');
    expect(lines).toContain('2  Social media management — 2.25 h, 1–30 Nov 2026  2.25  70.00  157.50');
    expect(lines.find((l) => l.includes('Subtotal'))).toMatch(/^ +Subtotal +198\.75$/);
    expect(text).toContain(
      '2. 1 entry: 2 h 5 min tracked, each entry rounded up to 15 min → 2 h 15 min billed; 2.2500 × 70.0000 (project rate) = 157.50 AUD',
    );
    expect(text).toContain('  - r: running, the timer is still running: stop it, then invoice again');
  });

  it('says plainly when there is nothing to invoice', () => {
    const empty = build({ billing: settings, period, entries: [] });
    expect(formatPreviewText(empty)).toBe(
      'No invoice for koala-co, vahub koala-co 2026-11: no billable time in 1–30 Nov 2026 (no entries excluded).\n' +
        'Excluded: no entries excluded\n',
    );
  });
});

describe('formatPreviewJson', () => {
  it('carries the whole result, with the period as ISO instants', () => {
    const r = result();
    const json = JSON.parse(formatPreviewJson(r));
    expect(json.draft).toEqual(r.draft);
    expect(json.explanations).toEqual(r.explanations);
    expect(json.excluded).toEqual([
      { entryId: 'r', reason: 'running', detail: 'the timer is still running: stop it, then invoice again' },
    ]);
    expect(json.period).toMatchObject({
      start: '2026-10-31T13:00:00Z',
      end: '2026-11-30T13:00:00Z',
      kind: 'month',
    });
  });
});
