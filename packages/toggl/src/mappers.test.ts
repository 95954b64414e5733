import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isRunning, mapProject, mapReportRow, mapTimeEntry, timeTotals } from './mappers.js';
import { reportRowSchema, timeEntrySchema } from './schemas.js';

describe('mapTimeEntry', () => {
  it('accepts the legacy aliases wid, pid, tid, uid', () => {
    const raw = timeEntrySchema.parse({
      id: 9,
      wid: 42,
      pid: 77,
      tid: 5,
      uid: 6,
      start: '2026-11-02T09:00:00+00:00',
      stop: '2026-11-02T09:30:00+00:00',
      duration: 1800,
    });
    expect(mapTimeEntry(raw)).toEqual({
      id: '9',
      workspaceId: '42',
      projectId: '77',
      taskId: '5',
      description: '',
      start: '2026-11-02T09:00:00.000Z',
      stop: '2026-11-02T09:30:00.000Z',
      durationSeconds: 1800,
      billable: false,
      tags: [],
    });
  });

  it('prefers the v9 names when both are present, and keeps extra fields harmlessly', () => {
    const raw = timeEntrySchema.parse({
      id: 1,
      workspace_id: 42,
      wid: 41,
      project_id: null,
      pid: null,
      start: '2026-11-02T19:00:00+10:00',
      stop: null,
      duration: -1793000000,
      something_new: { nested: true },
    });
    const entry = mapTimeEntry(raw);
    expect(entry.workspaceId).toBe('42');
    expect(entry.start).toBe('2026-11-02T09:00:00.000Z');
    expect(isRunning(entry)).toBe(true);
  });

  it('flags an entry deleted at the source', () => {
    const raw = timeEntrySchema.parse({
      id: 1,
      workspace_id: 42,
      start: '2026-11-02T09:00:00Z',
      stop: '2026-11-02T10:00:00Z',
      duration: 3600,
      server_deleted_at: '2026-11-03T00:00:00Z',
    });
    expect(mapTimeEntry(raw).deleted).toBe(true);
  });

  it('maps any well-formed entry: string ids, UTC instants, running iff negative duration', () => {
    const arb = fc.record({
      id: fc.integer({ min: 1, max: 2 ** 52 }),
      workspace_id: fc.integer({ min: 1, max: 2 ** 40 }),
      project_id: fc.option(fc.integer({ min: 1, max: 2 ** 40 }), { nil: null }),
      // Toggl writes whole seconds.
      start: fc
        .integer({ min: Date.UTC(2000, 0, 1) / 1000, max: Date.UTC(2100, 0, 1) / 1000 })
        .map((s) => s * 1000),
      duration: fc.integer({ min: -(2 ** 31), max: 10 * 86_400 }),
      offset: fc.integer({ min: -14, max: 14 }),
      tags: fc.array(fc.string({ maxLength: 12 }), { maxLength: 4 }),
    });
    fc.assert(
      fc.property(arb, (g) => {
        const iso = (ms: number) => {
          const local = new Date(ms + g.offset * 3_600_000).toISOString().slice(0, 19);
          const hh = String(Math.abs(g.offset)).padStart(2, '0');
          return `${local}${g.offset < 0 ? '-' : '+'}${hh}:00`;
        };
        const running = g.duration < 0;
        const entry = mapTimeEntry(
          timeEntrySchema.parse({
            id: g.id,
            workspace_id: g.workspace_id,
            project_id: g.project_id,
            start: iso(g.start),
            stop: running ? null : iso(g.start + g.duration * 1000),
            duration: g.duration,
            tags: g.tags,
          }),
        );
        expect(entry.id).toBe(String(g.id));
        expect(entry.projectId).toBe(g.project_id === null ? null : String(g.project_id));
        expect(Date.parse(entry.start)).toBe(g.start);
        expect(entry.start.endsWith('Z')).toBe(true);
        expect(isRunning(entry)).toBe(running);
        if (!running) expect(Date.parse(entry.stop ?? '')).toBe(g.start + g.duration * 1000);
        expect(entry.tags).toEqual(g.tags);
      }),
      { numRuns: 300 },
    );
  });
});

describe('mapReportRow', () => {
  it('gives every entry of a grouped row the row attributes', () => {
    const row = reportRowSchema.parse({
      user_id: 6,
      project_id: 77,
      task_id: null,
      billable: true,
      description: 'standup',
      tag_ids: [3],
      tag_names: ['meeting'],
      row_number: 1,
      time_entries: [
        { id: 10, seconds: 900, start: '2026-11-02T10:00:00+01:00', stop: '2026-11-02T10:15:00+01:00' },
        { id: 11, seconds: 600, start: '2026-11-03T10:00:00+01:00', stop: '2026-11-03T10:10:00+01:00' },
      ],
    });
    const entries = mapReportRow(row, '42', null);
    expect(entries.map((e) => [e.id, e.start, e.durationSeconds, e.description, e.tags, e.billable])).toEqual(
      [
        ['10', '2026-11-02T09:00:00.000Z', 900, 'standup', ['meeting'], true],
        ['11', '2026-11-03T09:00:00.000Z', 600, 'standup', ['meeting'], true],
      ],
    );
  });

  it('resolves tag ids through a lookup when the row has no names, and marks a stop-less entry running', () => {
    const row = reportRowSchema.parse({
      project_id: null,
      tag_ids: [3, 4],
      time_entries: [{ id: 12, seconds: 0, start: '2026-11-02T10:00:00Z', stop: null }],
    });
    const [entry] = mapReportRow(row, '42', new Map([[3, 'invoiced']]));
    expect(entry?.tags).toEqual(['invoiced']);
    expect(entry && isRunning(entry)).toBe(true);
    expect(entry?.durationSeconds).toBeLessThan(0);
  });
});

describe('mapProject and timeTotals', () => {
  it('reads the legacy cid alias for the client', () => {
    expect(mapProject({ id: 1, name: 'p', cid: 9 }).clientId).toBe('9');
  });

  it('counts deleted and running entries apart from the totals', () => {
    const base = { workspaceId: '1', projectId: null, taskId: null, description: '', tags: [] };
    const totals = timeTotals([
      { ...base, id: '1', start: 'a', stop: 'b', durationSeconds: 60, billable: true },
      { ...base, id: '2', start: 'a', stop: 'b', durationSeconds: 30, billable: false },
      { ...base, id: '3', start: 'a', stop: null, durationSeconds: -5, billable: true },
      { ...base, id: '4', start: 'a', stop: 'b', durationSeconds: 99, billable: true, deleted: true },
    ]);
    expect(totals).toEqual({ billableSeconds: 60, nonBillableSeconds: 30, running: 1, deleted: 1 });
  });
});
