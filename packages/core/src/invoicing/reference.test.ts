import { describe, expect, it } from 'vitest';
import { parseInstant, periodContaining, periodOfDates } from '../time/zoned.js';
import { invoiceReference } from './reference.js';
import { formatDateRange } from './text.js';

describe('invoiceReference', () => {
  it('names months, ISO weeks and custom ranges', () => {
    const at = parseInstant('2026-11-25T12:00:00Z');
    expect(invoiceReference('koala-co', periodContaining('month', at, 'Australia/Sydney'))).toBe(
      'vahub koala-co 2026-11',
    );
    expect(invoiceReference('thames-studio', periodContaining('week', at, 'Europe/London'))).toBe(
      'vahub thames-studio 2026-W48',
    );
    expect(invoiceReference('acme', periodOfDates('2026-11-03', '2026-11-19', 'UTC'))).toBe(
      'vahub acme 2026-11-03..2026-11-19',
    );
  });

  it('names a week by the ISO week holding most of its days', () => {
    // Sun 22 – Sat 28 Nov 2026: six of the seven days are in ISO week 48.
    const sundayWeek = periodContaining('week', parseInstant('2026-11-25T12:00:00Z'), 'UTC', 'sun');
    expect(sundayWeek.firstDate).toBe('2026-11-22');
    expect(invoiceReference('a', sundayWeek)).toBe('vahub a 2026-W48');
    // Mon 28 Dec 2026 – Sun 3 Jan 2027 is ISO week 53 of 2026.
    const yearEnd = periodContaining('week', parseInstant('2027-01-02T12:00:00Z'), 'UTC');
    expect(invoiceReference('a', yearEnd)).toBe('vahub a 2026-W53');
  });

  it('gives consecutive weeks different names for every week start', () => {
    for (const start of ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const) {
      const names = new Set<string>();
      let at = parseInstant('2026-12-01T12:00:00Z');
      for (let i = 0; i < 60; i++, at += 7 * 86_400_000) {
        names.add(invoiceReference('a', periodContaining('week', at, 'UTC', start)));
      }
      expect(names.size).toBe(60);
    }
  });
});

describe('formatDateRange', () => {
  it('writes ranges the way invoices do', () => {
    expect(formatDateRange('2026-11-01', '2026-11-30')).toBe('1–30 Nov 2026');
    expect(formatDateRange('2026-11-28', '2026-12-04')).toBe('28 Nov – 4 Dec 2026');
    expect(formatDateRange('2026-12-28', '2027-01-03')).toBe('28 Dec 2026 – 3 Jan 2027');
    expect(formatDateRange('2026-11-02', '2026-11-02')).toBe('2 Nov 2026');
  });
});
