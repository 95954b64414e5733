import {
  type ClientConfig,
  endOfLocalDate,
  formatInstant,
  isoWeekAt,
  isoWeekPeriod,
  parseInstant,
  type Task,
  Temporal,
} from '@vahub/core';
import { clientColours, colourOf } from './colours.js';
import type { SnapshotDeps } from './deps.js';
import { dayText, localSpan, localTime } from './local.js';
import type { WeekDeadline, WeekView } from './types.js';

/** When a task is due by, as an instant: a due date ends at midnight in the client's zone. */
export function dueBy(task: Task, client: ClientConfig): number | null {
  if (!task.due) return null;
  return task.due.kind === 'date'
    ? endOfLocalDate(task.due.date, client.timezone)
    : parseInstant(task.due.at);
}

function deadlineOf(task: Task, client: ClientConfig, vaZone: string, now: number): WeekDeadline | null {
  const by = dueBy(task, client);
  if (by === null || !task.due) return null;
  const kind = task.due.kind;
  // A whole-day deadline reads as that day for the client ("Tue 1 Dec, end of day").
  const clientLocal =
    kind === 'date'
      ? {
          zone: client.timezone,
          date: task.due.kind === 'date' ? task.due.date : '',
          text: `${dayText(by - 1, client.timezone)}, end of day`,
        }
      : localTime(by, client.timezone);
  return {
    taskId: task.id,
    taskName: task.name,
    clientId: client.id,
    clientName: client.name,
    url: task.url,
    dueBy: formatInstant(by),
    kind,
    clientLocal,
    vaLocal: localTime(by, vaZone),
    overdue: by <= now,
  };
}

/**
 * The VA's current ISO week (VA's zone): vahub's blocks in client colours, the busy time around them,
 * and the open tasks due in the week or already overdue.
 */
export async function readWeek(deps: SnapshotDeps, now: number): Promise<WeekView> {
  const zone = deps.config.va.timezone;
  const { calendar, tasks } = deps;
  if (!calendar) throw new Error('no calendar is connected');
  const id = isoWeekAt(now, zone);
  const period = isoWeekPeriod(id, zone);
  const window = { start: formatInstant(period.start), end: formatInstant(period.end) };
  const clients = new Map(deps.config.clients.map((c) => [c.id, c]));
  const colours = clientColours(deps.config.clients);
  const [blocks, busy, open] = await Promise.all([
    calendar.listBlocks(window),
    calendar.busy(window),
    tasks
      ? Promise.all(deps.config.clients.map(async (c) => ({ c, list: await tasks.listOpenTasks(c.id) })))
      : Promise.resolve([]),
  ]);
  const days = Array.from({ length: 7 }, (_, i) => {
    const date = Temporal.PlainDate.from(period.firstDate).add({ days: i }).toString();
    return {
      date,
      label: dayText(
        Temporal.PlainDate.from(date).toZonedDateTime({ timeZone: zone }).epochMilliseconds,
        zone,
      ),
    };
  });
  const deadlines = open
    .flatMap(({ c, list }) => list.filter((t) => t.status === 'open').map((t) => deadlineOf(t, c, zone, now)))
    .filter((d): d is WeekDeadline => d !== null && (d.overdue || parseInstant(d.dueBy) <= period.end))
    .sort((a, b) => a.dueBy.localeCompare(b.dueBy) || a.taskId.localeCompare(b.taskId));
  return {
    id,
    label: `${days[0]?.label} – ${days[6]?.label}`,
    zone,
    start: window.start,
    end: window.end,
    days,
    blocks: blocks
      .map((b) => {
        const start = parseInstant(b.start);
        const end = parseInstant(b.end);
        const client = clients.get(b.clientId);
        return {
          id: b.id,
          clientId: b.clientId,
          clientName: client?.name ?? b.clientId,
          taskId: b.taskId,
          title: b.title,
          start: b.start,
          end: b.end,
          vaLocal: localSpan(start, end, zone),
          minutes: Math.round((end - start) / 60_000),
          colour: colours.get(b.clientId) ?? colourOf(null),
          movedByVa: b.movedByVa,
        };
      })
      .sort((a, b) => a.start.localeCompare(b.start) || a.id.localeCompare(b.id)),
    meetings: busy.map((m) => ({
      start: m.start,
      end: m.end,
      vaLocal: localSpan(parseInstant(m.start), parseInstant(m.end), zone),
      source: m.source ?? null,
    })),
    deadlines,
  };
}
