import { type ClientConfig, endOfLocalDate, formatLocal, parseInstant, type Task } from '@vahub/core';
import type { ScheduleSummary } from '@vahub/worker';

/** "America/New_York" → "New York". */
export function place(zone: string): string {
  return (zone.split('/').at(-1) ?? zone).replaceAll('_', ' ');
}

/** When a task is due, as the client's zone reads it and as the VA's clock shows it. */
export function deadlineText(task: Task | null, client: ClientConfig | undefined, vaZone: string): string {
  if (!task?.due) return 'no deadline';
  const zone = client?.timezone ?? vaZone;
  if (task.due.kind === 'date') {
    const end = endOfLocalDate(task.due.date, zone);
    return `due ${task.due.date} in ${place(zone)}: before ${formatLocal(end, vaZone)} ${place(vaZone)}`;
  }
  const at = parseInstant(task.due.at);
  return `due ${formatLocal(at, zone)} ${place(zone)}: ${formatLocal(at, vaZone)} ${place(vaZone)}`;
}

/** `created 9 · moved 0 · kept 0 · deleted 0` */
export function countsLine(s: ScheduleSummary): string {
  const retitled = s.retitled > 0 ? ` · retitled ${s.retitled}` : '';
  return `created ${s.created} · moved ${s.moved} · kept ${s.kept} · deleted ${s.deleted}${retitled}`;
}

/** The VA's agenda: vahub's blocks day by day in the VA's zone, each with its task's deadline. */
export function agendaLines(
  summary: ScheduleSummary,
  config: { vaZone: string; clients: readonly ClientConfig[] },
): string[] {
  const { vaZone } = config;
  const clients = new Map(config.clients.map((c) => [c.id, c]));
  const parts = new Map<string, number>();
  for (const item of summary.agenda) parts.set(item.block.taskId, (parts.get(item.block.taskId) ?? 0) + 1);
  const seen = new Map<string, number>();
  const out: string[] = [];
  let day = '';
  for (const { block, task } of summary.agenda) {
    const start = formatLocal(parseInstant(block.start), vaZone);
    const end = formatLocal(parseInstant(block.end), vaZone);
    if (start.slice(0, 14) !== day) {
      day = start.slice(0, 14);
      out.push(`   ${day}`);
    }
    const n = (seen.get(block.taskId) ?? 0) + 1;
    seen.set(block.taskId, n);
    const of = parts.get(block.taskId) ?? 1;
    const part = of > 1 ? ` (part ${n} of ${of})` : '';
    out.push(`     ${start.slice(-5)}–${end.slice(-5)}  ${block.title}${part}`);
    out.push(`                  ${deadlineText(task, clients.get(block.clientId), vaZone)}`);
  }
  return out;
}

/** Tasks that did not get all their time, and why. */
export function unplacedLines(summary: ScheduleSummary, clients: readonly ClientConfig[]): string[] {
  const names = new Map(clients.map((c) => [c.id, c.name]));
  return summary.unplaced.map((u) => `     ! [${names.get(u.clientId) ?? u.clientId}] ${u.message}`);
}
