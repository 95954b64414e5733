// The weekly client reports on the demo's world: the demo's seeds in the fakes, the real connectors
// and flows. Every figure is checked against one computed here from what the fakes hold, with plain
// arithmetic, not with the engine that made the report.

import { type ClientConfig, MemoryLock, type MemoryTokenStore, Temporal } from '@vahub/core';
import { RedisReportStore } from '@vahub/jobs';
import type { Config } from '@vahub/registry';
import { testRedisUrl, uniquePrefix } from '@vahub/testkit';
import { type WeeklyReportResult, weeklyReport, weeklyReportJob } from '@vahub/worker';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoPorts } from './connect.js';
import type { DemoFakes } from './fakes.js';
import { KOALA_PROJECT, type ReportWorld, startReportWorld } from './report-world.js';
import { DEMO_NOW } from './run-demo.js';

/** Each client's Toggl projects, as the example config maps them (client 9001, projects, client 9100). */
const TOGGL_PROJECTS: Record<string, number[]> = {
  'koala-co': [190001, 190002],
  'thames-studio': [190101, 190102],
  'hudson-legal': [190201, 190202],
};
const ASANA_PROJECTS: Record<string, string[]> = {
  'koala-co': ['1207000000000001'],
  'thames-studio': ['1207000000000002', '1207000000000003'],
  'hudson-legal': ['1207000000000004'],
};

let world: ReportWorld;
let fakes: DemoFakes;
let config: Config;
let ports: DemoPorts;
let store: MemoryTokenStore;
let env: Record<string, string>;
const reports = new Map<string, WeeklyReportResult>();

const at = (local: string, zone: string) =>
  Temporal.PlainDateTime.from(local).toZonedDateTime(zone).epochMilliseconds;

beforeAll(async () => {
  world = await startReportWorld();
  ({ fakes, config, ports, store, env } = world);
  for (const client of config.clients) {
    for (const week of ['2026-W44', '2026-W48']) {
      const result = await weeklyReport({
        client,
        week,
        now: DEMO_NOW,
        tasks: ports.tasks,
        time: ports.time,
        calendar: ports.calendar,
        ...(ports.reports ? { reports: ports.reports } : {}),
        publish: false,
      });
      reports.set(`${client.id} ${week}`, result);
    }
  }
}, 60_000);

afterAll(async () => {
  await world?.stop();
});

const reportOf = (clientId: string, week: string) => {
  const found = reports.get(`${clientId} ${week}`);
  if (!found) throw new Error(`no report ${clientId} ${week}`);
  return found.stored.report;
};
const clientOf = (id: string): ClientConfig => config.clients.find((c) => c.id === id) as ClientConfig;

/** The ISO week's instants in a zone, from the calendar alone. */
function weekBounds(week: string, zone: string): { start: number; end: number } {
  const jan4 = Temporal.PlainDate.from(`${week.slice(0, 4)}-01-04`);
  const monday = jan4.subtract({ days: jan4.dayOfWeek - 1 }).add({ weeks: Number(week.slice(6)) - 1 });
  const start = monday.toZonedDateTime({ timeZone: zone }).epochMilliseconds;
  return { start, end: monday.add({ days: 7 }).toZonedDateTime({ timeZone: zone }).epochMilliseconds };
}

/** Stopped, billable, live entries of the client's projects that started in [start, end). */
function entriesOf(clientId: string, start: number, end: number) {
  const projects = new Set(TOGGL_PROJECTS[clientId]);
  return [...fakes.toggl.store.entries.values()].filter(
    (e) =>
      e.project_id !== null &&
      projects.has(e.project_id) &&
      e.deletedAt === null &&
      e.stop !== null &&
      e.billable &&
      e.start >= start &&
      e.start < end,
  );
}

