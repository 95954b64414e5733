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
import { REPORT_CSS } from './report-css.js';
import type { ReportDue, WeeklyReport } from './types.js';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text and attribute values as HTML shows them literally. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** A link only to http(s) addresses; anything else (`javascript:`) stays text. */
function link(text: string, url: string | null): string {
  if (url !== null) {
    try {
      const parsed = new URL(url);
      if (parsed.protocol === 'https:' || parsed.protocol === 'http:') {
        return `<a href="${escapeHtml(parsed.href)}">${escapeHtml(text)}</a>`;
      }
    } catch {
      // Not a URL: show the name alone.
    }
  }
  return escapeHtml(text);
}

/** A table that scrolls sideways on its own on a narrow screen, named for screen readers. */
function table(
  caption: string,
  head: string[],
  rows: string[],
  numeric: ReadonlySet<number> = new Set(),
): string {
  const ths = head
    .map((c, i) => `<th scope="col"${numeric.has(i) ? ' class="num"' : ''}>${escapeHtml(c)}</th>`)
    .join('');
  return (
    `<div class="scroll" role="region" aria-label="${escapeHtml(caption)}" tabindex="0">` +
    `<table><caption>${escapeHtml(caption)}</caption><thead><tr>${ths}</tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table></div>`
  );
}

function due(d: ReportDue | null): string {
  if (d === null) return '—';
  const at = d.kind === 'date' ? d.date : d.at;
  return `<time datetime="${escapeHtml(at)}">${escapeHtml(d.local)}</time>`;
}

function hoursSection(report: WeeklyReport): string {
  const { hours } = report;
  const parts = [`<h2>Hours this week: ${escapeHtml(h(hours.totalHours))}</h2>`];
  if (hours.projects.length === 0) parts.push(`<p>${escapeHtml(emptyLine('hours'))}</p>`);
  else {
    parts.push(`<p class="muted">${escapeHtml(roundingLine(report))}</p>`);
    const rows: string[] = [];
    for (const p of hours.projects) {
      for (const t of p.tasks) {
        rows.push(
          `<tr><td>${escapeHtml(p.name)}</td><td>${escapeHtml(t.name)}</td><td class="num">${escapeHtml(t.hours)}</td></tr>`,
        );
      }
      rows.push(
        `<tr class="subtotal"><th scope="row" colspan="2">${escapeHtml(p.name)}: total</th><td class="num">${escapeHtml(p.hours)}</td></tr>`,
      );
    }
    rows.push(
      `<tr class="total"><th scope="row" colspan="2">All projects</th><td class="num">${escapeHtml(hours.totalHours)}</td></tr>`,
    );
    parts.push(table('Hours by project and task', ['Project', 'Task', 'Hours'], rows, new Set([2])));
  }
  for (const note of hoursNotes(report)) parts.push(`<p class="muted">${escapeHtml(note)}</p>`);
  return `<section aria-labelledby="hours">${parts.join('').replace('<h2>', '<h2 id="hours">')}</section>`;
}

function tasksSections(report: WeeklyReport): string {
  const out: string[] = [];
  const done = report.completed.map(
    (t) =>
      `<li>${link(t.name, t.url)} <span class="muted">(<time datetime="${escapeHtml(t.completedAt)}">${escapeHtml(t.completedLocal)}</time>)</span></li>`,
  );
  out.push(
    '<section aria-labelledby="done"><h2 id="done">Completed this week</h2>',
    done.length === 0 ? `<p>${escapeHtml(emptyLine('completed'))}</p>` : `<ul>${done.join('')}</ul>`,
    '</section>',
  );
  const progress = report.inProgress.map((t) => {
    const blocks =
      t.nextBlocks.length === 0
        ? '<span class="muted">not scheduled yet</span>'
        : t.nextBlocks
            .map((b) => `<time datetime="${escapeHtml(b.start)}">${escapeHtml(b.local)}</time>`)
            .join('<br>');
    return `<tr><td>${link(t.name, t.url)}</td><td>${due(t.due)}</td><td>${blocks}</td></tr>`;
  });
  out.push(
    '<section aria-labelledby="progress"><h2 id="progress">In progress</h2>',
    progress.length === 0
      ? `<p>${escapeHtml(emptyLine('progress'))}</p>`
      : table('Open tasks and their next focus time', ['Task', 'Due', 'Next focus time'], progress),
    '</section>',
  );
  const deadlines = report.deadlines.map(
    (d) =>
      `<tr${d.overdue ? ' class="overdue"' : ''}><td>${link(d.name, d.url)}</td><td>${due(d.due)}</td><td>${d.overdue ? '<strong>Overdue</strong>' : ''}</td></tr>`,
  );
  const heading = `Upcoming deadlines (next ${report.lookaheadDays} days)`;
  out.push(
    `<section aria-labelledby="deadlines"><h2 id="deadlines">${escapeHtml(heading)}</h2>`,
    deadlines.length === 0
      ? `<p>${escapeHtml(emptyLine('deadlines', report.lookaheadDays))}</p>`
      : table(`Deadlines, ${report.zone} time`, ['Task', 'Due', 'State'], deadlines),
    '</section>',
  );
  return out.join('');
}

function billingSection(report: WeeklyReport): string {
  const b = report.billing;
  const out = [
    '<section aria-labelledby="billing">',
    `<h2 id="billing">Billing, ${escapeHtml(b.label)}</h2>`,
  ];
  const r = b.retainer;
  if (r) {
    const value = Math.min(Number(r.usedHours), Number(r.allowanceHours));
    out.push(
      '<h3>Retainer</h3>',
      `<p>${escapeHtml(retainerLine(r))}</p>`,
      `<meter min="0" max="${escapeHtml(r.allowanceHours)}" low="${Number(r.allowanceHours) * 0.8}" high="${Number(r.allowanceHours) * 0.99}" optimum="0" value="${value}" aria-label="Retainer hours used: ${escapeHtml(r.usedPercent.toString())}%">${escapeHtml(`${r.usedPercent}%`)}</meter>`,
    );
  }
  out.push('<h3>Not invoiced yet</h3>', `<p>${escapeHtml(unbilledLine(b))}</p>`, '</section>');
  return out.join('');
}

/**
 * The report as one self-contained HTML page: no script, no external asset (styles inline), readable
 * on a phone (fluid, tables scroll sideways by themselves), light and dark, accessible (landmarks,
 * captions and header cells, text beside every colour, a meter with its figure). Every name and
 * address from the sources is escaped; links go to http(s) only.
 */
export function renderReportHtml(report: WeeklyReport): string {
  const status = report.status.kind === 'on-track' ? 'ok' : 'risk';
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(title(report))}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<header><h1>${escapeHtml(title(report))}</h1>`,
    `<p>${escapeHtml(weekLine(report))}<br>${escapeHtml(preparedLine(report))}</p>`,
    `<p class="status ${status}" role="status">${escapeHtml(statusLine(report))}</p></header>`,
    hoursSection(report),
    tasksSections(report),
    billingSection(report),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
