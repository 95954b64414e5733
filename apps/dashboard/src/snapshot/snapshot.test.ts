// The snapshot's figures against figures computed here from the fakes' data: the calendar's events,
// the seeded meetings, the time tracker's entries with the clients' rounding done by hand.

import { type CalendarPort, registerSecret, Temporal, type TimeEntry } from '@vahub/core';
import { busyMeetings } from '@vahub/demo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardWorld, startDashboardWorld } from '../test-support/world.js';
import { gatherSnapshot } from './gather.js';
import { statusText } from './text.js';
import type { ClientPanel, StatusSnapshot } from './types.js';

let world: DashboardWorld;
let snap: StatusSnapshot;

beforeAll(async () => {
  world = await startDashboardWorld();
  snap = await gatherSnapshot(world.deps);
});
afterAll(async () => {
  await world?.close();
});

const VA_ZONE = 'Europe/Budapest';
const ok = <T>(p: { status: string; data?: T; reason?: string }): T => {
  if (p.status !== 'ok') throw new Error(`part unavailable: ${p.reason}`);
  return p.data as T;
};
const panel = (id: string): ClientPanel => {
  const c = snap.clients.find((x) => x.id === id);
  if (!c) throw new Error(`no panel for ${id}`);
  return c;
};
const local = (ms: number, zone: string) =>
  Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone);

/** Week 49 on the VA's clock: Monday 30 Nov to Monday 7 Dec, Budapest. */
const WEEK = {
  start: Temporal.PlainDateTime.from('2026-11-30T00:00').toZonedDateTime(VA_ZONE).epochMilliseconds,
  end: Temporal.PlainDateTime.from('2026-12-07T00:00').toZonedDateTime(VA_ZONE).epochMilliseconds,
};

describe('the week', () => {
  it("holds exactly vahub's events of the VA's week on the fake calendar, in client colours", () => {
    const week = ok(snap.week);
    expect(week.id).toBe('2026-W49');
    const calendar = world.fakes.google.store.calendars.get('reka@example.com');
    const expected = [...(calendar?.events.values() ?? [])]
      .filter((e) => {
        const props = (e.json.extendedProperties as { private?: Record<string, string> } | undefined)
          ?.private;
        return props?.vahubBlock !== undefined && e.json.status !== 'cancelled';
      })
      .filter((e) => e.startMs < WEEK.end && e.endMs > WEEK.start)
      .map((e) => ({ id: String(e.json.id), start: e.startMs, end: e.endMs }))
      .sort((a, b) => a.start - b.start || a.id.localeCompare(b.id));
    expect(expected.length).toBeGreaterThan(3);
    expect(
      week.blocks.map((b) => ({ id: b.id, start: Date.parse(b.start), end: Date.parse(b.end) })),
    ).toEqual(expected);
    for (const b of week.blocks) {
      const s = local(Date.parse(b.start), VA_ZONE);
      expect(b.vaLocal.text).toContain(
        `${String(s.hour).padStart(2, '0')}:${String(s.minute).padStart(2, '0')}–`,
      );
      expect(b.minutes).toBe((Date.parse(b.end) - Date.parse(b.start)) / 60_000);
    }
    // Koala's configured colour is Peacock (7); the two without one get distinct others.
    const colours = new Map(week.blocks.map((b) => [b.clientId, b.colour]));
    expect(colours.get('koala-co')?.hex).toBe('#039be5');
    expect(new Set([...colours.values()].map((c) => c.hex)).size).toBe(colours.size);
  });

  it("lists the seeded meetings of the week on the VA's clock", () => {
    const week = ok(snap.week);
    const seeded = busyMeetings()
      .filter((m) => m.start < WEEK.end && m.end > WEEK.start)
      .map((m) => [m.start, m.end]);
    expect(week.meetings.map((m) => [Date.parse(m.start), Date.parse(m.end)])).toEqual(seeded);
  });

  it("marks deadlines with the client's local date and the VA's, the overdue one as overdue", () => {
    const week = ok(snap.week);
    const byName = new Map(week.deadlines.map((d) => [d.taskName, d]));
    // Koala (Sydney, UTC+11) due 1 Dec: the end of that day is 13:00 UTC, 14:00 in Budapest.
    const koala = byName.get('Schedule December social posts');
    expect(koala?.clientLocal.text).toBe('Tue 1 Dec, end of day');
    expect(koala?.vaLocal.text).toBe('Tue 1 Dec, 14:00');
    expect(koala?.dueBy).toBe('2026-12-01T13:00:00Z');
    // Hudson (New York, UTC-5) due 27 Nov: passed at 05:00 UTC on the 28th.
    const hudson = byName.get('Year-end compliance checklist');
    expect(hudson?.overdue).toBe(true);
    expect(hudson?.vaLocal.text).toBe('Sat 28 Nov, 06:00');
    // A task of the colleague's is not the VA's deadline.
    expect(byName.has('Review the brand guidelines')).toBe(false);
    expect(week.deadlines.map((d) => d.dueBy)).toEqual([...week.deadlines.map((d) => d.dueBy)].sort());
  });

  it("lists the late task with the planner's reason", () => {
    const alerts = ok(snap.attention);
    const late = alerts.find((a) => a.taskName === 'Year-end compliance checklist');
    expect(late?.kind).toBe('late');
    expect(late?.reason).toBe('deadline-passed');
    expect(late?.message).toMatch(/already passed/);
  });
});

