// The VA's week as the apps send it: each step changes an app the way the VA (or the client) would,
// the app's webhook reaches the receiver, and the demo waits for the jobs that follow and prints what
// the apps hold afterwards, in the VA's time and the client's.
import { Temporal } from '@vahub/core';
import type { JobQueues } from '@vahub/jobs';
import type { Config } from '@vahub/registry';
import type { UnbilledStore, UnbilledSummary } from '@vahub/worker';
import type { DemoFakes } from '../fakes.js';
import type { JobWatch } from './job-watch.js';
import { blockLines, momentLine, spanLine, taskBlocks } from './print-service.js';

export interface WeekPlayed {
  taskId: string;
  /** The new task's blocks after each step (calendar event ids and times). */
  blocks: { created: Span[]; afterMeeting: Span[] };
  /** The task whose due date moved, and its blocks before and after. */
  moved: { taskId: string; before: Span[]; after: Span[] };
  meeting: Span;
  unbilled: UnbilledSummary | null;
  draft: { invoiceId: string; subTotal: number; period: { firstDate: string; lastDate: string } };
  released: number;
}

export interface Span {
  id: string;
  start: number;
  end: number;
}

const KOALA = 'koala-co';
const HUDSON = 'hudson-legal';
const KOALA_PROJECT = '1207000000000001';
const KOALA_TOGGL = { workspace: 4242, project: 190001 };

