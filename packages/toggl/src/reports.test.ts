import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TogglClient } from './client.js';
import { type FakeEntry, FakeToggl, seedScenario, type TogglScenario } from './testing/index.js';

const NOV = Date.parse('2026-11-01T00:00:00Z');
const MINUTE = 60_000;
const REPORT_PATH = /\/reports\/api\/v3\/workspace\/\d+\/search\/time_entries$/;

describe('Reports v3 detailed search', () => {
  let fake: FakeToggl;
  let s: TogglScenario;
  let client: TogglClient;

  beforeEach(async () => {
    fake = new FakeToggl();
    await fake.start();
    s = seedScenario(fake);
    client = new TogglClient({ apiToken: fake.apiToken, endpoints: fake.endpoints() });
  });
  afterEach(() => fake.stop());

  function seedMonth(count: number, projectId: number): FakeEntry[] {
    const step = Math.floor((29 * 24 * 60) / count) * MINUTE;
    return fake.seedEntries(
      Array.from({ length: count }, (_, i) => ({
        workspace_id: s.workspace.id,
        project_id: projectId,
        start: NOV + i * step,
        stop: NOV + i * step + 15 * MINUTE,
        description: `entry ${i}`,
      })),
    );
  }

  it('reads a report of 1,050 entries across 21 pages, handing each cursor back', async () => {
    const seeded = seedMonth(1050, s.koalaSite.id);
    seedMonth(30, s.wombatApp.id);

    const result = await client.report({
      workspaceId: String(s.workspace.id),
      startDate: '2026-11-01',
      endDate: '2026-11-30',
      clientIds: [String(s.koala.id)],
    });

    expect(result.entries).toHaveLength(1050);
    expect(new Set(result.entries.map((e) => e.id)).size).toBe(1050);
    expect(result.entries.map((e) => e.id)).toEqual(seeded.map((e) => String(e.id)));
    expect(result.requests).toBe(21);
    const pages = fake.requestsTo('POST', REPORT_PATH);
    expect(pages).toHaveLength(21);
    pages.forEach((page, i) => {
      const body = page.json as Record<string, unknown>;
      expect(body.client_ids).toEqual([s.koala.id]);
      expect(body.page_size).toBe(50);
      if (i === 0) {
        expect(body.first_row_number).toBeUndefined();
      } else {
        expect(body.first_row_number).toBe(1 + 50 * i);
        expect(body.first_id).toBe(seeded[50 * i]?.id);
        expect(body.first_timestamp).toBe(Math.floor((seeded[50 * i]?.start ?? 0) / 1000));
      }
    });
  });

  it('spends fewer requests with a larger page when Toggl allows one', async () => {
    fake.reports.maxPageSize = 200;
    seedMonth(1050, s.koalaAdmin.id);
    const big = new TogglClient({
      apiToken: fake.apiToken,
      endpoints: fake.endpoints(),
      reportPageSize: 200,
    });
    const result = await big.report({
      workspaceId: String(s.workspace.id),
      startDate: '2026-11-01',
      endDate: '2026-11-30',
    });
    expect(result.entries).toHaveLength(1050);
    expect(result.requests).toBe(6);
  });

  it('maps tag ids to names with one extra request when rows carry no names', async () => {
    fake.reports.enrichTagNames = false;
    fake.seedEntries([
      {
        workspace_id: s.workspace.id,
        project_id: s.koalaSite.id,
        start: NOV + MINUTE,
        tags: ['invoiced', 'meeting'],
      },
      { workspace_id: s.workspace.id, project_id: s.koalaSite.id, start: NOV + 90 * MINUTE },
    ]);
    const result = await client.report({
      workspaceId: String(s.workspace.id),
      startDate: '2026-11-01',
      endDate: '2026-11-30',
    });
    expect(result.entries.map((e) => e.tags)).toEqual([['invoiced', 'meeting'], []]);
    expect(result.requests).toBe(2);
    expect(fake.requestsTo('GET', `/api/v9/workspaces/${s.workspace.id}/tags`)).toHaveLength(1);
  });

  it('reads the report again from its first page when an entry added meanwhile made the cursor stale', async () => {
    const seeded = seedMonth(120, s.koalaSite.id);
    let added: FakeEntry | null = null;
    // After the first page is read, an entry lands before the cursor: Toggl refuses the cursor.
    fake.server.on('request', (r: { path: string; json: unknown }) => {
      if (added || !REPORT_PATH.test(r.path)) return;
      added = fake.addEntry({
        workspace_id: s.workspace.id,
        project_id: s.koalaSite.id,
        start: NOV + MINUTE,
        stop: NOV + 16 * MINUTE,
        description: 'late entry',
      });
    });
    const result = await client.report({
      workspaceId: String(s.workspace.id),
      startDate: '2026-11-01',
      endDate: '2026-11-30',
      clientIds: [String(s.koala.id)],
    });
    const statuses = fake.requestsTo('POST', REPORT_PATH).map((r) => r.status);
    expect(statuses).toEqual([200, 400, 200, 200, 200]);
    expect(new Set(result.entries.map((e) => e.id))).toEqual(
      new Set([...seeded, added!].map((e) => String(e.id))),
    );
    expect(result.entries).toHaveLength(121);
  });

  it('gives up after three stale cursors in a row', async () => {
    seedMonth(120, s.koalaSite.id);
    fake.server.on('request', (r: { path: string; body: string }) => {
      if (!REPORT_PATH.test(r.path) || r.body.includes('first_row_number')) return;
      fake.addEntry({
        workspace_id: s.workspace.id,
        project_id: s.koalaSite.id,
        start: NOV + MINUTE,
        stop: NOV + 16 * MINUTE,
        description: 'yet another late entry',
      });
    });
    const err = await client
      .report({
        workspaceId: String(s.workspace.id),
        startDate: '2026-11-01',
        endDate: '2026-11-30',
        clientIds: [String(s.koala.id)],
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, operation: 'searchTimeEntries' });
    expect(fake.requestsTo('POST', REPORT_PATH).map((r) => r.status)).toEqual([
      200, 400, 200, 400, 200, 400, 200, 400,
    ]);
  });

  it('stops on a repeated cursor instead of looping', async () => {
    const row = {
      project_id: null,
      time_entries: [
        { id: 5, seconds: 60, start: '2026-11-02T09:00:00+00:00', stop: '2026-11-02T09:01:00+00:00' },
      ],
    };
    fake.server.faults.next({
      status: 200,
      headers: { 'x-next-row-number': '2', 'x-next-id': '5' },
      json: [row],
      times: 2,
    });
    const err = await client
      .report({ workspaceId: String(s.workspace.id), startDate: '2026-11-01', endDate: '2026-11-30' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'unexpected_response', operation: 'searchTimeEntries' });
    expect(fake.requestsTo('POST', REPORT_PATH)).toHaveLength(2);
  });

  it('refuses a bad date range before spending a request', async () => {
    const err = await client
      .report({ workspaceId: String(s.workspace.id), startDate: '2026-11-30', endDate: '2026-11-01' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'validation', retryable: false });
    expect(fake.requests).toHaveLength(0);
  });
});