async function entriesOf(clientId: string): Promise<TimeEntry[]> {
  return world.ports.time.listTimeEntries({
    clientId,
    start: '2026-09-01T00:00:00Z',
    end: '2026-12-31T00:00:00Z',
  });
}

describe('the clients', () => {
  it("Koala's retainer: every November hour (Sydney) rounded up to 15 minutes per entry", async () => {
    const nov = (e: TimeEntry) =>
      local(Date.parse(e.start), 'Australia/Sydney').toPlainDate().toString().startsWith('2026-11');
    const quarters = (await entriesOf('koala-co'))
      .filter((e) => e.billable && e.stop !== null && nov(e))
      .reduce((sum, e) => sum + Math.ceil(e.durationSeconds / 900), 0);
    const used = quarters / 4;
    const billing = ok(panel('koala-co').billing);
    expect(used).toBeGreaterThan(0);
    expect(Number(billing.retainer?.usedHours)).toBe(used);
    expect(Number(billing.retainer?.leftHours)).toBe(20 - used);
    expect(billing.retainer?.includedHours).toBe('20');
    expect(billing.retainer?.usedPercent).toBe(Math.round((used * 100) / 20));
    expect(billing.retainer?.marks).toEqual([80, 100]);
    expect(billing.retainer?.level).toBe('under-80');
    // Under the allowance, the period's next draft bills the retainer's fee alone.
    expect(billing.unbilledAmount).toBe('1000.00');
    expect(billing.periodLabel).toBe('Nov 2026');
  });

  it('hours per week for the last eight weeks, in the client’s zone, rounded as billed', async () => {
    const perWeek = (entries: TimeEntry[], zone: string, round: (s: number) => number) => {
      const out = new Map<string, number>();
      for (const e of entries.filter((x) => x.billable && x.stop !== null)) {
        const d = local(Date.parse(e.start), zone);
        const week = `${d.yearOfWeek}-W${String(d.weekOfYear).padStart(2, '0')}`;
        out.set(week, (out.get(week) ?? 0) + round(e.durationSeconds));
      }
      return out;
    };
    const koala = perWeek(await entriesOf('koala-co'), 'Australia/Sydney', (s) => Math.ceil(s / 900) / 4);
    const hudson = perWeek(await entriesOf('hudson-legal'), 'America/New_York', (s) => s / 3600);
    const koalaPoints = ok(panel('koala-co').weeklyHours);
    const hudsonPoints = ok(panel('hudson-legal').weeklyHours);
    expect(koalaPoints.map((p) => p.week)).toEqual([42, 43, 44, 45, 46, 47, 48, 49].map((w) => `2026-W${w}`));
    expect(koalaPoints.some((p) => Number(p.hours) > 0)).toBe(true);
    for (const p of koalaPoints) expect(Number(p.hours)).toBe(koala.get(p.week) ?? 0);
    for (const p of hudsonPoints) expect(Number(p.hours)).toBeCloseTo(hudson.get(p.week) ?? 0, 3);
  });

  it("lists the demo's drafts with their state in the invoicing app now", async () => {
    const drafts = ok(panel('hudson-legal').drafts);
    expect(drafts).toHaveLength(1);
    expect(drafts[0]?.status).toBe('DRAFT');
    const [tenant] = [...world.fakes.xero.tenants.values()].filter((t) =>
      t.invoices.has(drafts[0]?.invoiceId ?? ''),
    );
    const invoice = tenant?.invoices.get(drafts[0]?.invoiceId ?? '');
    if (!invoice) throw new Error('the draft is not in the fake');
    expect(drafts[0]?.total).toBe(invoice.total.toFixed(2));
    invoice.Status = 'AUTHORISED';
    const again = ok(
      (await gatherSnapshot(world.deps)).clients.find((c) => c.id === 'hudson-legal')?.drafts ??
        snap.clients[0]!.drafts,
    );
    expect(again[0]?.status).toBe('AUTHORISED');
    invoice.Status = 'DRAFT';
  });
});

