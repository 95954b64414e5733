import {
  emptyLine,
  h,
  hoursNotes,
  preparedLine,
  retainerLine,
  roundingLine,
  statusLine,
  title,
  unbilledLine,
  weekLine,
} from './phrases.js';
import type { ReportDue, WeeklyReport } from './types.js';

/**
 * Text as Markdown shows it literally: CommonMark lets any ASCII punctuation be escaped, so the
 * characters that could start emphasis, a link, code, HTML, an entity or a table cell are; line
 * breaks become spaces (a task name must not end a table row).
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/[\\`*_[\]{}()<>|~&#!]/g, (c) => `\\${c}`);
}

/** A link only to http(s) addresses, with the characters that would end the destination encoded. */
function link(text: string, url: string | null): string {
  const label = escapeMarkdown(text);
  if (url === null) return label;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return label;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return label;
  const href = parsed.href.replace(/[()<> ]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `[${label}](${href})`;
}

function table(head: string[], rows: string[][], right: ReadonlySet<number> = new Set()): string[] {
  const rule = head.map((_, i) => (right.has(i) ? '---:' : '---'));
  return [head, rule, ...rows].map((r) => `| ${r.join(' | ')} |`);
}

function due(d: ReportDue | null): string {
  return d === null ? '—' : escapeMarkdown(d.local);
}

/** The report as GitHub-flavoured Markdown: headings, lists and pipe tables, every name escaped. */
export function renderReportMarkdown(report: WeeklyReport): string {
  const out: string[] = [];
  const b = report.billing;
  out.push(`# ${escapeMarkdown(title(report))}`, '');
  out.push(`${escapeMarkdown(weekLine(report))}  `);
  out.push(`${escapeMarkdown(preparedLine(report))} · **${escapeMarkdown(statusLine(report))}**`, '');

  out.push(`## Hours this week: ${escapeMarkdown(h(report.hours.totalHours))}`, '');
  if (report.hours.projects.length === 0) out.push(emptyLine('hours'));
  else {
    out.push(escapeMarkdown(roundingLine(report)), '');
    const rows: string[][] = [];
    for (const p of report.hours.projects) {
      for (const t of p.tasks) rows.push([escapeMarkdown(p.name), escapeMarkdown(t.name), t.hours]);
      rows.push([`**${escapeMarkdown(p.name)}**`, '**Project total**', `**${p.hours}**`]);
    }
    rows.push(['**All projects**', '', `**${report.hours.totalHours}**`]);
    out.push(...table(['Project', 'Task', 'Hours'], rows, new Set([2])));
  }
  for (const note of hoursNotes(report)) out.push('', escapeMarkdown(note));

  out.push('', '## Completed this week', '');
  if (report.completed.length === 0) out.push(emptyLine('completed'));
  for (const t of report.completed)
    out.push(`- ${link(t.name, t.url)} (${escapeMarkdown(t.completedLocal)})`);

  out.push('', '## In progress', '');
  if (report.inProgress.length === 0) out.push(emptyLine('progress'));
  else {
    const rows = report.inProgress.map((t) => [
      link(t.name, t.url),
      due(t.due),
      t.nextBlocks.length === 0
        ? 'not scheduled yet'
        : t.nextBlocks.map((x) => escapeMarkdown(x.local)).join(' · '),
    ]);
    out.push(...table(['Task', 'Due', 'Next focus time'], rows));
  }

  out.push('', `## Upcoming deadlines (next ${report.lookaheadDays} days)`, '');
  if (report.deadlines.length === 0) out.push(emptyLine('deadlines', report.lookaheadDays));
  else {
    const rows = report.deadlines.map((d) => [
      link(d.name, d.url),
      due(d.due),
      d.overdue ? '**overdue**' : '',
    ]);
    out.push(...table(['Task', `Due (${escapeMarkdown(report.zone)})`, 'State'], rows));
  }

  if (b.retainer)
    out.push('', `## Retainer, ${escapeMarkdown(b.label)}`, '', escapeMarkdown(retainerLine(b.retainer)));
  out.push('', `## Not invoiced yet, ${escapeMarkdown(b.label)}`, '', escapeMarkdown(unbilledLine(b)));
  return `${out.join('\n')}\n`;
}
