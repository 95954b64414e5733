import { describe, expect, it } from 'vitest';
import { billing, build, draftOf, entry, month } from './test-fixtures.js';

const period = month('2026-11-15T00:00:00Z', 'Australia/Sydney');
const names = {
  projects: { '1': 'Social media', '2': 'Inbox' },
  tasks: { '11': 'Instagram posts' },
};
// Sydney is UTC+11: 2026-11-02T13:30Z is Tue 3 Nov 00:30 there.
const entries = () => [
  entry({
    projectId: '1',
    taskId: '11',
    description: 'Posts',
    start: '2026-11-02T12:30:00Z',
    durationSeconds: 1800,
  }),
  entry({
    projectId: '1',
    taskId: '12',
    description: ' Reels  plan',
    start: '2026-11-02T13:30:00Z',
    durationSeconds: 900,
  }),
  entry({ projectId: '2', description: 'reels plan', start: '2026-11-03T00:00:00Z', durationSeconds: 2700 }),
  entry({ description: '', start: '2026-11-04T00:00:00Z', durationSeconds: 3600 }),
];

const describeLines = (grouping: string) =>
  draftOf(
    build({
      billing: billing({ currency: 'AUD', hourlyRate: '50.00', grouping }),
      period,
      entries: entries(),
      names,
    }),
  ).lines.map((l) => [l.description, l.lineAmount, l.entryIds.length]);

describe('grouping', () => {
  it('by project, with "Other work" for time without a project', () => {
    expect(describeLines('project')).toEqual([
      ['Inbox — 0.75 h, 1–30 Nov 2026', '37.50', 1],
      ['Other work — 1 h, 1–30 Nov 2026', '50.00', 1],
      ['Social media — 0.75 h, 1–30 Nov 2026', '37.50', 2],
    ]);
  });

  it('by task, naming unnamed tasks by their description and task-less time by its project', () => {
    expect(describeLines('task')).toEqual([
      ['Inbox — 0.75 h, 1–30 Nov 2026', '37.50', 1],
      ['Instagram posts — 0.5 h, 1–30 Nov 2026', '25.00', 1],
      ['Other work — 1 h, 1–30 Nov 2026', '50.00', 1],
      ['Reels plan — 0.25 h, 1–30 Nov 2026', '12.50', 1],
    ]);
  });

  it('by day in the client’s zone', () => {
    expect(describeLines('day')).toEqual([
      ['Services on Mon 2 Nov 2026 — 0.5 h', '25.00', 1],
      ['Services on Tue 3 Nov 2026 — 1 h', '50.00', 2],
      ['Services on Wed 4 Nov 2026 — 1 h', '50.00', 1],
    ]);
  });

  it('by description, ignoring case and spacing', () => {
    expect(describeLines('description')).toEqual([
      ['Other work — 1 h, 1–30 Nov 2026', '50.00', 1],
      ['Posts — 0.5 h, 1–30 Nov 2026', '25.00', 1],
      ['Reels plan — 1 h, 1–30 Nov 2026', '50.00', 2],
    ]);
  });

  it('as a single line, split only where rates differ', () => {
    expect(describeLines('single')).toEqual([['Services — 2.5 h, 1–30 Nov 2026', '125.00', 4]]);
    const split = draftOf(
      build({
        billing: billing({
          currency: 'AUD',
          hourlyRate: '50.00',
          grouping: 'single',
          projectRates: { '2': '60.00' },
        }),
        period,
        entries: entries(),
        names,
      }),
    );
    expect(split.lines.map((l) => [l.description, l.lineAmount])).toEqual([
      ['Services (Inbox) — 0.75 h, 1–30 Nov 2026', '45.00'],
      ['Services (standard rate) — 1.75 h, 1–30 Nov 2026', '87.50'],
    ]);
  });

  it('gives the same lines whatever order the entries come in', () => {
    const settings = billing({ currency: 'AUD', hourlyRate: '50.00', grouping: 'description' });
    const list = entries();
    const forward = build({ billing: settings, period, entries: list, names });
    const backward = build({ billing: settings, period, entries: [...list].reverse(), names });
    expect(backward).toEqual(forward);
  });
});
