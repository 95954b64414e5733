import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { baseClientShape, type ClientConfig } from '../config/schema.js';
import type { CalendarBlock, TimeEntry } from '../domain/types.js';
import { task } from '../scheduling/test-fixtures.js';
import { Temporal } from '../time/zoned.js';
import { buildWeeklyReport, weeklyReportWindows } from './build.js';

const SYDNEY = 'Australia/Sydney';
const syd = (local: string) =>
  Temporal.PlainDateTime.from(local).toZonedDateTime(SYDNEY).toInstant().toString();
const client = (billing: Record<string, unknown>): ClientConfig =>
  z.strictObject(baseClientShape).parse({ id: 'koala-co', name: 'Koala Co', timezone: SYDNEY, billing });

let seq = 0;
function entry(fields: Partial<TimeEntry> & { from: string; minutes: number }): TimeEntry {
  const { from, minutes, ...rest } = fields;
  seq += 1;
  const start = syd(from);
  return {
    id: `te-${seq}`,
    workspaceId: '4242',
    projectId: '190001',
    taskId: null,
    description: '',
    start,
    stop: minutes < 0 ? null : new Date(Date.parse(start) + minutes * 60_000).toISOString(),
    durationSeconds: minutes < 0 ? -1 : minutes * 60,
    billable: true,
    tags: [],
    ...rest,
  };
}

function block(taskId: string, from: string, minutes: number, clientId = 'koala-co'): CalendarBlock {
  const start = syd(from);
  return {
    id: `b-${taskId}-${from}`,
    taskId,
    clientId,
    chunk: 1,
    start,
    end: new Date(Date.parse(start) + minutes * 60_000).toISOString(),
    title: 'x',
    movedByVa: false,
  };
}

const retainerClient = client({
  currency: 'AUD',
  hourlyRate: '55.00',
  rounding: { minutes: 15, mode: 'up', per: 'entry' },
  retainer: { hours: 10, amount: '500.00' },
});

/** Friday 27 November 2026, 17:00 in Sydney. */
const NOW = syd('2026-11-27T17:00');

const ENTRIES = [
  entry({ from: '2026-11-23T09:00', minutes: 70, description: 'Instagram posts' }), // 75 min billed
  entry({ from: '2026-11-24T09:00', minutes: 20, description: '  instagram   Posts ' }), // same row, 30 min
  // Overlaps the first by 10 minutes: 20 min counted, 30 billed.
  entry({ from: '2026-11-23T10:00', minutes: 30, description: 'Instagram posts' }),
  entry({ from: '2026-11-25T10:00', minutes: 60, taskId: '555', description: 'whatever' }), // 60
  entry({
    from: '2026-11-25T13:00',
    minutes: 5,
    projectId: '190002',
    description: 'Receipts',
    tags: ['invoiced'],
  }),
  entry({ from: '2026-11-26T09:00', minutes: 60, projectId: '190002', billable: false }),
  entry({ from: '2026-11-27T15:00', minutes: -1, description: 'Still going' }),
  entry({ from: '2026-11-22T23:30', minutes: 30, description: 'Last week' }), // November, not this week
];

const NAMES = {
  projects: { '190001': 'Social media', '190002': 'Bookkeeping' },
  tasks: { '555': 'Campaign' },
};