describe('unavailable parts', () => {
  it('a snapshot from the config alone says what is missing, and throws nothing', async () => {
    const s = await gatherSnapshot({ config: world.config, now: () => world.now });
    expect(s.week).toEqual({ status: 'unavailable', reason: 'the week: not configured' });
    expect(s.health.queues.status).toBe('unavailable');
    expect(s.clients.map((c) => c.billing.status)).toEqual(['unavailable', 'unavailable', 'unavailable']);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('a source that fails or hangs is reported with its reason, secrets redacted, the rest intact', async () => {
    const secret = 'sk-dashboard-test-secret-0123456789';
    registerSecret(secret);
    const real = world.ports.calendar;
    const failing: CalendarPort = {
      busy: (w) => real.busy(w),
      upsertBlock: (b) => real.upsertBlock(b),
      deleteBlock: (id) => real.deleteBlock(id),
      listBlocks: async () => {
        throw new Error(`calendar said no (token ${secret})`);
      },
    };
    const s = await gatherSnapshot({
      ...world.deps,
      calendar: failing,
      shortfalls: () => new Promise(() => {}),
      // Every part shares this bound: long enough for the working ones on a loaded machine (200 ms
      // was not, in a full run at load 18), while the hanging one is still cut by it.
      timeoutMs: 2_000,
    });
    expect(s.week.status).toBe('unavailable');
    expect(JSON.stringify(s)).not.toContain(secret);
    expect(s.week.status === 'unavailable' && s.week.reason).toMatch(/calendar said no/);
    expect(s.attention).toEqual({
      status: 'unavailable',
      reason: 'late and at-risk tasks: no answer within 2000 ms',
    });
    expect(ok(panel('koala-co').billing).unbilledAmount).toBe('1000.00');
    expect(s.clients.every((c) => c.billing.status === 'ok')).toBe(true);
  });

  it('is JSON-safe as it is: what `--json` and /api/snapshot print', () => {
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
    expect(snap.version).toBe(1);
    expect(snap.generatedAt).toBe('2026-11-30T07:00:00Z');
  });

  it('prints as text for `vahub status` with the same figures', () => {
    const text = statusText(snap);
    const koala = ok(panel('koala-co').billing);
    expect(text).toContain(`retainer ${koala.retainer?.usedHours} of 20 h (${koala.retainer?.usedPercent}%)`);
    expect(text).toContain(
      'Schedule December social posts (Koala Co Pty Ltd): Tue 1 Dec, end of day Australia/Sydney = Tue 1 Dec, 14:00 Europe/Budapest',
    );
    expect(text).toContain('LATE Year-end compliance checklist (hudson-legal)');
    expect(text).toContain('Rate limits\n  unavailable: rate limits: not configured');
  });

  it("says a client's failed time read once, not once per figure made from it", () => {
    const down = { status: 'unavailable' as const, reason: "Koala Co Pty Ltd's time: toggl is down" };
    const clients = snap.clients.map((c) =>
      c.id === 'koala-co' ? { ...c, billing: down, weeklyHours: down } : c,
    );
    const text = statusText({ ...snap, clients });
    expect(text.split("Koala Co Pty Ltd's time: toggl is down")).toHaveLength(2);
    expect(statusText(snap)).toContain('hours per week:');
  });
});

describe('connections', () => {
  it('say which grants need `vahub connect` again, and never show a token', async () => {
    const s = ok(snap.health.connections);
    expect(s).toEqual([
      { connector: 'google', state: 'ok', action: null },
      { connector: 'xero', state: 'ok', action: null },
    ]);
    const grant = await world.store.get('xero');
    if (!grant) throw new Error('the demo connected no xero grant');
    await world.store.delete('xero');
    try {
      const after = ok((await gatherSnapshot(world.deps)).health.connections);
      expect(after[1]).toEqual({ connector: 'xero', state: 'needs-redo', action: 'vahub connect xero' });
    } finally {
      await world.store.set('xero', grant);
    }
  });
});
