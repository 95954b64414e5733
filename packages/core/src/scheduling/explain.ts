import type { Interval } from '../time/zoned.js';
import { MINUTE, type Prepared, type PTask } from './input.js';
import type { InvalidBlock } from './input-blocks.js';
import type { BlockProblem, DeleteReason, KeepReason, MoveReason, ShortfallReason } from './types.js';

// Display only: the instants themselves are computed with Temporal; Intl just prints them, and a
// cached formatter per zone keeps the trail cheap enough to build for every block.
const formatters = new Map<string, Intl.DateTimeFormat>();

/** "Sun 2026-04-05 16:00" as the wall clock in `zone` reads `ms`. */
export function formatLocal(ms: number, zone: string): string {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(zone, f);
  }
  const part: Record<string, string> = {};
  for (const { type, value } of f.formatToParts(ms)) part[type] = value;
  return `${part.weekday} ${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}`;
}

/** `formatLocal`, remembered for the plan: many tasks share a deadline and blocks share days. */
function local(p: Prepared, ms: number, zone: string): string {
  const key = `${zone}|${ms}`;
  let text = p.formatted.get(key);
  if (text === undefined) {
    text = formatLocal(ms, zone);
    p.formatted.set(key, text);
  }
  return text;
}

function span(p: Prepared, i: Interval): string {
  return `${local(p, i.start, p.vaZone)}–${local(p, i.end, p.vaZone).slice(-5)} ${p.vaZone}`;
}

const mins = (ms: number) => `${Math.round(ms / MINUTE)} min`;

export function describeDeadline(p: Prepared, t: PTask): string {
  if (!Number.isFinite(t.deadline)) return 'no deadline';
  const zone = t.client?.timezone ?? p.vaZone;
  const due = t.task.due;
  const what =
    due?.kind === 'date'
      ? `due ${due.date} (end of day in ${zone})`
      : `due ${local(p, t.deadline, zone)} ${zone}`;
  return `${what} = ${local(p, t.deadline, p.vaZone)} ${p.vaZone}`;
}

/**
 * How the minutes a task needs came about: "360 min estimated − 120 min in its blocks already past
 * = 240 min needed", "100 min needed, rounded up to 120 min (2 blocks of 60 to 90 min)". `raw` is
 * the need before rounding, `need` after.
 */
export function describeNeed(p: Prepared, t: PTask, need: { raw: number; need: number }): string {
  const { min, max } = p.limits;
  // The past counts by started minutes (the need is rounded down), so show it that way.
  const source =
    t.worked > 0 && t.task.estimateMinutes !== null
      ? `${mins(Math.ceil(t.task.estimateMinutes) * MINUTE)} estimated − ${Math.ceil(t.worked / MINUTE)} min in its blocks already past = `
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
  part: { index: number; count: number; need: number; raw: number },
): string[] {
  if (!p.explain) return [];
  const lines = [
    `"${t.task.name}" (${t.client?.name ?? t.task.clientId}): ${describeNeed(p, t, part)}, ${describeDeadline(p, t)}`,
    `planning order ${t.rank + 1} of ${p.ranked.length}: earliest deadline first, then priority (${t.task.priority})`,
    `earliest free working time from ${local(p, Math.max(t.release, p.earliest), p.vaZone)}, clear of busy time and a ${mins(p.buffer)} buffer: ${span(p, placed)}`,
    `part ${part.index} of ${part.count}, ${mins(placed.end - placed.start)} (blocks are ${mins(p.limits.min)} to ${mins(p.limits.max)})`,
  ];
  if (placed.end > t.deadline) lines.push('ends after the deadline: there is not enough free time before it');
  return lines;
}

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

export function whyChanged(
  p: Prepared,
  reason: MoveReason | DeleteReason,
  was: Interval,
  forTask: PTask | null,
): string[] {
  if (!p.explain) return [];
  const lines = [`was ${span(p, was)}: ${REASON_TEXT[reason]}`];
  if (forTask) lines.push(`made room for "${forTask.task.name}", ${describeDeadline(p, forTask)}`);
  return lines;
}

export function shortfallMessage(
  p: Prepared,
  t: PTask,
  reason: ShortfallReason,
  figures: { need: number; placed: number; onTime: number; raw: number },
): string {
  if (!p.explain) return '';
  const text = shortfallText(p, t, reason, figures);
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
