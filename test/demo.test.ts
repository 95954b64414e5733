// `vahub demo` run in-process: the assertions read what the fake vendors hold afterwards, so they
// check real outcomes (events in Google, invoices in Xero, tags in Toggl), not the demo's own report.

import { readFile } from 'node:fs/promises';
import { demoDashboard } from '@vahub/cli';
import { dec, Temporal } from '@vahub/core';
import { busyMeetings, type DemoResult, runDemo, type ServicePartResult } from '@vahub/demo';
import { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { blocksIn } from './support/flows-world.js';

const BUFFER_MS = 10 * 60_000;
// Parts 1 and 2 are checked on a run without the service, so the fakes hold what those parts left;
// the service's part on a full run, as `vahub demo` does it.
let demo: DemoResult;
let output = '';
let full: DemoResult;
let fullOutput = '';

beforeAll(async () => {
  demo = await runDemo({ out: { write: (text: string) => (output += text) }, service: false });
  full = await runDemo({ out: { write: (text: string) => (fullOutput += text) }, dashboard: demoDashboard });
}, 120_000);

/** The output without the lines marked as differing from run to run (ports, temporary paths). */
const stable = (text: string) =>
  text
    .split('\n')
    .filter((l) => !l.startsWith('   [this run] '))
    .join('\n');

const vahubBlocks = () => blocksIn(demo.fakes.google);

describe('vahub demo: tasks into focus blocks', () => {
  it('puts exactly the planned blocks on the calendar, at the planned times', () => {
    const { first } = demo.schedule;
    expect(first.created).toBeGreaterThan(5);
    const events = vahubBlocks();
    expect(events).toHaveLength(first.created);
    const planned = new Map(first.agenda.map((a) => [a.block.id, a.block]));
    for (const e of events) {
      const block = planned.get(e.json.id);
      expect(block, `event ${e.json.id} is not in the plan`).toBeDefined();
      expect([e.startMs, e.endMs]).toEqual([Date.parse(block!.start), Date.parse(block!.end)]);
      expect(e.json.summary).toBe(block!.title);
    }
  });

  it('keeps every block clear of the meetings, with the buffer, and of each other', () => {
    const events = vahubBlocks().sort((a, b) => a.startMs - b.startMs);
    const meetings = busyMeetings();
    expect(meetings.length).toBeGreaterThan(0);
    for (const e of events) {
      for (const m of meetings) {
        expect(
          e.endMs + BUFFER_MS <= m.start || e.startMs >= m.end + BUFFER_MS,
          `${e.json.summary} vs ${m.summary}`,
        ).toBe(true);
      }
    }
    for (let i = 1; i < events.length; i++)
      expect(events[i]!.startMs).toBeGreaterThanOrEqual(events[i - 1]!.endMs);
  });

  it('changes nothing on the second run', () => {
    const { first, second } = demo.schedule;
    expect([second.created, second.moved, second.deleted, second.retitled]).toEqual([0, 0, 0, 0]);
    expect(second.kept).toBe(first.created);
    // One insert per created block, and no other write to the calendar in either run.
    const writes = demo.fakes.google
      .apiRequests()
      .filter((r) => r.method !== 'GET' && r.path.includes('/events'));
    expect(writes.map((r) => r.method)).toEqual(Array(first.created).fill('POST'));
    expect(output).toContain(`Run again: created 0 · moved 0 · kept ${first.created} · deleted 0`);
  });
});

describe('vahub demo: time into draft invoices', () => {
  it('creates one Xero draft per client with billable time, at the previewed subtotal', () => {
    const { first } = demo.invoices;
    expect(first.map((r) => r.client.id)).toEqual(['koala-co', 'thames-studio', 'hudson-legal']);
    for (const { client, result } of first) {
      const draft = result.preview.draft;
      expect(draft, client.id).not.toBeNull();
      const inXero = demo.fakes.xero
        .invoices(client.xero?.tenantId ?? '')
        .filter((i) => (i.Contact as { ContactID: string }).ContactID === client.xero?.contactId);
      expect(inXero, client.id).toHaveLength(1);
      const [invoice] = inXero;
      expect(invoice?.InvoiceID).toBe(result.invoice?.invoiceId);
      expect(invoice?.Status).toBe('DRAFT');
      expect(invoice?.Reference).toBe(draft!.reference);
      expect(dec(String(invoice?.SubTotal)).eq(dec(draft!.subtotal)), client.id).toBe(true);
      expect(dec(String(invoice?.Total)).eq(dec(result.invoice!.total)), client.id).toBe(true);
    }
  });

  it('tags exactly the billed entries, leaving the running and non-billable ones alone', () => {
    const store = demo.fakes.toggl.store;
    const billed = new Set(demo.invoices.first.flatMap((r) => r.result.preview.draft?.entryIds ?? []));
    expect(billed.size).toBeGreaterThan(10);
    for (const entry of store.entries.values()) {
      expect(entry.tags.includes('invoiced'), `entry ${entry.id}`).toBe(billed.has(String(entry.id)));
    }
    const excluded = demo.invoices.first.flatMap((r) => r.result.preview.excluded.map((x) => x.reason));
    expect(excluded).toEqual(expect.arrayContaining(['running', 'non-billable']));
  });

  it('bills nothing twice: the second run creates no invoice', () => {
    const { first, second } = demo.invoices;
    for (const { result } of second) {
      expect(result.invoice).toBeNull();
      expect(result.tagged).toEqual([]);
    }
    const all = [...demo.fakes.xero.tenants.keys()].flatMap((t) => demo.fakes.xero.invoices(t));
    expect(all).toHaveLength(first.length);
    const puts = demo.fakes.xero.server.requests.filter(
      (r) => r.path.endsWith('/Invoices') && r.method !== 'GET',
    );
    expect(puts).toHaveLength(first.length);
    expect(output).toContain(`Xero holds ${first.length} draft invoices`);
  });
});

describe('vahub demo: the run itself', () => {
  it('connected Google and Xero through their OAuth flows', () => {
    const google = demo.fakes.google.requests.filter((r) => r.path === '/token');
    expect(google.map((r) => new URLSearchParams(r.body).get('grant_type'))).toContain('authorization_code');
    expect(demo.fakes.xero.tokenRequests('authorization_code')).toHaveLength(1);
  });

  it('closed every fake server', async () => {
    const { asana, google, toggl, xero } = demo.fakes;
    for (const url of [asana.apiUrl, google.url, toggl.url, xero.server.url]) {
      await expect(fetch(url)).rejects.toThrow();
    }
  });

  it('prints the same text for the same "now", apart from the lines marked as this run\'s', async () => {
    let again = '';
    await runDemo({ out: { write: (text: string) => (again += text) }, dashboard: demoDashboard });
    expect(stable(again)).toBe(stable(fullOutput));
    // The first two parts print the same with or without the service after them.
    expect(fullOutput.startsWith(output)).toBe(true);
    expect(fullOutput.slice(output.length)).toMatch(/^\n3\. The service/);
    const varying = fullOutput.split('\n').filter((l) => l.startsWith('   [this run] '));
    expect(varying).toHaveLength(4);
    expect(varying[0]).toMatch(/^ {3}\[this run\] Redis: .+, keys under \{vahub-demo-[0-9a-f]{12}\}$/);
    expect(varying[1]).toMatch(/^ {3}\[this run\] Webhook receiver: http:\/\/127\.0\.0\.1:\d+$/);
    expect(varying[2]).toMatch(
      /^ {3}\[this run\] Weekly reports written to \S+vahub-demo-\S+, e\.g\. \S+\.html$/,
    );
    expect(varying[3]).toMatch(
      /^ {3}\[this run\] Dashboard \(open while the demo runs\): http:\/\/127\.0\.0\.1:\d+\/$/,
    );
  }, 90_000);
});

describe('vahub demo: the service, played through webhooks', () => {
  const part = () => full.service as ServicePartResult;
  const koala = () => full.config.clients.find((c) => c.id === 'koala-co')!;
  const endOfDay = (date: string, zone: string) =>
    Temporal.PlainDate.from(date).add({ days: 1 }).toZonedDateTime(zone).epochMilliseconds;
  const minutes = (spans: { start: number; end: number }[]) =>
    spans.reduce((sum, s) => sum + (s.end - s.start) / 60_000, 0);

  it('got each event from the apps as a webhook the receiver accepted', () => {
    const { asana, google, toggl, xero } = full.fakes;
    const url = part().receiverUrl;
    const accepted = (d: { target: string; status: number | null }) =>
      d.target.startsWith(url) && d.status === 200;
    const task = asana.hub.deliveries.filter((d) => accepted(d) && d.body.includes(part().taskId));
    expect(task.length).toBeGreaterThanOrEqual(1);
    expect(
      asana.hub.deliveries.filter((d) => accepted(d) && d.body.includes(part().moved.taskId)).length,
    ).toBeGreaterThanOrEqual(1);
    const calendar = google.notifications.filter((n) => n.state === 'exists' && n.status === 200);
    expect(calendar.length).toBeGreaterThan(0);
    expect(toggl.webhooks.deliveries.filter(accepted).length).toBeGreaterThan(0);
    expect(xero.webhooks.hub.deliveries.filter(accepted).length).toBe(3);
  });

  it('planned the new task and moved it off the meeting; a moved due date in New York pulled that task earlier', () => {
    const { blocks, meeting, moved } = part();
    for (const spans of [blocks.created, blocks.afterMeeting]) expect(minutes(spans)).toBe(90);
    for (const b of blocks.created)
      expect(b.end).toBeLessThanOrEqual(endOfDay('2026-12-03', 'Australia/Sydney'));
    expect(meeting).toMatchObject({ start: blocks.created[0]!.start, end: blocks.created[0]!.end });
    for (const b of blocks.afterMeeting) expect(b.end <= meeting.start || b.start >= meeting.end).toBe(true);
    expect(minutes(moved.before)).toBe(180);
    expect(minutes(moved.after)).toBe(180);
    expect(moved.before.some((b) => b.end > endOfDay('2026-12-01', 'America/New_York'))).toBe(true);
    for (const b of moved.after)
      expect(b.end).toBeLessThanOrEqual(endOfDay('2026-12-01', 'America/New_York'));
    // What the calendar holds at the end: the last plans, the new task still clear of the meeting.
    const onCalendar = (taskId: string) =>
      full.fakes.google
        .events('primary')
        .filter((e) => e.json.status !== 'cancelled')
        .filter(
          (e) =>
            (e.json.extendedProperties as { private?: Record<string, string> })?.private?.vahubTask ===
            taskId,
        )
        .map((e) => ({ id: String(e.json.id), start: e.startMs, end: e.endMs }))
        .sort((x, y) => x.start - y.start);
    expect(onCalendar(moved.taskId)).toEqual(moved.after);
    const newTask = onCalendar(part().taskId);
    expect(minutes(newTask)).toBe(90);
    for (const b of newTask) expect(b.end <= meeting.start || b.start >= meeting.end).toBe(true);
  });

  it("counted the tracked time into Koala's November, drafted November at its end, and released it when deleted", () => {
    const { unbilled, draft, released } = part();
    expect(unbilled).toMatchObject({
      clientId: 'koala-co',
      period: { firstDate: '2026-11-01', lastDate: '2026-11-30' },
    });
    expect(Number(unbilled!.hours)).toBeGreaterThanOrEqual(1.5);
    expect(draft.period).toEqual({ firstDate: '2026-11-01', lastDate: '2026-11-30' });
    const invoice = full.fakes.xero
      .invoices(koala().xero!.tenantId)
      .find((i) => i.InvoiceID === draft.invoiceId);
    expect(invoice?.Status).toBe('DELETED');
    expect(released).toBeGreaterThan(0);
    const tagged = [...full.fakes.toggl.store.entries.values()].filter(
      (e) => e.description === 'Newsletter: first draft',
    );
    expect(tagged).toHaveLength(1);
    expect(tagged[0]!.tags).not.toContain('invoiced');
  });

  it('wrote a weekly report per client, served the dashboard, and left nothing behind', async () => {
    const { reports, dashboardUrl, receiverUrl, keysLeft, prefix } = part();
    expect(reports.map((r) => r.clientId)).toEqual(['koala-co', 'thames-studio', 'hudson-legal']);
    for (const r of reports) {
      const html = await readFile(r.file, 'utf8');
      expect(html).toContain(full.config.clients.find((c) => c.id === r.clientId)!.name);
      expect(fullOutput).toContain(r.summary);
    }
    expect(dashboardUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    await expect(fetch(dashboardUrl!)).rejects.toThrow();
    await expect(fetch(receiverUrl)).rejects.toThrow();
    expect(keysLeft).toBe(0);
    // biome-ignore lint/suspicious/noUndeclaredEnvVars: the tests' Redis, as everywhere in test/
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      expect(await redis.keys(`${prefix}*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});