/** Ten-thousandths of an hour, as each client's example config rounds: worked out by hand here. */
function rowUnits(clientId: string, secondsEach: number[]): number {
  if (clientId === 'koala-co') return secondsEach.reduce((n, s) => n + Math.ceil(s / 900) * 900, 0) / 0.36;
  if (clientId === 'thames-studio') {
    const total = secondsEach.reduce((n, s) => n + s, 0);
    return (Math.floor((total + 180) / 360) * 360) / 0.36; // the row's total to the nearest 6 min, half up
  }
  return Math.ceil(secondsEach.reduce((n, s) => n + s, 0) / 0.36); // exact time, up to 1/10,000 h
}

const hours = (units: number) => String(Math.round(units) / 10_000);

/** Hours per project of the week, rows being a Toggl task or an entry description. */
function expectedHours(clientId: string, week: string): Record<string, string> {
  const { start, end } = weekBounds(week, clientOf(clientId).timezone);
  const rows = new Map<string, { project: number; seconds: number[] }>();
  for (const e of entriesOf(clientId, start, end)) {
    const key = `${e.project_id} ${e.task_id ?? e.description.trim().toLowerCase()}`;
    const row = rows.get(key) ?? { project: e.project_id as number, seconds: [] };
    row.seconds.push(Math.round((e.stop as number) - e.start) / 1000);
    rows.set(key, row);
  }
  const byProject: Record<string, number> = {};
  for (const row of rows.values()) {
    const name = fakes.toggl.store.projects.get(row.project)?.name ?? '';
    byProject[name] = (byProject[name] ?? 0) + Math.round(rowUnits(clientId, row.seconds));
  }
  return Object.fromEntries(Object.entries(byProject).map(([name, units]) => [name, hours(units)]));
}

