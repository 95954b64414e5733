import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeToggl } from './fake-toggl.js';
import { seedScenario, type TogglScenario } from './scenario.js';

const NOV = Date.parse('2026-11-02T09:00:00Z');

/** The fake's own contract, over raw HTTP: what Toggl's documentation says the real API does. */
describe('FakeToggl', () => {
  let fake: FakeToggl;
  let s: TogglScenario;
  let auth: string;

  beforeEach(async () => {
    fake = new FakeToggl({ now: () => NOV + 86_400_000 });
    await fake.start();
    s = seedScenario(fake);
    auth = `Basic ${Buffer.from(`${fake.apiToken}:api_token`).toString('base64')}`;
  });
  afterEach(() => fake.stop());

  const call = (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = { authorization: auth },
  ) =>
    fetch(fake.url + path, {
      method,
      headers: { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('wants Basic auth with the token and the literal password api_token', async () => {
    expect((await call('GET', '/api/v9/me', undefined, {})).status).toBe(401);
    const asPassword = `Basic ${Buffer.from(`api_token:${fake.apiToken}`).toString('base64')}`;
    expect((await call('GET', '/api/v9/me', undefined, { authorization: asPassword })).status).toBe(401);
    expect((await call('GET', '/api/v9/me')).status).toBe(200);
  });

  it('refuses a bulk PATCH of more than 100 ids and unsupported operations', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => i + 1).join(',');
    const tooMany = await call('PATCH', `/api/v9/workspaces/${s.workspace.id}/time_entries/${ids}`, [
      { op: 'add', path: '/tags', value: ['x'] },
    ]);
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toBe('PATCH request is limited to 100 entries at once');
    const [entry] = fake.seedEntries([{ workspace_id: s.workspace.id, start: NOV }]);
    const unsupported = await call(
      'PATCH',
      `/api/v9/workspaces/${s.workspace.id}/time_entries/${entry?.id}`,
      [{ op: 'add', path: '/duration', value: 1 }],
    );
    expect(unsupported.status).toBe(400);
  });

  it('refuses a since older than three months', async () => {
    const old = Math.floor((NOV - 100 * 86_400_000) / 1000);
    expect((await call('GET', `/api/v9/me/time_entries?since=${old}`)).status).toBe(400);
  });

  it('groups report rows when asked, and checks the cursor it is handed back', async () => {
    fake.seedEntries(
      [0, 1, 2].map((i) => ({
        workspace_id: s.workspace.id,
        project_id: s.koalaSite.id,
        start: NOV + i * 3_600_000,
        description: 'same',
      })),
    );
    const path = `/reports/api/v3/workspace/${s.workspace.id}/search/time_entries`;
    const grouped = await call('POST', path, {
      start_date: '2026-11-01',
      end_date: '2026-11-30',
      grouped: true,
    });
    const rows = (await grouped.json()) as { time_entries: unknown[] }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]?.time_entries).toHaveLength(3);

    const first = await call('POST', path, {
      start_date: '2026-11-01',
      end_date: '2026-11-30',
      page_size: 1,
    });
    expect(first.headers.get('x-next-row-number')).toBe('2');
    const mismatched = await call('POST', path, {
      start_date: '2026-11-01',
      end_date: '2026-11-30',
      page_size: 1,
      first_row_number: 2,
      first_id: 1,
    });
    expect(mismatched.status).toBe(400);
  });

  it('counts the hourly quota per token and sends the quota headers', async () => {
    fake.limits.quotaPerHour = 2;
    const a = await call('GET', '/api/v9/me');
    expect(a.headers.get('x-toggl-quota-remaining')).toBe('1');
    await call('GET', '/api/v9/me');
    const refused = await call('GET', '/api/v9/me');
    expect(refused.status).toBe(402);
    expect(refused.headers.get('x-toggl-quota-resets-in')).toBe('3600');
  });
});
