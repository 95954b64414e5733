// The worker's flows against the real connectors and SDKs, each pointed at its vendor's fake on
// 127.0.0.1. Nothing of ours is mocked: what is asserted is what the fakes end up holding.
import { AsanaClient, AsanaTaskSource } from '@vahub/asana';
import { FakeAsana } from '@vahub/asana/testing';
import {
  dec,
  MemoryLock,
  MemoryTokenStore,
  parseConfig,
  periodContaining,
  Temporal,
  type VahubConfig,
} from '@vahub/core';
import { createGoogleCalendar, type GoogleCalendar } from '@vahub/google-calendar';
import { FakeGoogle, type StoredEvent } from '@vahub/google-calendar/testing';
import { TogglClient, TogglTimeSource } from '@vahub/toggl';
import { FakeToggl } from '@vahub/toggl/testing';
import { draftInvoices, InvoiceTaggingIncompleteError, scheduleTasks } from '@vahub/worker';
import { XeroConnector } from '@vahub/xero';
import { FakeXero } from '@vahub/xero/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const TENANT = 'c2cc9b6e-9458-4c7d-93cc-f02b81b0594f';
const KOALA_CONTACT = '717f2bfc-c6d4-41fd-b238-3f2f0c0cf777';
const THAMES_CONTACT = '2f3b0f55-6b6d-4a4b-9f4e-1f2a3b4c5d6e';
const KOALA_PROJECT = '1207000000000001';
const THAMES_PROJECT = '1207000000000002';
/** Monday 7 December 2026, 09:00 in Budapest. */
const NOW = '2026-12-07T08:00:00Z';
const BUFFER_MS = 10 * 60_000;

const CONFIG = `
va: { timezone: Europe/Budapest, workingHours: { mon-fri: "09:00-17:00" } }
calendar: { bufferMinutes: 10, minBlockMinutes: 30, maxBlockMinutes: 120, horizonDays: 7, earliestStartMinutes: 15 }
clients:
  - id: koala-co
    name: Koala Co
    timezone: Australia/Sydney
    asana: { projects: ["${KOALA_PROJECT}"] }
    toggl: { workspaceId: 4242, clientId: 9001 }
    billing: { currency: AUD, hourlyRate: "50.00", rounding: { minutes: 15, mode: up }, retainer: { hours: 2, amount: "100.00" } }
    xero: { tenantId: ${TENANT}, contactId: ${KOALA_CONTACT}, accountCode: "200", taxType: OUTPUT }
  - id: thames-studio
    name: Thames Studio
    timezone: Europe/London
    asana: { projects: ["${THAMES_PROJECT}"] }
    toggl: { workspaceId: 4242, projectIds: [190101] }
    billing: { currency: AUD, hourlyRate: "40.00" }
    xero: { tenantId: ${TENANT}, contactId: ${THAMES_CONTACT}, accountCode: "200", taxType: NONE }
auth:
  asana: { token: "\${ASANA_TOKEN}" }
  toggl: { apiToken: "\${TOGGL_API_TOKEN}" }
  google: { clientId: "\${GOOGLE_CLIENT_ID}", clientSecret: "\${GOOGLE_CLIENT_SECRET}" }
  xero: { clientId: "\${XERO_CLIENT_ID}", clientSecret: "\${XERO_CLIENT_SECRET}" }
`;

interface World {
  asana: FakeAsana;
  google: FakeGoogle;
  toggl: FakeToggl;
  xero: FakeXero;
  config: VahubConfig;
  tasks: AsanaTaskSource;
  calendar: GoogleCalendar;
  time: TogglTimeSource;
  invoices: XeroConnector;
  vaGid: string;
  estimateGid: string;
}

