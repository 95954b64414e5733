import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { baseClientShape } from '../config/schema.js';
import type { Task, TimeEntry } from '../domain/types.js';
import { task } from '../scheduling/test-fixtures.js';
import { buildWeeklyReport } from './build.js';
import { escapeHtml, renderReportHtml } from './render-html.js';
import { escapeMarkdown, renderReportMarkdown } from './render-markdown.js';
import { renderReportText } from './render-text.js';

const HOSTILE = [
  '<script>alert("x")</script>',
  'a | b | c',
  '**not bold** _nor this_ `code`',
  '[click](javascript:alert(1))',
  '<img src=x onerror=alert(1)>',
  'line\nbreak & "quotes"',
];

const client = z.strictObject(baseClientShape).parse({
  id: 'acme',
  name: 'Acme <b>&</b> Sons',
  timezone: 'Europe/London',
  billing: { currency: 'GBP', hourlyRate: '40.00', rounding: { minutes: 15 } },
});

const entries: TimeEntry[] = HOSTILE.map((description, i) => ({
  id: `e${i}`,
  workspaceId: '1',
  projectId: i % 2 ? '7' : null,
  taskId: null,
  description,
  start: `2026-12-0${i + 1}T09:00:00Z`,
  stop: `2026-12-0${i + 1}T10:00:00Z`,
  durationSeconds: 3600,
  billable: true,
  tags: [],
}));

/** Task `i`, named after the i-th hostile string. */
const hostileTask = (i: number, fields: Partial<Task>): Task =>
  task({ id: `t${i}`, clientId: 'acme', name: HOSTILE[i] ?? '', estimateMinutes: null, ...fields });

const report = buildWeeklyReport({
  client,
  week: '2026-W49',
  now: '2026-12-04T16:00:00Z',
  entries,
  names: { projects: { '7': '</td><td>Project|7' } },
  completedTasks: [
    hostileTask(0, { status: 'completed', completedAt: '2026-12-01T12:00:00Z', url: 'javascript:alert(1)' }),
    hostileTask(3, {
      status: 'completed',
      completedAt: '2026-12-02T12:00:00Z',
      url: 'https://app.example/0/1/2?a=(b)',
    }),
  ],
  openTasks: [
    hostileTask(1, { due: { kind: 'date', date: '2026-12-03' } }),
    hostileTask(4, {}),
    hostileTask(5, {}),
  ],
  blocks: [],
});

describe('renderReportHtml', () => {
  const html = renderReportHtml(report);

  it('escapes every name from the sources: no markup of theirs survives', () => {
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>&');
    expect(html).not.toContain('</td><td>Project');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('Acme &lt;b&gt;&amp;&lt;/b&gt; Sons');
    expect(html).toContain('&lt;/td&gt;&lt;td&gt;Project|7');
  });

  it('links only to http(s) addresses', () => {
    expect(html).not.toMatch(/href="javascript/i);
    expect(html).toContain('<a href="https://app.example/0/1/2?a=(b)">[click](javascript:alert(1))</a>');
  });

  it('is one self-contained, accessible page: no script, no external asset', () => {
    const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
    expect(tags.filter((t) => /^<(script|link|img|iframe|object|embed)\b|\ssrc=|\son\w+=/i.test(t))).toEqual(
      [],
    );
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html.match(/href="[^"]*"/g)).toEqual(['href="https://app.example/0/1/2?a=(b)"']);
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    const tables = html.match(/<table>/g)?.length ?? 0;
    expect(tables).toBeGreaterThan(0);
    expect(html.match(/<caption>/g)?.length).toBe(tables);
    expect(html).toContain('<th scope="col"');
    expect(html).toContain('role="status">Status: at risk (1 task is overdue)</p>');
  });

  it('escapeHtml covers the five characters that matter', () => {
    expect(escapeHtml(`<a href='x'>&"</a>`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;');
  });
});

describe('renderReportMarkdown', () => {
  const md = renderReportMarkdown(report);
  const lines = md.split('\n');

  it('writes pipe tables whose rows all have the header’s cells, hostile names included', () => {
    /** Cells of a table row: split on pipes not escaped by a backslash. */
    const cells = (line: string) => line.split(/(?<!\\)\|/).length - 2;
    const tables: string[][] = [];
    for (const line of lines) {
      if (!line.startsWith('|')) continue;
      const prev = lines[lines.indexOf(line) - 1] ?? '';
      if (!prev.startsWith('|') || tables.length === 0) tables.push([]);
      tables.at(-1)?.push(line);
    }
    expect(tables.length).toBe(3); // hours, in progress, deadlines
    for (const rows of tables) {
      const width = cells(rows[0] ?? '');
      expect(rows[1]).toMatch(/^\| (---:?)( \| ---:?)* \|$/);
      for (const row of rows) expect(cells(row), row).toBe(width);
    }
    expect(md).toContain('| Project | Task | Hours |\n| --- | --- | ---: |');
    expect(md).toContain('a \\| b \\| c');
  });

  it('shows names literally: no emphasis, link, HTML or line break of theirs', () => {
    expect(md).toContain('\\*\\*not bold\\*\\* \\_nor this\\_ \\`code\\`');
    expect(md).toContain('\\<script\\>alert');
    expect(md).toContain('line break \\& "quotes"');
    expect(md).not.toMatch(/\]\(javascript/);
    expect(md).toContain('[\\[click\\]\\(javascript:alert\\(1\\)\\)](https://app.example/0/1/2?a=%28b%29)');
    expect(escapeMarkdown('a\nb|c')).toBe('a b\\|c');
  });
});

describe('renderReportText', () => {
  it('is plain text with bullets, the same figures as the other renderings', () => {
    const text = renderReportText(report);
    expect(text.split('\n').filter((l) => l.startsWith('|'))).toEqual([]);
    expect(text).toContain(`HOURS THIS WEEK: ${report.hours.totalHours} h`);
    expect(text).toContain('• line break & "quotes"');
    expect(renderReportMarkdown(report)).toContain(`## Hours this week: ${report.hours.totalHours} h`);
    expect(renderReportHtml(report)).toContain(`Hours this week: ${report.hours.totalHours} h</h2>`);
  });
});
