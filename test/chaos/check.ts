// The end state against the truth, read from the fakes themselves (faults off), never from vahub's
// own records: blocks, drafts, tags, limits, grants and failed jobs.
import { MemoryLock, MemoryStateStore, periodContaining, silentLogger, Temporal } from '@vahub/core';
import { listFailedJobs } from '@vahub/jobs';
import { buildConnectors } from '@vahub/registry';
import { scheduleTasks } from '@vahub/worker';
import { TENANT } from '../support/flows-world.js';
import { blocksOf, endOf, type ServiceWorld, startOf } from '../support/service-world.js';
import type { Truth } from './load.js';
import { type ChaosClient, expectedSubtotal } from './world.js';

export interface Verdict {
  /** Blocks beyond a task's estimate, blocks of closed tasks, overlapping blocks, second drafts. */
  duplicates: number;
  /** Minutes of an open task neither booked nor reported unplaced, drafts not made, entries not tagged. */
  missing: number;
  /** Blocks outside working hours or over a meeting. */
  misplaced: number;
  /**
   * Drafts whose total is not what the entries say; entries of the current period tagged; clients
   * whose unbilled hours (counted incrementally) are not what the period's entries in Toggl say.
   */
  wrongTotals: number;
  /** What a fresh plan against the apps would still change (created + moved + deleted + retitled). */
  planWouldChange: number;
  /** Vendor answers 429/402 that the fakes' own limits gave (not injected faults). */
  limitViolations: number;
  grantsLost: number;
  /** Failed jobs other than the deliberately permanent ones. */
  failedJobs: number;
  openTasks: number;
  blocks: number;
  unplacedTasks: number;
  drafts: number;
  problems: string[];
}

const ZONE = 'Europe/Budapest';

function inWorkingHours(start: number, end: number): boolean {
  const s = Temporal.Instant.fromEpochMilliseconds(start).toZonedDateTimeISO(ZONE);
  const e = Temporal.Instant.fromEpochMilliseconds(end).toZonedDateTimeISO(ZONE);
  return (
    s.dayOfWeek <= 5 &&
    s.toPlainDate().equals(e.toPlainDate()) &&
    s.hour * 60 + s.minute >= 9 * 60 &&
    e.hour * 60 + e.minute <= 17 * 60
  );
}

