// One weekly report, written where the VA can open it: the first client's, for the week just past.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CalendarPort, TaskSource, TimeSource } from '@vahub/core';
import type { Config } from '@vahub/registry';
import { weeklyReport } from '@vahub/worker';

export async function writeReport(input: {
  config: Config;
  ports: { tasks: TaskSource; time: TimeSource; calendar: CalendarPort };
  nowMs: number;
}): Promise<{ file: string; summary: string }> {
  const client = input.config.clients[0];
  if (!client) throw new Error('the demo config has no client');
  const { stored } = await weeklyReport({
    client,
    now: input.nowMs,
    tasks: input.ports.tasks,
    time: input.ports.time,
    calendar: input.ports.calendar,
    publish: false,
  });
  const dir = await mkdtemp(join(tmpdir(), 'vahub-demo-'));
  const file = join(dir, `weekly-report-${client.id}-${stored.week}.html`);
  await writeFile(file, stored.html, 'utf8');
  const { report } = stored;
  return {
    file,
    summary:
      `Weekly report ${stored.week} for ${client.name} (${report.week.label}): ` +
      `${report.hours.totalHours} h, ${report.completed.length} tasks completed (HTML, also Markdown and text).`,
  };
}
