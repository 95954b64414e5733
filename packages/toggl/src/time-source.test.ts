import type { TimeQuery } from '@vahub/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TogglClient } from './client.js';
import { isRunning, timeTotals } from './mappers.js';
import { FakeToggl, seedScenario, type TogglScenario } from './testing/index.js';
import { TogglTimeSource } from './time-source.js';

const NOV = Date.parse('2026-11-01T00:00:00Z');
const DEC = Date.parse('2026-12-01T00:00:00Z');
const HOUR = 3_600_000;
const PATCH_PATH = /^\/api\/v9\/workspaces\/\d+\/time_entries\/[\d,]+$/;

describe('TogglTimeSource', () => {
  let fake: FakeToggl;
  let s: TogglScenario;
  let client: TogglClient;
  let source: TogglTimeSource;
  let month: TimeQuery;

  beforeEach(async () => {
    fake = new FakeToggl();
    await fake.start();
    s = seedScenario(fake);
    client = new TogglClient({ apiToken: fake.apiToken, endpoints: fake.endpoints });
    source = new TogglTimeSource(client);
    month = {
      workspaceId: String(s.workspace.id),
      start: '2026-11-01T00:00:00.000Z',
      end: '2026-12-01T00:00:00.000Z',
      clientId: String(s.koala.id),
    };
  });
  afterEach(() => fake.stop());

  const seedKoala = (n: number) =>
    fake.seedEntries(
      Array.from({ length: n }, (_, i) => ({
        workspace_id: s.workspace.id,
        project_id: i % 2 === 0 ? s.koalaSite.id : s.koalaAdmin.id,
        start: NOV + i * 6 * HOUR,
        stop: NOV + i * 6 * HOUR + HOUR,
      })),
    );

  it("costs one request for a month of a client's time that fits a page, whatever the number of entries", async () => {
    // The bound: ceil(entries / page size) Reports requests and nothing else; 1 up to 50 entries.
    const counts: number[] = [];
    let seeded = 0;
    for (const total of [1, 17, 50]) {
      seedKoala(total - seeded);
      seeded = total;
      const before = fake.requests.length;
      const entries = await source.listTimeEntries(month);
      expect(entries).toHaveLength(total);
      counts.push(fake.requests.length - before);
    }
    expect(counts).toEqual([1, 1, 1]);

    seedKoala(70); // 120 in all: three pages of 50
    const before = fake.requests.length;
    expect(await source.listTimeEntries(month)).toHaveLength(120);
    expect(fake.requests.length - before).toBe(3);
  });

  it("keeps to the client's projects, or to the given projects", async () => {
    fake.seedEntries([
      { workspace_id: s.workspace.id, project_id: s.koalaSite.id, start: NOV + HOUR },
      { workspace_id: s.workspace.id, project_id: s.koalaAdmin.id, start: NOV + 2 * HOUR },
      { workspace_id: s.workspace.id, project_id: s.wombatApp.id, start: NOV + 3 * HOUR },
      { workspace_id: s.workspace.id, project_id: s.internal.id, start: NOV + 4 * HOUR },
      { workspace_id: s.workspace.id, project_id: null, start: NOV + 5 * HOUR },
    ]);
    const byClient = await source.listTimeEntries(month);
    expect(byClient.map((e) => e.projectId)).toEqual([String(s.koalaSite.id), String(s.koalaAdmin.id)]);

    const byProject = await source.listTimeEntries({
      workspaceId: month.workspaceId,
      start: month.start,
      end: month.end,
      projectIds: [String(s.koalaAdmin.id)],
    });
    expect(byProject.map((e) => e.projectId)).toEqual([String(s.koalaAdmin.id)]);
  });

  it.each([600, -480, 0])(
    'cuts at the exact instants whatever the profile zone (offset %i min)',
    async (offset) => {
      fake.reports.profileOffsetMinutes = offset;
      const [before, first, last, after] = fake.seedEntries(
        [NOV - 1000, NOV, DEC - 1000, DEC].map((start) => ({
          workspace_id: s.workspace.id,
          project_id: s.koalaSite.id,
          start,
          stop: start + 500,
        })),
      );
      const ids = (await source.listTimeEntries(month)).map((e) => e.id);
      expect(ids).toEqual([String(first?.id), String(last?.id)]);
      expect(ids).not.toContain(String(before?.id));
      expect(ids).not.toContain(String(after?.id));
    },
  );

  it('returns a running entry recognised as running, and keeps it out of the billable total', async () => {
    const [, , running] = fake.seedEntries([
      { workspace_id: s.workspace.id, project_id: s.koalaSite.id, start: NOV + HOUR, stop: NOV + 2 * HOUR },
      {
        workspace_id: s.workspace.id,
        project_id: s.koalaSite.id,
        start: NOV + 3 * HOUR,
        stop: NOV + 3.5 * HOUR,
      },
      { workspace_id: s.workspace.id, project_id: s.koalaSite.id, start: NOV + 5 * HOUR, stop: null },
    ]);
    const listed = await source.listTimeEntries(month);
    expect(listed).toHaveLength(3);
    const ticking = listed.find((e) => e.id === String(running?.id));
    expect(ticking && isRunning(ticking)).toBe(true);
    expect(ticking?.durationSeconds).toBeLessThan(0);
    expect(ticking?.stop).toBeNull();
    expect(timeTotals(listed)).toEqual({
      billableSeconds: 5400,
      nonBillableSeconds: 0,
      running: 1,
      deleted: 0,
    });

    // The v9 range read recognises it the same way.
    const raw = await client.timeEntries({ start: month.start, end: month.end });
    expect(raw).toHaveLength(3);
    expect(timeTotals(raw)).toEqual({ billableSeconds: 5400, nonBillableSeconds: 0, running: 1, deleted: 0 });
  });

  it('tags 250 entries in 3 requests of at most 100 ids, and untags them', async () => {
    const entries = seedKoala(250);
    fake.updateEntry(entries[0]?.id ?? 0, { tags: ['meeting'] });
    const ids = entries.map((e) => String(e.id));

    await source.tagEntries(month.workspaceId, ids, 'invoiced');
    const patches = fake.requestsTo('PATCH', PATCH_PATH);
    expect(patches).toHaveLength(3);
    expect(patches.map((p) => p.path.split('/').pop()?.split(',').length)).toEqual([100, 100, 50]);
    expect(patches[0]?.json).toEqual([{ op: 'add', path: '/tags', value: ['invoiced'] }]);
    const stored = entries.map((e) => fake.store.entries.get(e.id));
    expect(stored.every((e) => e?.tags.includes('invoiced'))).toBe(true);
    expect(stored[0]?.tags).toEqual(['meeting', 'invoiced']);

    await source.untagEntries(month.workspaceId, ids, 'invoiced');
    expect(fake.requestsTo('PATCH', PATCH_PATH)).toHaveLength(6);
    expect(fake.requestsTo('PATCH', PATCH_PATH)[5]?.json).toEqual([
      { op: 'remove', path: '/tags', value: ['invoiced'] },
    ]);
    expect(entries.some((e) => fake.store.entries.get(e.id)?.tags.includes('invoiced'))).toBe(false);
    expect(fake.store.entries.get(entries[0]?.id ?? 0)?.tags).toEqual(['meeting']);
  });

  it('tags the rest and says which entries failed when some are gone', async () => {
    const [a, b, c] = seedKoala(3);
    fake.deleteEntry(b?.id ?? 0);
    const err = await source
      .tagEntries(
        month.workspaceId,
        [a, b, c].map((e) => String(e?.id)),
        'invoiced',
      )
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ConnectorError', operation: 'tagEntries', code: 'failed' });
    expect((err as { details: string[] }).details).toEqual([`${b?.id}: Time entry not found`]);
    expect(fake.store.entries.get(a?.id ?? 0)?.tags).toEqual(['invoiced']);
    expect(fake.store.entries.get(c?.id ?? 0)?.tags).toEqual(['invoiced']);
  });

  it('refuses ids that are not Toggl ids and sends nothing for an empty list', async () => {
    await source.tagEntries(month.workspaceId, [], 'invoiced');
    const err = await source
      .tagEntries(month.workspaceId, ['12', '1,2'], 'invoiced')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'validation' });
    expect(fake.requests).toHaveLength(0);
  });
});
