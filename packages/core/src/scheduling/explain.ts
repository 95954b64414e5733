import type { BusyInterval } from '../domain/types.js';
import type { Interval } from '../time/zoned.js';
import { instantMs, MINUTE, type Prepared, type PTask } from './input.js';
import type { InvalidBlock } from './input-blocks.js';
import { offsetAt } from './local-days.js';
import type { Trigger } from './planner.js';
import type {
  BlockProblem,
  DeleteReason,
  KeepReason,
  LateReport,
  MoveReason,
  ShortfallReason,
} from './types.js';

// Display only (the instants themselves are computed before): the text is written from the
// wall-clock time, the zone's offset read as `offsetAt` keeps it (once per zone and day).
const WEEKDAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/** "Sun 2026-04-05 16:00" as the wall clock in `zone` reads `ms`. */
export function formatLocal(ms: number, zone: string): string {
  const d = new Date(ms + offsetAt(ms, zone));
  const year = d.getUTCFullYear();
  const y = year >= 1000 ? `${year}` : String(year).padStart(4, '0');
  return `${WEEKDAY_NAMES[d.getUTCDay()]} ${y}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}

/** `formatLocal`, remembered for the plan: many tasks share a deadline and blocks share days. */
function local(p: Prepared, ms: number, zone: string): string {
  const byZone = memo(p, zone);
  let text = byZone.get(ms);
  if (text === undefined) {
    text = formatLocal(ms, zone);
    byZone.set(ms, text);
  }
  return text;
}

function memo(p: Prepared, zone: string): Map<number | string, string> {
  let byZone = p.formatted.get(zone);
  if (!byZone) {
    byZone = new Map();
    p.formatted.set(zone, byZone);
  }
  return byZone;
}

function span(p: Prepared, i: Interval): string {
  return `${local(p, i.start, p.vaZone)}–${local(p, i.end, p.vaZone).slice(-5)} ${p.vaZone}`;
}

const mins = (ms: number) => `${Math.round(ms / MINUTE)} min`;

export function describeDeadline(p: Prepared, t: PTask): string {
  if (!Number.isFinite(t.deadline)) return 'no deadline';
  const zone = t.client?.timezone ?? p.vaZone;
  const due = t.task.due;
  // Many tasks share a due date: the text is made once per date (or instant) and zone.
  let byZone = p.dueTexts.get(zone);
  if (!byZone) {
    byZone = new Map();
    p.dueTexts.set(zone, byZone);
  }
  const key = due?.kind === 'date' ? due.date : -t.deadline;
  let text = byZone.get(key);
  if (text === undefined) {
    const what =
      due?.kind === 'date'
        ? `due ${due.date} (end of day in ${zone})`
        : `due ${local(p, t.deadline, zone)} ${zone}`;
    text = `${what} = ${local(p, t.deadline, p.vaZone)} ${p.vaZone}`;
    byZone.set(key, text);
  }
  return text;
}

/**
 * How the minutes a task needs came about: "360 min estimated − 120 min in its blocks already past
 * = 240 min needed", "100 min needed, rounded up to 120 min (2 blocks of 60 to 90 min)". `raw` is
 * the need before rounding, `need` after.
 */
export function describeNeed(p: Prepared, t: PTask, need: { raw: number; need: number }): string {
  const { min, max } = p.limits;
  // The past counts by started minutes (the need is rounded down), so show it that way.
  const estimated = t.task.estimateMinutes === null ? '' : mins(Math.ceil(t.task.estimateMinutes) * MINUTE);
  const source =
    t.tracked !== null && t.tracked > 0 && estimated
      ? `${estimated} estimated − ${Math.ceil(t.tracked / MINUTE)} min tracked = `
      : t.worked > 0 && estimated
        ? `${estimated} estimated − ${Math.ceil(t.worked / MINUTE)} min in its blocks already past = `
        : '';
  if (need.need <= need.raw) return `${source}${mins(need.need)} needed`;
  const blocks = Math.ceil(need.need / max);
  const shape = min === max ? `${mins(min)} each` : `of ${Math.round(min / MINUTE)} to ${mins(max)}`;
  return `${source}${mins(need.raw)} needed, rounded up to ${mins(need.need)} (${blocks} block${blocks === 1 ? '' : 's'} ${shape})`;
}

export function whyPlaced(
  p: Prepared,
  t: PTask,
  placed: Interval,
  part: { index: number; count: number; need: number; raw: number; whole: boolean },
): string[] {
  if (!p.explain) return [];
  const lines = [
    `"${t.task.name}" (${t.client?.name ?? t.task.clientId}): ${describeNeed(p, t, part)}, ${describeDeadline(p, t)}`,
    `planning order ${t.rank + 1} of ${p.ranked.length}: earliest deadline first, then priority (${PRIORITY_TEXT[t.priority]})`,
    part.whole
      ? `moved whole to the earliest free slot of its length${Number.isFinite(t.deadline) && t.deadline > placed.start ? ' before the deadline' : ''}, clear of busy time and a ${mins(p.buffer)} buffer: ${span(p, placed)}`
      : `earliest free working time from ${local(p, Math.max(t.release, p.earliest), p.vaZone)}, clear of busy time and a ${mins(p.buffer)} buffer: ${span(p, placed)}`,
    `part ${part.index} of ${part.count}, ${mins(placed.end - placed.start)} (blocks are ${mins(p.limits.min)} to ${mins(p.limits.max)})`,
  ];
  if (t.tier === 'protected') {
    lines.push(
      `important, without a deadline: planned as if due ${local(p, t.target, p.vaZone)} ${p.vaZone}, so work with deadlines cannot push it out forever`,
    );
  }
  if (placed.end > t.deadline)
    lines.push('after the deadline (the late part): there is not enough free time before it');
  return lines;
}

const PRIORITY_TEXT = ['neither urgent nor important', 'important', 'urgent', 'urgent and important'];

const KEEP_TEXT: Record<KeepReason, string> = {
  'still-valid': 'unchanged: still inside working hours, clear of busy time, and still needed',
  'moved-by-va': 'moved by the VA by hand: never changed by vahub',
  started: 'already started: past blocks are never changed',
  'beyond-horizon': 'beyond the planning horizon: left as it is',
  'unknown-client': 'its client is not in the configuration: left as it is',
};

export function whyKept(reason: KeepReason): string[] {
  return [KEEP_TEXT[reason]];
}

const REASON_TEXT: Record<MoveReason | DeleteReason, string> = {
  'slot-busy': 'its time became busy (or too close to a meeting)',
  'outside-working-hours': 'it is no longer inside working hours',
  'overlaps-block': 'it overlaps another block',
  'before-start-date': 'it is before the task may start',
  'after-deadline': 'it ended after the deadline and earlier time was found',
  'length-out-of-bounds': 'its length is outside the minimum and maximum block length',
  'made-room': 'its time was needed to meet the deadline of a more urgent task',
  'reshuffled-for-deadlines': 'blocks were rearranged so that more deadlines are met',
  'crosses-deadline': 'it ran past the deadline: the part before it and the late part are separate blocks',
  'less-time-needed': 'the task needs less time than it had blocked',
  'task-completed': 'the task was completed',
  'task-deleted': 'the task was deleted',
  'task-unassigned': 'the task is no longer assigned to the VA',
  'task-missing': 'the task is no longer listed',
  'client-changed': 'the task moved to another client',
  'invalid-block': 'it is not a usable block',
};

const PROBLEM_TEXT: Record<BlockProblem, (b: InvalidBlock) => string> = {
  'unreadable-time': (b) =>
    `its start ${JSON.stringify(b.block.start)} or end ${JSON.stringify(b.block.end)} is not a readable instant`,
  'end-not-after-start': (b) => `it ends (${b.block.end}) at or before it starts (${b.block.start})`,
  'duplicate-id': (b) => `another block on the calendar has the same id ${b.block.id}`,
  'bad-chunk': (b) => `its chunk number ${String(b.block.chunk)} is not a whole number`,
};

const LEFT_ALONE_TEXT: Record<NonNullable<InvalidBlock['leftAlone']>, string> = {
  'duplicate-id': 'deleting by id could remove the other block too',
  'moved-by-va': 'the VA changed it by hand',
  'unknown-client': 'its client is not in the configuration',
  'not-in-future': 'it is not wholly in the future (or its time cannot be read)',
};

/** Why an invalid block is deleted or left alone. */
export function whyInvalid(p: Prepared, b: InvalidBlock): string[] {
  if (!p.explain) return [];
  return [
    PROBLEM_TEXT[b.problem](b),
    b.leftAlone === null
      ? "deleted: it is vahub's, not moved by the VA and wholly in the future"
      : `left alone: ${LEFT_ALONE_TEXT[b.leftAlone]}; not counted as busy time nor as time for its task`,
  ];
}

/**
 * Why a block moved or went, naming the change behind it: the busy time now over it, or the task
 * it made room for and what changed for that task.
 */
export function whyChanged(
  p: Prepared,
  was: Interval,
  r: { reason: MoveReason | DeleteReason; forTaskId?: string; busy?: BusyInterval; trigger?: Trigger },
): string[] {
  if (!p.explain) return [];
  const over = r.busy ? `: ${describeBusy(p, r.busy)}` : '';
  const lines = [`was ${span(p, was)}: ${REASON_TEXT[r.reason]}${over}`];
  const forTask = r.forTaskId ? (p.taskById.get(r.forTaskId) ?? null) : null;
  const because = r.trigger ? `: ${describeTrigger(p, r.trigger)}` : '';
  if (forTask) {
    lines.push(`made room for "${forTask.task.name}", ${describeDeadline(p, forTask)}${because}`);
  } else if (r.trigger) {
    // Time of work late anyway, taken so that another deadline is kept.
    const taker = p.taskById.get(r.trigger.taskId);
    if (taker) lines.push(`its time went to "${taker.task.name}", ${describeDeadline(p, taker)}${because}`);
  }
  return lines;
}

function describeBusy(p: Prepared, b: BusyInterval): string {
  const what = b.source ? `${b.source} ` : 'busy time ';
  return `${what}${span(p, { start: instantMs(b.start), end: instantMs(b.end) })} (with the ${mins(p.buffer)} buffer)`;
}

function describeTrigger(p: Prepared, t: Trigger): string {
  if (t.kind === 'new') return 'it is new';
  if (t.kind === 'more-time') return 'it needs more time than its blocks held';
  const what = t.reason ? REASON_TEXT[t.reason] : 'it could not stay';
  return `its own block had to move (${what}${t.busy ? `: ${describeBusy(p, t.busy)}` : ''})`;
}

export function shortfallMessage(
  p: Prepared,
  t: PTask,
  reason: ShortfallReason,
  figures: { need: number; placed: number; onTime: number; raw: number },
  late: LateReport | null,
): string {
  if (!p.explain) return '';
  const text = `${shortfallText(p, t, reason, figures)}${reason === 'not-enough-free-time' && late ? lateText(p, late) : ''}`;
  // Past blocks and rounding are part of the answer to "why that many minutes?".
  const explained = figures.need > figures.raw || t.worked > 0;
  return reason === 'estimate-missing' || reason === 'unknown-client' || !explained
    ? text
    : `${text} (${describeNeed(p, t, figures)})`;
}

function shortfallText(
  p: Prepared,
  t: PTask,
  reason: ShortfallReason,
  figures: { need: number; placed: number; onTime: number },
): string {
  const name = `"${t.task.name}"`;
  switch (reason) {
    case 'estimate-missing':
      return `${name} has no estimate: set one on the task (or a default for the client); ${mins(figures.placed)} of existing blocks kept`;
    case 'unknown-client':
      return `${name} belongs to client "${t.task.clientId}", which is not in the configuration`;
    case 'deadline-passed':
      return `${name} was ${describeDeadline(p, t)}, already passed; ${mins(figures.placed)} of ${mins(figures.need)} placed as soon as possible`;
    case 'not-enough-free-time':
      return Number.isFinite(t.deadline)
        ? `${name}: only ${mins(figures.onTime)} of ${mins(figures.need)} fit before the deadline (${describeDeadline(p, t)}); ${mins(figures.placed - figures.onTime)} placed after it`
        : `${name}: only ${mins(figures.placed)} of ${mins(figures.need)} fit in the free working time before the horizon (${local(p, p.horizonEnd, p.vaZone)} ${p.vaZone})`;
  }
}

const CAUSE_TEXT: Record<LateReport['cause'], string> = {
  'deadline-passed': 'it was already due',
  'too-little-time': 'the free working time before its deadline cannot hold it even with no other work',
  'gave-way':
    'it gave way: the time before its deadline went to other work, and keeping it would have cost more (or more important) deadlines',
};

function lateText(p: Prepared, late: LateReport): string {
  const when =
    late.finishesAt === null
      ? 'not all of it fits before the horizon'
      : `finishes ${local(p, instantMs(late.finishesAt), p.vaZone)}, ${late.minutesLate} min late`;
  return `; ${when}: ${CAUSE_TEXT[late.cause]}`;
}