describe('weekly reports of the demo’s three clients', () => {
  it.each([
    ['koala-co', '2026-W44'],
    ['koala-co', '2026-W48'],
    ['thames-studio', '2026-W44'],
    ['thames-studio', '2026-W48'],
    ['hudson-legal', '2026-W44'],
    ['hudson-legal', '2026-W48'],
  ])(
    '%s, %s: hours per project as the fakes’ entries add up, rounded as the client is billed',
    (id, week) => {
      const report = reportOf(id, week);
      const expected = expectedHours(id, week);
      const got = Object.fromEntries(report.hours.projects.map((p) => [p.name, p.hours]));
      expect(got).toEqual(expected);
      const total = Object.values(expected).reduce((n, h) => n + Math.round(Number(h) * 10_000), 0);
      expect(report.hours.totalHours).toBe(hours(total));
    },
  );

  it('has real hours to check: each client worked in one of the two weeks', () => {
    for (const id of Object.keys(TOGGL_PROJECTS)) {
      const worked = ['2026-W44', '2026-W48'].map((w) => Number(reportOf(id, w).hours.totalHours));
      expect(Math.max(...worked), id).toBeGreaterThan(0);
    }
    // Thames's week 48 was invoiced by the demo's run: invoiced time still counts as the week's work.
    const tagged = [...fakes.toggl.store.entries.values()].filter((e) => e.tags.includes('invoiced'));
    expect(tagged.some((e) => e.project_id === 190101)).toBe(true);
    // Its Sunday-night timer is still running: not counted, but said.
    expect(reportOf('thames-studio', '2026-W48').hours.runningEntries).toBe(1);
  });

  it.each(['koala-co', 'thames-studio', 'hudson-legal'])(
    '%s: the tasks completed in week 48, as the fake Asana has them',
    (id) => {
      const { start, end } = weekBounds('2026-W48', clientOf(id).timezone);
      const projects = new Set(ASANA_PROJECTS[id]);
      const expected = [...fakes.asana.state.tasks.values()]
        .filter((t) => t.completed && t.projectGids.some((p) => projects.has(p)))
        .filter((t) => Date.parse(t.completedAt ?? '') >= start && Date.parse(t.completedAt ?? '') < end)
        .map((t) => t.name)
        .sort();
      expect(
        reportOf(id, '2026-W48')
          .completed.map((t) => t.name)
          .sort(),
      ).toEqual(expected);
      const { completed } = reportOf(id, '2026-W48');
      if (id !== 'hudson-legal') expect(completed.length, id).toBeGreaterThan(0);
    },
  );

  it('retainer use of Koala’s current month: every November hour, 15-minute rounded, of 20 h', () => {
    const { retainer } = reportOf('koala-co', '2026-W48').billing;
    const zone = 'Australia/Sydney';
    const nov = entriesOf('koala-co', at('2026-11-01T00:00', zone), at('2026-12-01T00:00', zone));
    const used = nov.reduce((n, e) => n + Math.ceil((e.stop! - e.start) / 900_000) * 900, 0) / 3600;
    expect(nov.length).toBe(2);
    expect(retainer).toMatchObject({
      includedHours: '20',
      usedHours: String(used),
      leftHours: String(20 - used),
      usedPercent: Math.round((used / 20) * 100),
    });
  });

  it('unbilled amounts of each current period, priced by hand from the config’s rates', () => {
    // Koala: November's fee is not drafted yet, and its hours fit the retainer.
    expect(reportOf('koala-co', '2026-W48').billing.unbilled).toMatchObject({ amount: '1000.00' });
    // Thames: this week's 1.5 h at 38.50 GBP (week 48 is invoiced already).
    expect(reportOf('thames-studio', '2026-W48').billing.unbilled).toMatchObject({
      hours: '1.5',
      amount: '57.75',
    });
    // Hudson: 1 h 20 min 30 s of exact time = 1.3417 h (4 decimals, up) × 62.00 = 83.1854 → 83.19.
    const units = Math.ceil(4830 / 0.36);
    const cents = Math.round((units * 6200) / 10_000);
    expect(reportOf('hudson-legal', '2026-W48').billing.unbilled).toMatchObject({
      hours: hours(units),
      amount: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
    });
  });

  it('lists open tasks with their next blocks from the calendar, and deadlines in the client’s time', () => {
    const koala = reportOf('koala-co', '2026-W48');
    const social = koala.inProgress.find((t) => t.name === 'Schedule December social posts');
    expect(social?.nextBlocks.length).toBeGreaterThan(0);
    const blocks = fakes.google
      .events('primary')
      .filter((e) => e.json.summary === '[Koala Co Pty Ltd] Schedule December social posts');
    expect(social?.nextBlocks[0]?.start).toBe(
      new Date(Math.min(...blocks.map((b) => b.startMs))).toISOString().replace('.000Z', 'Z'),
    );
    const hudson = reportOf('hudson-legal', '2026-W48');
    // The checklist was due on 27 Nov in New York: overdue, and so the report is at risk.
    expect(hudson.deadlines.map((d) => [d.name, d.due.local, d.overdue])).toEqual([
      ['Year-end compliance checklist', 'Fri 27 Nov', true],
      ['Prepare the engagement letters', 'Fri 4 Dec', false],
    ]);
    expect(hudson.status.kind).toBe('at-risk');
    // Koala's "due 1 Dec" is a Sydney date: it ends at midnight there, 13:00 UTC on 1 Dec.
    const dec1 = koala.deadlines.find((d) => d.name === 'Schedule December social posts');
    expect(dec1?.due).toMatchObject({ kind: 'date', local: 'Tue 1 Dec', endsAt: '2026-12-01T13:00:00Z' });
  });
});