async function startWorld(): Promise<World> {
  const asana = new FakeAsana();
  const google = new FakeGoogle();
  const toggl = new FakeToggl();
  const xero = new FakeXero({ tenants: [{ tenantId: TENANT, taxRates: { OUTPUT: '10', NONE: '0' } }] });
  await Promise.all([asana.start(), google.start(), toggl.start(), xero.start()]);
  const token = 'va-personal-access-token';
  const va = asana.addUser({ name: 'Vera VA', token });
  asana.addUser({ name: 'Someone Else', token: 'other-token' });
  asana.addProject({ gid: KOALA_PROJECT, name: 'Koala' });
  asana.addProject({ gid: THAMES_PROJECT, name: 'Thames' });
  const estimate = asana.addCustomField({ name: 'Estimated time' });
  const g = google.endpoints();
  const x = xero.endpoints;
  const config = parseConfig(CONFIG, {
    env: {
      ASANA_TOKEN: token,
      TOGGL_API_TOKEN: toggl.apiToken,
      GOOGLE_CLIENT_ID: google.clientId,
      GOOGLE_CLIENT_SECRET: google.clientSecret,
      XERO_CLIENT_ID: xero.clientId,
      XERO_CLIENT_SECRET: xero.clientSecret,
      VAHUB_ENDPOINT_ASANA_API: asana.apiUrl,
      VAHUB_ENDPOINT_TOGGL_API: toggl.endpoints.api,
      VAHUB_ENDPOINT_TOGGL_REPORTS: toggl.endpoints.reports,
      VAHUB_ENDPOINT_GOOGLE_API: g.api,
      VAHUB_ENDPOINT_GOOGLE_TOKEN: g.token,
      VAHUB_ENDPOINT_XERO_API: x.api,
      VAHUB_ENDPOINT_XERO_TOKEN: x.token,
      VAHUB_ENDPOINT_XERO_CONNECTIONS: x.connections,
    },
  });
  // Grants as if the VA had connected (the connect flows themselves run in the demo test).
  const store = new MemoryTokenStore();
  const lock = new MemoryLock();
  await store.set('google', google.issueGrant());
  const granted = xero.grant();
  await store.set('xero', {
    accessToken: granted.access_token,
    refreshToken: granted.refresh_token ?? null,
    expiresAt: Date.now() + granted.expires_in * 1000,
  });
  for (const [contactId, name] of [
    [KOALA_CONTACT, 'Koala Co'],
    [THAMES_CONTACT, 'Thames Studio'],
  ] as const) {
    const tenant = xero.tenants.get(TENANT)!;
    const contact = xero.addContact({ name });
    tenant.contacts.delete(contact.ContactID);
    tenant.contacts.set(contactId, { ...contact, ContactID: contactId });
  }
  toggl.addWorkspace({ id: 4242 });
  toggl.addClient(4242, { id: 9001, name: 'Koala Co' });
  toggl.addProject(4242, { id: 190001, client_id: 9001, name: 'Social media' });
  toggl.addProject(4242, { id: 190101, name: 'Portfolio' });
  toggl.addProject(4242, { id: 190199, name: 'Someone else’s project' });
  const togglClient = TogglClient.fromConfig(config);
  return {
    asana,
    google,
    toggl,
    xero,
    config,
    tasks: new AsanaTaskSource({
      client: new AsanaClient({ token, baseUrl: config.endpoints.asana.api }),
      clients: config.clients,
    }),
    calendar: createGoogleCalendar({ config, store, lock }).calendar,
    time: new TogglTimeSource(togglClient),
    invoices: XeroConnector.fromConfig(config, { tokenStore: store, lock }),
    vaGid: va.gid,
    estimateGid: estimate.gid,
  };
}

const budapest = (local: string) =>
  Temporal.PlainDateTime.from(local).toZonedDateTime('Europe/Budapest').epochMilliseconds;
const blocksIn = (google: FakeGoogle): StoredEvent[] =>
  google
    .events('primary')
    .filter((e) => e.json.status !== 'cancelled')
    .filter(
      (e) =>
        (e.json.extendedProperties as { private?: Record<string, string> } | undefined)?.private
          ?.vahubBlock === '1',
    );
const calendarWrites = (google: FakeGoogle) =>
  google.apiRequests().filter((r) => r.method !== 'GET' && r.path.includes('/events')).length;

