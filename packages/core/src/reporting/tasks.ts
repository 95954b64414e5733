import type { CalendarBlock, Task, TaskDue } from '../domain/types.js';
import { compareText } from '../invoicing/eligibility.js';
import { type EpochMs, endOfLocalDate, formatInstant, type Period, parseInstant } from '../time/zoned.js';
import type { LocalFormat } from './format.js';
import type { CompletedTask, Deadline, ReportDue, TaskInProgress } from './types.js';

const DAY_MS = 86_400_000;
/** Blocks listed per task: the next few say "in hand" without turning the report into a calendar. */
const BLOCKS_PER_TASK = 3;

/** A due date as the client reads it; a date is due at the end of that day in the client's zone. */
export function reportDue(due: TaskDue, local: LocalFormat): ReportDue {
  if (due.kind === 'date') {
    const endsAt = formatInstant(endOfLocalDate(due.date, local.zone));
    return { kind: 'date', date: due.date, local: local.date(due.date), endsAt };
  }
  const ms = parseInstant(due.at);
  return { kind: 'instant', at: due.at, local: local.dateTime(ms), endsAt: formatInstant(ms) };
}

/** The client's tasks completed inside the week, oldest first (ties by name, then id). */
export function completedIn(tasks: readonly Task[], week: Period, local: LocalFormat): CompletedTask[] {
  const seen = new Set<string>();
  const out: (CompletedTask & { ms: EpochMs })[] = [];
  for (const t of tasks) {
    if (seen.has(t.id) || t.status !== 'completed' || !t.completedAt) continue;
    const ms = parseInstant(t.completedAt);
    if (ms < week.start || ms >= week.end) continue;
    seen.add(t.id);
    out.push({
      ms,
      id: t.id,
      name: t.name,
      url: t.url,
      completedAt: formatInstant(ms),
      completedLocal: local.dateTime(ms),
    });
  }
  out.sort((a, b) => a.ms - b.ms || compareText(a.name, b.name) || compareText(a.id, b.id));
  return out.map(({ ms: _ms, ...t }) => t);
}

/**
 * The VA's open tasks of the client with their next focus blocks (blocks that have not ended by
 * `now`), those with the soonest block first, then by due, then by name.
 */
export function inProgress(input: {
  tasks: readonly Task[];
  blocks: readonly CalendarBlock[];
  clientId: string;
  now: EpochMs;
  local: LocalFormat;
}): TaskInProgress[] {
  const { local, now } = input;
  const blocksOf = new Map<string, { start: EpochMs; end: EpochMs }[]>();
  for (const b of input.blocks) {
    if (b.clientId !== input.clientId) continue;
    const start = parseInstant(b.start);
    const end = parseInstant(b.end);
    if (end <= now) continue;
    const list = blocksOf.get(b.taskId) ?? [];
    list.push({ start, end });
    blocksOf.set(b.taskId, list);
  }
  const rows = uniqueOpen(input.tasks).map((t) => {
    const blocks = (blocksOf.get(t.id) ?? []).sort((a, b) => a.start - b.start).slice(0, BLOCKS_PER_TASK);
    const due = t.due ? reportDue(t.due, local) : null;
    return {
      first: blocks[0]?.start ?? Number.POSITIVE_INFINITY,
      dueMs: due ? parseInstant(due.endsAt) : Number.POSITIVE_INFINITY,
      row: {
        id: t.id,
        name: t.name,
        url: t.url,
        due,
        nextBlocks: blocks.map((b) => ({
          start: formatInstant(b.start),
          end: formatInstant(b.end),
          local: local.span(b.start, b.end),
        })),
      },
    };
  });
  rows.sort(
    (a, b) =>
      a.first - b.first ||
      a.dueMs - b.dueMs ||
      compareText(a.row.name, b.row.name) ||
      compareText(a.row.id, b.row.id),
  );
  return rows.map((r) => r.row);
}

/** Open tasks due before `now` + `days` (overdue ones too), earliest first. */
export function deadlinesAhead(input: {
  tasks: readonly Task[];
  now: EpochMs;
  days: number;
  local: LocalFormat;
}): Deadline[] {
  const until = input.now + input.days * DAY_MS;
  const out: (Deadline & { ms: EpochMs })[] = [];
  for (const t of uniqueOpen(input.tasks)) {
    if (!t.due) continue;
    const due = reportDue(t.due, input.local);
    const ms = parseInstant(due.endsAt);
    if (ms > until) continue;
    out.push({ ms, id: t.id, name: t.name, url: t.url, due, overdue: ms <= input.now });
  }
  out.sort((a, b) => a.ms - b.ms || compareText(a.name, b.name) || compareText(a.id, b.id));
  return out.map(({ ms: _ms, ...d }) => d);
}

/** Open tasks assigned to the VA, each once (a listing may repeat one). */
function uniqueOpen(tasks: readonly Task[]): Task[] {
  const byId = new Map<string, Task>();
  for (const t of tasks) if (t.status === 'open') byId.set(t.id, t);
  return [...byId.values()];
}