export async function checkEndState(
  w: ServiceWorld,
  clients: ChaosClient[],
  truth: Truth,
  deliberate: (data: unknown) => boolean,
): Promise<Verdict> {
  const problems: string[] = [];
  const v: Verdict = {
    duplicates: 0,
    missing: 0,
    misplaced: 0,
    wrongTotals: 0,
    planWouldChange: 0,
    limitViolations: 0,
    grantsLost: 0,
    failedJobs: 0,
    openTasks: 0,
    blocks: 0,
    unplacedTasks: 0,
    drafts: 0,
    problems,
  };
  const note = (what: string) => {
    if (problems.length < 30) problems.push(what);
  };

  // Grants first: the fresh plan below refreshes tokens itself.
  for (const name of ['google', 'xero']) {
    const grant = await w.tokens.get(name);
    const usable =
      name === 'xero' ? grant?.refreshToken && w.xero.refreshTokenUsable(grant.refreshToken) : grant;
    if (!usable) {
      v.grantsLost += 1;
      note(`${name}: the grant in Redis is gone or its refresh token is dead`);
    }
  }

  // What the planner wants, from the apps themselves (not vahub's mirrors).
  const built = buildConnectors(w.config, {
    tokens: w.tokens,
    state: new MemoryStateStore(),
    lock: new MemoryLock(),
    logger: silentLogger,
  });
  const summary = await scheduleTasks({
    config: w.config,
    tasks: built.ports.tasks,
    calendar: built.ports.calendar,
  }).finally(() => built.close());
  v.planWouldChange = summary.created + summary.moved + summary.deleted + summary.retitled;
  if (v.planWouldChange > 0) {
    note(
      `a fresh plan would change blocks: ${summary.created} created, ${summary.moved} moved, ${summary.deleted} deleted, ${summary.retitled} retitled`,
    );
  }
  // The blocks as they were before that plan (it writes only when something was off).
  const unplaced = new Map(summary.unplaced.map((u) => [u.taskId, u.missingMinutes]));
  v.unplacedTasks = unplaced.size;

  const now = Date.now();
  const blocks = blocksOf(w.google);
  v.blocks = blocks.length;
  const meetings = w.google
    .events('primary')
    .filter((e) => e.json.status !== 'cancelled')
    .filter(
      (e) =>
        !(e.json.extendedProperties as { private?: Record<string, string> } | undefined)?.private?.vahubBlock,
    );
  const minutes = new Map<string, number>();
  for (const b of blocks) {
    const task = (b.json.extendedProperties as { private: Record<string, string> }).private.vahubTask!;
    minutes.set(task, (minutes.get(task) ?? 0) + (endOf(b) - startOf(b)) / 60_000);
    if (!inWorkingHours(startOf(b), endOf(b))) {
      v.misplaced += 1;
      note(`block ${b.json.id} is outside working hours`);
    }
    if (meetings.some((m) => startOf(m) < endOf(b) && startOf(b) < endOf(m))) {
      v.misplaced += 1;
      note(`block ${b.json.id} is over a meeting`);
    }
  }
  const sorted = [...blocks].sort((a, b) => startOf(a) - startOf(b));
  for (let i = 1; i < sorted.length; i++) {
    if (startOf(sorted[i]!) < endOf(sorted[i - 1]!)) {
      v.duplicates += 1;
      note(`blocks ${sorted[i - 1]!.json.id} and ${sorted[i]!.json.id} overlap`);
    }
  }
  for (const [gid] of truth.tasks) {
    const task = w.asana.state.tasks.get(gid);
    const booked = minutes.get(gid) ?? 0;
    if (!task || task.completed) {
      const future = blocksOf(w.google, gid).filter((b) => endOf(b) > now).length;
      if (future > 0) {
        v.duplicates += future;
        note(`task ${gid} is closed but has ${future} block(s) to come`);
      }
      continue;
    }
    v.openTasks += 1;
    const estimate = Number(task.customFields[w.estimateGid]);
    // Booked beyond the estimate is a duplicate; short of it, the planner must say why (a task it
    // books late or cannot place is in `unplaced` with the minutes it lacks).
    const lacking = unplaced.get(gid) ?? 0;
    if (booked > estimate) {
      v.duplicates += 1;
      const detail = blocksOf(w.google, gid)
        .map(
          (b) =>
            `${b.json.id} ${new Date(startOf(b)).toISOString()}–${new Date(endOf(b)).toISOString()} ${JSON.stringify((b.json.extendedProperties as { private?: unknown } | undefined)?.private)}`,
        )
        .join('; ');
      note(`task ${gid}: ${booked} min booked for an estimate of ${estimate}: ${detail}`);
    } else if (booked + lacking < estimate) {
      v.missing += 1;
      note(`task ${gid}: ${booked} min booked, ${lacking} unplaced, estimate ${estimate}`);
    }
  }

  // Drafts and tags.
  const live = w.xero.invoices(TENANT).filter((i) => !['DELETED', 'VOIDED'].includes(String(i.Status)));
  v.drafts = live.length;
  for (const client of clients) {
    const entries = truth.lastPeriod.get(client.id)!;
    const drafts = live.filter((i) => (i.Contact as { ContactID: string }).ContactID === client.contactId);
    const total = [...entries.values()].reduce((s, m) => s + m, 0);
    if (entries.size > 0 && drafts.length === 0) {
      v.missing += 1;
      note(`${client.id}: no draft for the period that ended`);
    }
    if (drafts.length > 1) {
      v.duplicates += drafts.length - 1;
      note(`${client.id}: ${drafts.length} live drafts for one period`);
    }
    const want = expectedSubtotal(client, total);
    for (const d of drafts) {
      if (Math.abs(Number(d.SubTotal) - want) > 0.005) {
        v.wrongTotals += 1;
        const lines = (d.LineItems as { Description: string; Quantity: number; UnitAmount: number }[])
          .map((l) => `${l.Quantity} × ${l.UnitAmount} "${l.Description.slice(0, 60)}"`)
          .join('; ');
        note(
          `${client.id}: draft ${d.InvoiceNumber} says ${d.SubTotal}, the entries say ${want.toFixed(2)} (${total} min over ${entries.size} entries); lines: ${lines}`,
        );
      }
    }
    for (const id of entries.keys()) {
      if (!w.toggl.store.entries.get(id)?.tags.includes('invoiced')) {
        v.missing += 1;
        note(`${client.id}: entry ${id} of the invoiced period is not tagged`);
      }
    }
  }
  for (const id of truth.currentPeriod) {
    if (w.toggl.store.entries.get(id)?.tags.includes('invoiced')) {
      v.wrongTotals += 1;
      note(`entry ${id} of the current period is tagged invoiced`);
    }
  }

  await checkUnbilled(w, clients, v, note);

  for (const fake of [w.asana, w.google, w.toggl, w.xero]) {
    const refused = fake.server.requests.filter((r) => (r.status === 429 || r.status === 402) && !r.fault);
    v.limitViolations += refused.length;
    if (refused.length > 0) note(`${fake.id}: ${refused.length} answers of its own limits (429/402)`);
  }

  const failed = (await listFailedJobs(w.queues, { limit: 1000 })).filter((f) => !deliberate(f.data));
  v.failedJobs = failed.length;
  for (const f of failed.slice(0, 5)) note(`failed ${f.queue} job ${f.jobId}: ${f.reason}`);
  return v;
}

/** Each client's unbilled hours as the worker keeps them against its billable, not invoiced entries of the period in Toggl. */
async function checkUnbilled(
  w: ServiceWorld,
  clients: ChaosClient[],
  v: Verdict,
  note: (what: string) => void,
) {
  for (const client of clients) {
    const { billing, timezone } = w.config.clients.find((c) => c.id === client.id)!;
    const kind = billing.cycle === 'weekly' ? 'week' : 'month';
    const period = periodContaining(kind, Date.now(), timezone, billing.weekStartsOn);
    let minutes = 0;
    for (const e of w.toggl.store.entries.values()) {
      if (e.project_id !== client.togglProject || e.deletedAt !== null || e.stop === null) continue;
      if (!e.billable || e.tags.includes(billing.invoicedTag)) continue;
      if (e.start >= period.start && e.start < period.end) minutes += (e.stop - e.start) / 60_000;
    }
    const counted = (await w.unbilled.get(client.id))?.hours ?? 'none';
    if (counted !== (minutes / 60).toFixed(2)) {
      v.wrongTotals += 1;
      note(
        `${client.id}: ${counted} unbilled hours counted, its entries in Toggl say ${(minutes / 60).toFixed(2)}`,
      );
    }
  }
}