describe('buildWeeklyReport', () => {
  const report = buildWeeklyReport({
    client: retainerClient,
    week: '2026-W48',
    now: NOW,
    entries: ENTRIES,
    names: NAMES,
    completedTasks: [
      task({
        id: 't1',
        name: 'Post the carousel',
        status: 'completed',
        completedAt: syd('2026-11-24T10:00'),
      }),
      task({ id: 't3', name: 'Last week’s task', status: 'completed', completedAt: syd('2026-11-22T12:00') }),
    ],
    openTasks: [
      task({ id: 't4', name: 'Overdue thing', due: { kind: 'date', date: '2026-11-26' } }),
      task({ id: 't5', name: 'Due at an instant', due: { kind: 'instant', at: '2026-12-01T22:00:00.000Z' } }),
      task({ id: 't6', name: 'No due' }),
      task({ id: 't7', name: 'Far away', due: { kind: 'date', date: '2027-01-20' } }),
      task({
        id: 't8',
        name: 'Someone else’s',
        status: 'unassigned',
        due: { kind: 'date', date: '2026-11-30' },
      }),
    ],
    blocks: [
      block('t5', '2026-11-27T09:00', 60), // ended before now
      block('t5', '2026-12-02T09:00', 90),
      block('t5', '2026-12-01T14:00', 30),
      block('t6', '2026-11-30T18:00', 60),
      block('t6', '2026-11-28T09:00', 60, 'thames-studio'), // another client's block
    ],
  });

  it('counts the week by project and task, rounded per entry as billed, overlaps once, invoiced time too', () => {
    expect(report.week).toMatchObject({ id: '2026-W48', firstDate: '2026-11-23', lastDate: '2026-11-29' });
    expect(report.rounding).toBe('each entry rounded up to 15 min');
    expect(report.hours.projects).toEqual([
      {
        projectId: '190001',
        name: 'Social media',
        hours: '3.25',
        tasks: [
          { taskId: null, name: 'Instagram posts', hours: '2.25', entries: 3 },
          { taskId: '555', name: 'Campaign', hours: '1', entries: 1 },
        ],
      },
      {
        projectId: '190002',
        name: 'Bookkeeping',
        hours: '0.25',
        tasks: [{ taskId: null, name: 'Receipts', hours: '0.25', entries: 1 }],
      },
    ]);
    expect(report.hours).toMatchObject({ totalHours: '3.5', nonBillableHours: '1', runningEntries: 1 });
  });

  it('lists the week’s completed tasks in the client’s time, and open tasks with their next blocks', () => {
    expect(report.completed).toEqual([
      {
        id: 't1',
        name: 'Post the carousel',
        url: null,
        completedAt: '2026-11-23T23:00:00Z',
        completedLocal: 'Tue 24 Nov, 10:00',
      },
    ]);
    expect(report.inProgress.map((t) => [t.id, t.nextBlocks.map((b) => b.local)])).toEqual([
      ['t6', ['Mon 30 Nov, 18:00–19:00']],
      ['t5', ['Tue 1 Dec, 14:00–14:30', 'Wed 2 Dec, 09:00–10:30']],
      ['t4', []],
      ['t7', []],
    ]);
    expect(report.deadlines.map((d) => [d.id, d.due.local, d.overdue])).toEqual([
      ['t4', 'Thu 26 Nov', true],
      ['t5', 'Wed 2 Dec, 09:00', false],
    ]);
    expect(report.status).toEqual({ kind: 'at-risk', reasons: ['1 task is overdue'] });
  });

  it('reads the retainer of the current period: every hour, invoiced or not; the fee billed once', () => {
    expect(report.billing).toMatchObject({ label: 'Nov 2026', firstDate: '2026-11-01', currency: 'AUD' });
    // 3.5 h this week (0.25 of it on a draft already) + 0.5 h on 22 Nov.
    expect(report.billing.retainer).toEqual({
      includedHours: '10',
      carriedInHours: '0',
      allowanceHours: '10',
      usedHours: '4',
      leftHours: '6',
      overageHours: '0',
      usedPercent: 40,
    });
    // A tagged entry says the month's fee is on a draft: the new hours fit the allowance.
    expect(report.billing.unbilled).toMatchObject({ hours: '3.75', amount: '0.00' });
  });

  it('prices unbilled time as the next draft would, per line for a client rounding per line', () => {
    const perLine = client({
      currency: 'GBP',
      hourlyRate: '38.50',
      rounding: { minutes: 6, mode: 'nearest', per: 'line' },
      cycle: 'weekly',
    });
    const r = buildWeeklyReport({
      client: perLine,
      week: '2026-W48',
      now: NOW,
      entries: ENTRIES,
      names: NAMES,
      completedTasks: [],
      openTasks: [],
      blocks: [],
    });
    // Rows are rounded once each: 70 + 20 + 20 = 110 min → 1.8 h; 60 → 1; 5 → 0.1 (nearest 6 min).
    expect(r.hours.projects.map((p) => [p.name, p.hours, p.tasks.map((t) => t.hours)])).toEqual([
      ['Social media', '2.8', ['1.8', '1']],
      ['Bookkeeping', '0.1', ['0.1']],
    ]);
    // The weekly period holding now is this week; the tagged entry is billed, the rest is not: the
    // project line is 110 + 60 = 170 min → 2.8 h × 38.50 = 107.80.
    expect(r.billing).toMatchObject({ label: '23–29 Nov 2026', retainer: null });
    expect(r.billing.unbilled).toEqual({
      hours: '2.8',
      amount: '107.80',
      lineAmountTypes: 'Exclusive',
      note: null,
    });
    expect(r.status.kind).toBe('on-track');
  });

  it('reads the time source once over the week and the current period together', () => {
    const w = weeklyReportWindows({ client: retainerClient, week: '2026-W44', now: NOW });
    expect(w.entries).toEqual({ start: syd('2026-10-26T00:00'), end: syd('2026-12-01T00:00') });
  });
});