export async function playWeek(input: {
  config: Config;
  fakes: DemoFakes;
  jobs: JobWatch;
  queues: JobQueues;
  unbilled: UnbilledStore;
  receiverUrl: string;
  nowMs: number;
  say: (line?: string) => void;
}): Promise<WeekPlayed> {
  const { config, fakes, jobs, say } = input;
  const va = config.va.timezone;
  const client = config.clients.find((c) => c.id === KOALA);
  if (!client) throw new Error(`the demo config has no client ${KOALA}`);
  const blocksOf = (taskId: string) => taskBlocks(fakes.google.events('primary'), taskId);
  const spans = (taskId: string) =>
    blocksOf(taskId).map((b) => ({ id: String(b.json.id), start: b.startMs, end: b.endMs }));
  /** The task's event job, then a replan that began after it. */
  const replanned = async (taskId: string, afterSeq: number) => {
    const event = await jobs.next('event.task', (f) => f.value?.taskId === taskId, afterSeq);
    await jobs.next('schedule.replan', () => true, event.seq);
  };

  /** Xero's webhook with the invoice events it holds, and the invoice job of each of `ids`. */
  const xeroTells = async (ids: readonly string[]) => {
    const seq = jobs.lastSeq();
    const delivery = await fakes.xero.deliverPendingEvents(`${input.receiverUrl}/webhooks/xero`);
    if (delivery.status !== 200)
      throw new Error(`the receiver answered Xero's webhook with ${delivery.status}`);
    return Promise.all(ids.map((id) => jobs.next('event.invoice', (f) => f.value?.invoiceId === id, seq)));
  };
  const earlier = [...fakes.xero.tenants.keys()].flatMap((t) => fakes.xero.invoices(t));
  await xeroTells(earlier.map((i) => String(i.InvoiceID)));
  say(`   Xero's webhook brings the ${earlier.length} drafts of part 2 into the billing ledger.`);

  // A task created.
  const state = fakes.asana.state;
  const vaUser = [...state.users.values()].find((u) => u.name === 'Réka VA');
  const estimate = [...state.customFields.values()].find((f) => f.name === 'Estimated time');
  if (!vaUser || !estimate) throw new Error('the demo’s Asana has no VA or no "Estimated time" field');
  say();
  say(
    `   A task is created in Asana for ${client.name}: "Write the December newsletter", 90 min, due 2026-12-03`,
  );
  let seq = jobs.lastSeq();
  const task = fakes.asana.createTask({
    name: 'Write the December newsletter',
    projects: [KOALA_PROJECT],
    assignee: vaUser.gid,
    dueOn: '2026-12-03',
    customFields: { [estimate.gid]: 90 },
  });
  await replanned(task.gid, seq);
  const created = spans(task.gid);
  say('     webhook → event.task → replan; its blocks:');
  for (const line of blockLines(blocksOf(task.gid), va, client)) say(line);

  // A meeting lands on its first block.
  const [first] = created;
  if (!first) throw new Error('the new task got no block');
  const meeting = { id: 'meeting', start: first.start, end: first.end };
  say();
  say(
    `   A client call lands on the first block: ${spanLine(meeting.start, meeting.end, va, client.timezone)}`,
  );
  seq = jobs.lastSeq();
  fakes.google.seedEvent('primary', {
    summary: 'Koala Co: newsletter brief call',
    start: { dateTime: new Date(meeting.start).toISOString(), timeZone: 'UTC' },
    end: { dateTime: new Date(meeting.end).toISOString(), timeZone: 'UTC' },
  });
  // The notification asks for a calendar sync (a `sweep` of the busy time), which finds the meeting.
  const calendar = await jobs.next(
    'sweep',
    (f) => f.value?.subject === 'calendar' && f.value?.replan === true,
    seq,
  );
  await jobs.next('schedule.replan', () => true, calendar.seq);
  const afterMeeting = spans(task.gid);
  say('     webhook → event.calendar → calendar sync (a meeting over a block) → replan; the blocks now:');
  for (const line of blockLines(blocksOf(task.gid), va, client)) say(line);

  // Another client moves a due date: Hudson Legal, in New York.
  const hudson = config.clients.find((c) => c.id === HUDSON);
  const letters = [...state.tasks.values()].find((t) => t.name === 'Prepare the engagement letters');
  if (!hudson || !letters)
    throw new Error('the demo has no Hudson Legal or no "Prepare the engagement letters"');
  const movedBefore = spans(letters.gid);
  say();
  say(
    `   ${hudson.name} moves "${letters.name}" from ${letters.dueOn} to 2026-12-01 (end of day in New York); its blocks were:`,
  );
  for (const line of blockLines(blocksOf(letters.gid), va, hudson)) say(line);
  seq = jobs.lastSeq();
  fakes.asana.updateTask(letters.gid, { dueOn: '2026-12-01' });
  await replanned(letters.gid, seq);
  const movedAfter = spans(letters.gid);
  say('     webhook → event.task → replan; the blocks now:');
  for (const line of blockLines(blocksOf(letters.gid), va, hudson)) say(line);

  // Time tracked.
  const trackedStart = Date.parse('2026-11-30T03:00:00Z');
  const trackedEnd = trackedStart + 90 * 60_000;
  say();
  say(
    `   Time tracked in Toggl for ${client.name}: ${spanLine(trackedStart, trackedEnd, va, client.timezone)}`,
  );
  seq = jobs.lastSeq();
  fakes.toggl.addEntry({
    workspace_id: KOALA_TOGGL.workspace,
    project_id: KOALA_TOGGL.project,
    description: 'Newsletter: first draft',
    start: trackedStart,
    stop: trackedEnd,
    billable: true,
  });
  await jobs.next('sweep', (f) => f.value?.subject === 'time-entry', seq);
  const unbilled = await input.unbilled.get(KOALA);
  say('     webhook → event.time-entry → recount; unbilled now:');
  say(`       ${unbilledLine(unbilled)}`);

  // The billing period ends: the scheduler's job at 00:05 on the 1st in the client's zone.
  const firing = Temporal.PlainDateTime.from('2026-12-01T00:05').toZonedDateTime(
    client.timezone,
  ).epochMilliseconds;
  say();
  say(
    `   ${client.name}'s November ends; the invoice run fires at ${momentLine(firing, va, client.timezone)}`,
  );
  seq = jobs.lastSeq();
  await input.queues
    .queue('invoice.run')
    .add(
      'invoice.run',
      { clientId: KOALA, period: 'just-ended', trigger: 'schedule' },
      { timestamp: firing },
    );
  const run = await jobs.next('invoice.run', (f) => f.value?.clientId === KOALA, seq);
  const invoiceId = String(run.value?.invoiceId ?? '');
  const tenantId = client.xero?.tenantId ?? '';
  const inXero = fakes.xero.invoices(tenantId).find((i) => i.InvoiceID === invoiceId);
  if (!inXero) throw new Error(`the invoice run drafted nothing for ${KOALA}: ${run.value?.reason}`);
  const period = run.value?.period as WeekPlayed['draft']['period'];
  say(
    `     invoice.run → Xero ${inXero.InvoiceNumber} (${inXero.Status}) for ${period.firstDate} – ${period.lastDate}: ` +
      `subtotal ${Number(inXero.SubTotal).toFixed(2)} ${client.billing.currency}, ${run.value?.tagged} Toggl entries tagged "invoiced"`,
  );

  await xeroTells([invoiceId]);

  // The VA deletes the draft in Xero.
  say();
  say(`   The VA deletes ${inXero.InvoiceNumber} in Xero`);
  fakes.xero.setInvoiceStatus(invoiceId, 'DELETED', tenantId);
  const [changed] = await xeroTells([invoiceId]);
  if (changed?.value?.status !== 'DELETED')
    throw new Error(`vahub read ${invoiceId} as ${changed?.value?.status}`);
  const released = Number((changed.value.ledger as { released?: number } | null)?.released ?? 0);
  say(
    `     webhook → event.invoice → billing ledger: ${released} entries released (untagged in Toggl), ` +
      'billed again by the next run',
  );
  return {
    taskId: task.gid,
    blocks: { created, afterMeeting },
    moved: { taskId: letters.gid, before: movedBefore, after: movedAfter },
    meeting,
    unbilled,
    draft: { invoiceId, subTotal: Number(inXero.SubTotal), period },
    released,
  };
}

function unbilledLine(u: UnbilledSummary | null): string {
  if (!u) return 'nothing recorded';
  const retainer =
    u.retainerUsed === null ? '' : `, ${Math.round(u.retainerUsed * 100)}% of the retainer (${u.flag})`;
  return `${u.hours} h in ${u.period.firstDate} – ${u.period.lastDate}, ${u.amount} ${u.currency} before tax${retainer}`;
}
