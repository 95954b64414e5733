// `vahub demo` run in-process: the assertions read what the fake vendors hold afterwards, so they
// check real outcomes (events in Google, invoices in Xero, tags in Toggl), not the demo's own report.

import { dec } from '@vahub/core';
import { busyMeetings, type DemoResult, runDemo } from '@vahub/demo';
import { beforeAll, describe, expect, it } from 'vitest';

const BUFFER_MS = 10 * 60_000;
let demo: DemoResult;
let output = '';

beforeAll(async () => {
  demo = await runDemo({ out: { write: (text: string) => (output += text) } });
});

const vahubBlocks = () =>
  demo.fakes.google
    .events('primary')
    .filter((e) => e.json.status !== 'cancelled')
    .filter(
      (e) =>
        (e.json.extendedProperties as { private?: Record<string, string> } | undefined)?.private
          ?.vahubBlock === '1',
    );

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

  it('prints the same text for the same "now"', async () => {
    let again = '';
    await runDemo({ out: { write: (text: string) => (again += text) } });
    expect(again).toBe(output);
  });
});