describe('the weekly report job', () => {
  let redis: Redis;
  let archive: RedisReportStore;
  const prefix = `{${uniquePrefix('weekly-report-job')}}`;
  const results: unknown[] = [];

  beforeAll(async () => {
    redis = new Redis(testRedisUrl());
    archive = new RedisReportStore({ redis, prefix });
    const handler = weeklyReportJob({
      config,
      ports: {
        tasks: ports.tasks,
        time: ports.time,
        calendar: ports.calendar,
        ...(ports.reports ? { reports: ports.reports } : {}),
      },
      archive,
      lock: new MemoryLock(),
      now: () => Date.parse(DEMO_NOW),
    });
    const context = (scheduledFor: string) => ({
      scheduledFor: Date.parse(scheduledFor),
      signal: new AbortController().signal,
      logger: {
        debug() {},
        info() {},
        warn() {},
        error() {},
        child() {
          return this;
        },
      },
    });
    // The schedule fires on Monday morning; the job is run again (a retry, a manual run), also for
    // one client, and once more the next Thursday, when the report rule moves to week 49.
    results.push(await handler({ week: null, clientId: null }, context(DEMO_NOW)));
    results.push(await handler({ week: null, clientId: null }, context(DEMO_NOW)));
    results.push(await handler({ week: '2026-W48', clientId: 'koala-co' }, context(DEMO_NOW)));
    results.push(await handler({ week: null, clientId: 'koala-co' }, context('2026-12-03T09:00:00Z')));
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('posts each client’s week once to Asana as the config says, however often the job runs', () => {
    const updates = fakes.asana.statusUpdatesOf(KOALA_PROJECT);
    expect(updates.map((u) => u.title)).toEqual([
      'Weekly report 2026-W48 · Koala Co Pty Ltd',
      'Weekly report 2026-W49 · Koala Co Pty Ltd',
    ]);
    // Nobody else asked for posting: their reports wait for the VA.
    expect(fakes.asana.state.statusUpdates.size).toBe(2);
    expect(results[0]).toEqual({
      reports: [
        { clientId: 'koala-co', week: '2026-W48', totalHours: '0.75', status: 'on-track', outcome: 'posted' },
        expect.objectContaining({ clientId: 'thames-studio', week: '2026-W48', outcome: 'stored' }),
        expect.objectContaining({ clientId: 'hudson-legal', week: '2026-W48', outcome: 'stored' }),
      ],
    });
    expect((results[1] as { reports: { outcome: string }[] }).reports[0]?.outcome).toBe('existing');
    expect((results[2] as { reports: { outcome: string }[] }).reports).toEqual([
      expect.objectContaining({ clientId: 'koala-co', outcome: 'existing' }),
    ]);
    expect((results[3] as { reports: { week: string; outcome: string }[] }).reports).toEqual([
      expect.objectContaining({ clientId: 'koala-co', week: '2026-W49', outcome: 'posted' }),
    ]);
  });

  it('keeps every report in Redis for the dashboard, with where it was posted', async () => {
    const koala = await archive.get('koala-co', '2026-W48');
    const [posted] = fakes.asana.statusUpdatesOf(KOALA_PROJECT);
    expect(koala?.published).toMatchObject({
      id: posted?.gid,
      destination: `status updates of Asana project ${KOALA_PROJECT}`,
    });
    expect(posted?.text).toBe(koala?.text);
    expect(koala?.html).toContain('<h1>Weekly report 2026-W48 · Koala Co Pty Ltd</h1>');
    const hudson = await archive.get('hudson-legal', '2026-W48');
    expect(hudson?.published).toBeNull();
    expect(hudson?.report.hours.totalHours).toBe(reportOf('hudson-legal', '2026-W48').hours.totalHours);
    expect((await archive.list('koala-co')).map((s) => s.week)).toEqual(['2026-W49', '2026-W48']);
  });

  it('shows no secret in any report, rendering, post or stored record', async () => {
    const secrets = Object.entries(env)
      .filter(([name]) => /TOKEN|SECRET|KEY|PASSWORD/i.test(name))
      .map(([, value]) => value);
    for (const key of ['google', 'xero']) {
      const grant = await store.get(key);
      if (grant?.accessToken) secrets.push(grant.accessToken);
      if (grant?.refreshToken) secrets.push(grant.refreshToken);
    }
    secrets.push(fakes.toggl.apiToken);
    expect(secrets.length).toBeGreaterThan(4);
    const outputs = [
      ...[...reports.values()].map((r) => JSON.stringify(r)),
      ...[...fakes.asana.state.statusUpdates.values()].map((u) => JSON.stringify(u)),
      ...(await Promise.all(
        config.clients.map(async (c) => JSON.stringify(await archive.get(c.id, '2026-W48'))),
      )),
      JSON.stringify(results),
    ];
    for (const output of outputs) for (const secret of secrets) expect(output).not.toContain(secret);
  });
});