let w: World;
beforeEach(async () => {
  w = await startWorld();
});
afterEach(async () => {
  await Promise.all([w.asana.stop(), w.google.stop(), w.toggl.stop(), w.xero.stop()]);
});

describe('scheduleTasks', () => {
  const schedule = () => scheduleTasks({ config: w.config, tasks: w.tasks, calendar: w.calendar, now: NOW });

  function seedWeek() {
    const task = (
      project: string,
      name: string,
      extra: { dueOn?: string; estimate?: number; assignee?: string; completed?: boolean },
    ) =>
      w.asana.createTask({
        name,
        projects: [project],
        assignee: extra.assignee ?? w.vaGid,
        completed: extra.completed ?? false,
        dueOn: extra.dueOn ?? null,
        customFields: extra.estimate === undefined ? {} : { [w.estimateGid]: extra.estimate },
      });
    const meeting = w.google.seedEvent('primary', {
      summary: 'Client call',
      start: { dateTime: '2026-12-07T10:00:00', timeZone: 'Europe/Budapest' },
      end: { dateTime: '2026-12-07T11:30:00', timeZone: 'Europe/Budapest' },
    });
    return {
      meeting,
      koala: task(KOALA_PROJECT, 'Schedule posts', { dueOn: '2026-12-08', estimate: 90 }),
      thames: task(THAMES_PROJECT, 'Update portfolio', { dueOn: '2026-12-09', estimate: 60 }),
      done: task(THAMES_PROJECT, 'Already done', { completed: true }),
      others: task(THAMES_PROJECT, 'Not mine', { assignee: 'someone-else' }),
    };
  }

  it('books open tasks around meetings, before deadlines, and a second run writes nothing', async () => {
    const seeded = seedWeek();
    const first = await schedule();
    expect(first.created).toBeGreaterThanOrEqual(2);
    const onCalendar = blocksIn(w.google);
    expect(onCalendar.map((e) => e.json.id).sort()).toEqual(first.agenda.map((a) => a.block.id).sort());
    for (const a of first.agenda) {
      const event = onCalendar.find((e) => e.json.id === a.block.id)!;
      expect([event.startMs, event.endMs]).toEqual([Date.parse(a.block.start), Date.parse(a.block.end)]);
    }
    const meeting = { start: budapest('2026-12-07T10:00'), end: budapest('2026-12-07T11:30') };
    for (const e of onCalendar) {
      expect(e.endMs + BUFFER_MS <= meeting.start || e.startMs >= meeting.end + BUFFER_MS).toBe(true);
    }
    const taskIds = new Set(first.agenda.map((a) => a.block.taskId));
    expect(taskIds).toEqual(new Set([seeded.koala.gid, seeded.thames.gid]));
    // Koala's "due 8 Dec" ends at midnight in Sydney: 14:00 on 8 Dec in Budapest.
    const koalaEnd = Math.max(
      ...first.agenda.filter((a) => a.block.taskId === seeded.koala.gid).map((a) => Date.parse(a.block.end)),
    );
    expect(koalaEnd).toBeLessThanOrEqual(budapest('2026-12-08T14:00'));

    const writes = calendarWrites(w.google);
    const second = await schedule();
    expect([second.created, second.moved, second.deleted, second.retitled]).toEqual([0, 0, 0, 0]);
    expect(second.kept).toBe(first.created);
    expect(calendarWrites(w.google)).toBe(writes);
  });

  it('follows Asana and the calendar: a finished task loses its blocks, a renamed one is retitled, a meeting moves what it lands on', async () => {
    const seeded = seedWeek();
    await schedule();
    w.asana.updateTask(seeded.koala.gid, { completed: true });
    w.asana.updateTask(seeded.thames.gid, { name: 'Update the portfolio page' });
    const after = await schedule();
    expect(after.deleted).toBeGreaterThanOrEqual(1);
    expect(after.retitled).toBe(1);
    expect(blocksIn(w.google).map((e) => e.json.extendedProperties)).not.toContainEqual(
      expect.objectContaining({ private: expect.objectContaining({ vahubTask: seeded.koala.gid }) }),
    );
    const [block] = blocksIn(w.google);
    expect(block?.json.summary).toBe('[Thames Studio] Update the portfolio page');

    // A meeting that overlaps the block's second half: the block must make way.
    const clash = { start: block!.startMs + 30 * 60_000, end: block!.endMs + 30 * 60_000 };
    w.google.seedEvent('primary', {
      summary: 'Surprise call',
      start: { dateTime: new Date(clash.start).toISOString() },
      end: { dateTime: new Date(clash.end).toISOString() },
    });
    const moved = await schedule();
    expect(moved.moved).toBe(1);
    const [now] = blocksIn(w.google);
    expect(now!.endMs + BUFFER_MS <= clash.start || now!.startMs >= clash.end + BUFFER_MS).toBe(true);
  });

  it('sees a meeting put entirely inside one of its blocks, and moves the block off it', async () => {
    seedWeek();
    await schedule();
    // A client books a call in the middle of the longest block.
    const [block] = blocksIn(w.google).sort((a, b) => b.endMs - b.startMs - (a.endMs - a.startMs));
    expect(block!.endMs - block!.startMs).toBeGreaterThanOrEqual(30 * 60_000);
    const inside = { start: block!.startMs + 10 * 60_000, end: block!.endMs - 10 * 60_000 };
    w.google.seedEvent('primary', {
      summary: 'Call booked over the focus block',
      start: { dateTime: new Date(inside.start).toISOString() },
      end: { dateTime: new Date(inside.end).toISOString() },
    });
    const busy = await w.calendar.busy({ start: NOW, end: '2026-12-14T08:00:00Z' });
    expect(busy).toContainEqual({
      start: new Date(inside.start).toISOString(),
      end: new Date(inside.end).toISOString(),
      source: 'primary',
    });

    const after = await schedule();
    expect(after.moved).toBe(1);
    expect(after.plan.move.map((m) => m.id)).toEqual([block!.json.id]);
    for (const e of blocksIn(w.google)) {
      expect(e.endMs + BUFFER_MS <= inside.start || e.startMs >= inside.end + BUFFER_MS).toBe(true);
    }
  });

  it('with no buffer, moves a block a meeting overlaps only in part', async () => {
    const seeded = seedWeek();
    const config = { ...w.config, calendar: { ...w.config.calendar, bufferMinutes: 0 } };
    const run = () => scheduleTasks({ config, tasks: w.tasks, calendar: w.calendar, now: NOW });
    await run();
    const [block] = blocksIn(w.google).filter(
      (e) =>
        (e.json.extendedProperties as { private: Record<string, string> }).private.vahubTask ===
        seeded.thames.gid,
    );
    const clash = { start: block!.endMs - 15 * 60_000, end: block!.endMs + 30 * 60_000 };
    w.google.seedEvent('primary', {
      summary: 'Overrunning call',
      start: { dateTime: new Date(clash.start).toISOString() },
      end: { dateTime: new Date(clash.end).toISOString() },
    });
    const after = await run();
    expect(after.plan.move.map((m) => m.id)).toEqual([block!.json.id]);
    for (const e of blocksIn(w.google)) {
      expect(e.endMs <= clash.start || e.startMs >= clash.end).toBe(true);
    }
  });

  it('leaves a block the VA moved by hand where the VA put it', async () => {
    const seeded = seedWeek();
    const first = await schedule();
    const thamesBlock = first.agenda.find((a) => a.block.taskId === seeded.thames.gid)!.block;
    w.google.editEvent('primary', thamesBlock.id, {
      start: { dateTime: '2026-12-08T15:00:00', timeZone: 'Europe/Budapest' },
      end: { dateTime: '2026-12-08T16:00:00', timeZone: 'Europe/Budapest' },
    });
    const writes = calendarWrites(w.google);
    const second = await schedule();
    expect([second.created, second.moved, second.deleted]).toEqual([0, 0, 0]);
    expect(second.plan.keep.find((k) => k.id === thamesBlock.id)?.keptBecause).toBe('moved-by-va');
    expect(calendarWrites(w.google)).toBe(writes);
    const event = blocksIn(w.google).find((e) => e.json.id === thamesBlock.id)!;
    expect(event.startMs).toBe(budapest('2026-12-08T15:00'));
  });

  it("leaves yesterday's block where it was, and books what remains under new ids", async () => {
    const task = w.asana.createTask({
      name: 'Monthly report',
      projects: [KOALA_PROJECT],
      assignee: w.vaGid,
      completed: false,
      dueOn: '2026-12-18',
      customFields: { [w.estimateGid]: 150 },
    });
    // A one-day horizon, so Monday's plan books only what fits on Monday.
    const config = { ...w.config, calendar: { ...w.config.calendar, horizonDays: 1 } };
    const run = (now: string) => scheduleTasks({ config, tasks: w.tasks, calendar: w.calendar, now });
    // Monday 16:00 in Budapest: 45 minutes of the working day are left.
    const monday = await run('2026-12-07T15:00:00Z');
    expect(monday.created).toBe(1);
    const [held] = blocksIn(w.google);
    const mondayTimes = [budapest('2026-12-07T16:15'), budapest('2026-12-07T17:00')];
    expect([held?.startMs, held?.endMs]).toEqual(mondayTimes);
    const mondayId = held!.json.id as string;
    const writesBefore = w.google.apiRequests().length;

    // Tuesday 09:00: Monday's block is history, the task is still open.
    const tuesday = await run('2026-12-08T08:00:00Z');
    const events = blocksIn(w.google);
    const monday2 = events.find((e) => e.json.id === mondayId);
    expect([monday2?.startMs, monday2?.endMs]).toEqual(mondayTimes);
    const tuesdayWrites = w.google
      .apiRequests()
      .slice(writesBefore)
      .filter((r) => r.method !== 'GET');
    expect(tuesdayWrites.length).toBeGreaterThan(0);
    expect(tuesdayWrites.filter((r) => r.path.includes(mondayId))).toEqual([]);
    const fresh = events.filter((e) => e.json.id !== mondayId);
    expect(fresh.length).toBeGreaterThan(0);
    expect(tuesday.plan.create.map((b) => b.id)).not.toContain(mondayId);
    for (const e of fresh) expect(e.startMs).toBeGreaterThanOrEqual(budapest('2026-12-08T09:15'));
    // The history is the planner's input, not part of the day's report.
    expect(tuesday.agenda.map((a) => a.block.id).sort()).toEqual(fresh.map((e) => e.json.id).sort());
    expect(tuesday.kept).toBe(0);
    expect(tuesday.agenda.every((a) => a.block.taskId === task.gid)).toBe(true);
    // vahub's blocks are read from a year back (SCHEDULE_LOOKBACK_DAYS), not from now.
    const listings = w.google
      .apiRequests()
      .slice(writesBefore)
      .filter((r) => r.method === 'GET' && r.query.privateExtendedProperty !== undefined);
    expect(listings.map((r) => r.query.timeMin)).toEqual(['2025-12-08T08:00:00.000Z']);
    // Monday's 45 minutes count against the 150-minute estimate: 105 are booked, not 150 again.
    const minutes = fresh.reduce((n, e) => n + (e.endMs - e.startMs) / 60_000, 0);
    expect(minutes).toBe(105);
  });

  it('reports a block the VA shortened to nothing, and leaves it as it is', async () => {
    const seeded = seedWeek();
    const first = await schedule();
    const thames = first.agenda.find((a) => a.block.taskId === seeded.thames.gid)!.block;
    w.google.editEvent('primary', thames.id, {
      start: { dateTime: '2026-12-08T15:00:00', timeZone: 'Europe/Budapest' },
      end: { dateTime: '2026-12-08T15:00:00', timeZone: 'Europe/Budapest' },
    });
    const writes = w.google.apiRequests().length;
    const after = await schedule();
    expect(after.problems).toEqual([
      {
        kind: 'block-ignored',
        taskId: seeded.thames.gid,
        clientIds: ['thames-studio'],
        blockIds: [thames.id],
        code: 'end-not-after-start',
        message: expect.stringContaining(`block "${thames.title}" (${thames.id})`),
      },
    ]);
    expect(after.problems[0]?.message).toMatch(/left alone: the VA changed it by hand/);
    const touched = w.google
      .apiRequests()
      .slice(writes)
      .filter((r) => r.method !== 'GET' && r.path.includes(thames.id));
    expect(touched).toEqual([]);
    const event = w.google.events('primary').find((e) => e.json.id === thames.id);
    expect([event?.startMs, event?.endMs]).toEqual([
      budapest('2026-12-08T15:00'),
      budapest('2026-12-08T15:00'),
    ]);
  });

  it("reports a task that landed in a second client's project, and leaves its blocks as they are", async () => {
    const seeded = seedWeek();
    const first = await schedule();
    const koala = first.agenda.filter((a) => a.block.taskId === seeded.koala.gid).map((a) => a.block);
    expect(koala.length).toBeGreaterThan(0);
    w.asana.addTaskToProject(seeded.koala.gid, THAMES_PROJECT);
    const writes = calendarWrites(w.google);

    const after = await schedule();
    expect(after.problems).toEqual([
      {
        kind: 'task-unreadable',
        taskId: seeded.koala.gid,
        clientIds: ['koala-co', 'thames-studio'],
        blockIds: koala.map((b) => b.id).sort(),
        code: 'conflict',
        message: expect.stringContaining(seeded.koala.gid),
      },
    ]);
    const message = after.problems[0]?.message ?? '';
    expect(message).toMatch(/koala-co, thames-studio/);
    expect(message).toMatch(/move it to one client's projects/);
    expect(message).toContain('[Koala Co] Schedule posts');
    expect(calendarWrites(w.google)).toBe(writes);
    expect([after.created, after.moved, after.deleted]).toEqual([0, 0, 0]);
    for (const block of koala) {
      const event = blocksIn(w.google).find((e) => e.json.id === block.id);
      expect([event?.startMs, event?.endMs]).toEqual([Date.parse(block.start), Date.parse(block.end)]);
      const item = after.agenda.find((a) => a.block.id === block.id);
      expect(item).toMatchObject({ change: 'kept', block: { movedByVa: false } });
      expect(after.explanations.find((x) => x.blockId === block.id)?.why).toEqual([message]);
    }
  });

  it('reports a task that cannot be read for good; a passing failure still fails the run, to be retried', async () => {
    const seeded = seedWeek();
    const first = await schedule();
    const koala = first.agenda.filter((a) => a.block.taskId === seeded.koala.gid).map((a) => a.block.id);
    // Out of every listed project, so the flow reads it by id.
    w.asana.removeTaskFromProject(seeded.koala.gid, KOALA_PROJECT);
    const readOf = (req: { method: string; path: string }) =>
      req.method === 'GET' && req.path.endsWith(`/tasks/${seeded.koala.gid}`);
    const writes = calendarWrites(w.google);

    w.asana.server.faults.next({ status: 503, match: readOf });
    await expect(schedule()).rejects.toMatchObject({ name: 'ConnectorError', retryable: true, status: 503 });
    expect(calendarWrites(w.google)).toBe(writes);

    w.asana.server.faults.next({ status: 403, match: readOf });
    const after = await schedule();
    expect(after.problems).toEqual([
      expect.objectContaining({ taskId: seeded.koala.gid, blockIds: [...koala].sort(), code: 'failed' }),
    ]);
    expect(after.problems[0]?.message).toMatch(/HTTP 403/);
    expect(after.deleted).toBe(0);
    expect(calendarWrites(w.google)).toBe(writes);

    // Once the task reads again, the flow does what the source says: it is in no client's project.
    const healed = await schedule();
    expect(healed.problems).toEqual([]);
    expect(healed.plan.delete.map((d) => [d.block.id, d.reason]).sort()).toEqual(
      koala.map((id) => [id, 'task-missing']).sort(),
    );
  });
});

describe('draftInvoices', () => {
  const november = (zone: string) => periodContaining('month', Date.parse('2026-11-15T12:00:00Z'), zone);
  const entry = (
    project: number,
    local: string,
    minutes: number,
    extra: { billable?: boolean; running?: boolean } = {},
  ) => {
    const start = Temporal.PlainDateTime.from(local).toZonedDateTime('Europe/London').epochMilliseconds;
    return w.toggl.addEntry({
      workspace_id: 4242,
      project_id: project,
      description: `work on ${local}`,
      start,
      stop: extra.running ? null : start + minutes * 60_000,
      billable: extra.billable ?? true,
    });
  };
  const client = (id: string) => w.config.clients.find((c) => c.id === id)!;
  const run = (id: string) =>
    draftInvoices({
      client: client(id),
      period: november(client(id).timezone),
      time: w.time,
      invoices: w.invoices,
    });
  const tagsOf = (id: number) => w.toggl.store.entries.get(id)?.tags ?? [];
  /** Toggl's answer when the hourly quota is used up (as the fake's own quota answers). */
  const quotaUsedUp = (resetsInSeconds: number) => ({
    status: 402,
    headers: { 'x-toggl-quota-remaining': '0', 'x-toggl-quota-resets-in': String(resetsInSeconds) },
    json: `You have hit your hourly limit for API calls. Your quota will reset in ${resetsInSeconds} seconds.`,
  });
  /** A month with more billable entries than one tagging call takes. */
  const manyEntries = (count: number) =>
    Array.from({ length: count }, (_, i) => {
      const day = String(2 + (i % 25)).padStart(2, '0');
      const hour = String(8 + Math.floor(i / 25)).padStart(2, '0');
      return entry(190101, `2026-11-${day}T${hour}:00`, 10);
    });
  /** Matches every bulk tagging request after the first. */
  const laterPatches = () => {
    let seen = 0;
    return (req: { method: string }) => req.method === 'PATCH' && ++seen >= 2;
  };
  const invoiceCalls = () =>
    w.xero.server.requests.filter((r) => r.path.endsWith('/Invoices') && r.method !== 'GET').length;

  it('bills a period once: Xero shows the preview, covered entries are tagged, a second run creates nothing', async () => {
    const billed = [entry(190101, '2026-11-02T09:00', 95), entry(190101, '2026-11-20T14:00', 40)];
    const unbillable = entry(190101, '2026-11-21T10:00', 30, { billable: false });
    const running = entry(190101, '2026-11-30T16:00', 0, { running: true });
    const foreign = entry(190199, '2026-11-03T09:00', 60);
    const first = await run('thames-studio');
    const draft = first.preview.draft!;
    expect(first.invoice?.status).toBe('DRAFT');
    expect(draft.entryIds.sort()).toEqual(billed.map((e) => String(e.id)).sort());
    const [invoice] = w.xero.invoices(TENANT);
    expect(w.xero.invoices(TENANT)).toHaveLength(1);
    expect(dec(String(invoice?.SubTotal)).eq(dec(draft.subtotal))).toBe(true);
    expect(dec(first.invoice!.total).eq(dec(String(invoice?.Total)))).toBe(true);
    for (const e of billed) expect(tagsOf(e.id)).toContain('invoiced');
    for (const e of [unbillable, running, foreign]) expect(tagsOf(e.id)).not.toContain('invoiced');

    const second = await run('thames-studio');
    expect(second.invoice).toBeNull();
    expect(second.preview.excluded.filter((x) => x.reason === 'already-invoiced')).toHaveLength(2);
    expect(w.xero.invoices(TENANT)).toHaveLength(1);
    expect(invoiceCalls()).toBe(1);
  });

  it('bills a retainer fee once per period; time tracked later bills only the hours beyond it', async () => {
    entry(190001, '2026-11-03T09:00', 90);
    const first = await run('koala-co');
    expect(first.preview.draft?.lines.map((l) => l.lineAmount)).toEqual(['100.00']);
    const late = entry(190001, '2026-11-25T09:00', 75);
    const second = await run('koala-co');
    // 1.5 h already on the first draft + 1.25 h now, 2 h included: 0.75 h at the hourly rate, no second fee.
    expect(second.preview.draft?.lines.map((l) => [l.quantity, l.lineAmount])).toEqual([['0.7500', '37.50']]);
    expect(second.tagged).toEqual([String(late.id)]);
    const third = await run('koala-co');
    expect(third.invoice).toBeNull();
    expect(w.xero.invoices(TENANT).map((i) => i.SubTotal)).toEqual([100, 37.5]);
  });

  it('heals a crash between creating the draft and tagging, without a second invoice', async () => {
    const billed = [entry(190101, '2026-11-02T09:00', 60), entry(190101, '2026-11-09T09:00', 30)];
    // The hourly quota runs out right after the draft is made, for longer than a run waits.
    w.toggl.server.faults.next({ ...quotaUsedUp(2400), match: (req) => req.method === 'PATCH' });
    await expect(run('thames-studio')).rejects.toMatchObject({ code: 'quota_exhausted', retryable: true });
    expect(w.xero.invoices(TENANT)).toHaveLength(1);
    for (const e of billed) expect(tagsOf(e.id)).not.toContain('invoiced');

    const again = await run('thames-studio');
    expect(again.invoice?.invoiceId).toBe(w.xero.invoices(TENANT)[0]?.InvoiceID);
    expect(w.xero.invoices(TENANT)).toHaveLength(1);
    expect(w.xero.replays).toBe(1);
    for (const e of billed) expect(tagsOf(e.id)).toContain('invoiced');
  });

  it('waits out a short quota refusal in the middle of tagging, and tags every entry once', async () => {
    const billed = manyEntries(150);
    w.toggl.server.faults.next({ ...quotaUsedUp(30), match: laterPatches() });
    const waits: number[] = [];
    const result = await draftInvoices({
      client: client('thames-studio'),
      period: november('Europe/London'),
      time: w.time,
      invoices: w.invoices,
      tagRetry: { sleep: async (ms) => void waits.push(ms) },
    });
    expect(waits).toEqual([30_000]);
    expect(result.tagged.sort()).toEqual(billed.map((e) => String(e.id)).sort());
    for (const e of billed) expect(tagsOf(e.id)).toContain('invoiced');
    expect(w.xero.invoices(TENANT)).toHaveLength(1);
  });

  it('stops for a person, naming the draft and the untagged entries, when tagging breaks off partway', async () => {
    const billed = manyEntries(150);
    w.toggl.server.faults.next({ ...quotaUsedUp(2400), match: laterPatches(), times: 5 });
    const error = await run('thames-studio').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvoiceTaggingIncompleteError);
    const incomplete = error as InvoiceTaggingIncompleteError;
    const [invoice] = w.xero.invoices(TENANT);
    expect(w.xero.invoices(TENANT)).toHaveLength(1);
    expect(incomplete).toMatchObject({ retryable: false, invoiceId: invoice?.InvoiceID, tag: 'invoiced' });
    const tagged = billed.filter((e) => tagsOf(e.id).includes('invoiced')).map((e) => String(e.id));
    const untagged = billed.filter((e) => !tagsOf(e.id).includes('invoiced')).map((e) => String(e.id));
    expect([tagged.length, untagged.length]).toEqual([100, 50]);
    expect([...incomplete.taggedEntryIds].sort()).toEqual(tagged.sort());
    expect([...incomplete.untaggedEntryIds].sort()).toEqual(untagged.sort());
    expect(incomplete.message).toContain(`draft invoice ${String(invoice?.InvoiceNumber)}`);
    expect(incomplete.message).toContain('50 of 150 entries are not tagged "invoiced"');
    expect(incomplete.message).toMatch(/quota/);
  });
});
