// The weekly client reports for the week just past, written where the VA can open them.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CalendarPort, TaskSource, TimeSource } from '@vahub/core';
import type { Config } from '@vahub/registry';
import { weeklyReport } from '@vahub/worker';

export interface WrittenReport {
  clientId: string;
  week: string;
  file: string;
  totalHours: string;
  completed: number;
  /** "Thames Studio Ltd, 2026-W48 (23–29 Nov 2026): 2.5 h, 1 task completed" */
  summary: string;
}

/** Every client's report (HTML) in a new directory under the system's temporary one. */
export async function writeReports(input: {
  config: Config;
  ports: { tasks: TaskSource; time: TimeSource; calendar: CalendarPort };
  nowMs: number;
}): Promise<{ dir: string; reports: WrittenReport[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'vahub-demo-'));
  const reports: WrittenReport[] = [];
  for (const client of input.config.clients) {
    const { stored } = await weeklyReport({
      client,
      now: input.nowMs,
      tasks: input.ports.tasks,
      time: input.ports.time,
      calendar: input.ports.calendar,
      publish: false,
    });
    const file = join(dir, `weekly-report-${client.id}-${stored.week}.html`);
    await writeFile(file, stored.html, 'utf8');
    const { report } = stored;
    const tasks = report.completed.length === 1 ? 'task' : 'tasks';
    reports.push({
      clientId: client.id,
      week: stored.week,
      file,
      totalHours: report.hours.totalHours,
      completed: report.completed.length,
      summary: `${client.name}, ${stored.week} (${report.week.label}): ${report.hours.totalHours} h, ${report.completed.length} ${tasks} completed`,
    });
  }
  return { dir, reports };
}
