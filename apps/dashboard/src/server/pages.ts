import { colourClass } from '../snapshot/colours.js';
import type { ClientPanel, Colour, StatusSnapshot, TaskAlert } from '../snapshot/types.js';
import { esc, orUnavailable, safeUrl, table } from './html.js';
import { hoursChart, retainerGauge, weekChart } from './svg.js';

const swatch = (c: Colour, label: string) =>
  `<span class="swatch ${colourClass(c)}">${esc(label)}</span> <span class="muted">(${esc(c.name)})</span>`;

function alertRows(list: readonly TaskAlert[]): string[][] {
  return list.map((a) => [
    a.kind === 'late' ? '<span class="tag late">Late</span>' : '<span class="tag risk">At risk</span>',
    esc(a.taskName),
    esc(a.clientId),
    esc(a.message),
  ]);
}

export function weekPage(s: StatusSnapshot): { title: string; body: string } {
  const body = orUnavailable(s.week, (w) => {
    const blocks = table(
      `vahub's focus blocks, ${w.label} (${w.zone})`,
      ['When (VA)', 'Client', 'Block', 'Minutes'],
      w.blocks.map((b) => [
        `<span class="when">${esc(b.vaLocal.text)}</span>`,
        swatch(b.colour, b.clientName),
        esc(b.title) + (b.movedByVa ? ' <span class="tag">moved by you</span>' : ''),
        `<span class="num">${b.minutes}</span>`,
      ]),
      'no focus blocks this week.',
    );
    const meetings = table(
      'Meetings and other busy time',
      ['When (VA)', 'What'],
      w.meetings.map((m) => [esc(m.vaLocal.text), esc(m.source ?? 'busy')]),
      'none this week.',
    );
    const deadlines = table(
      'Deadlines this week (and overdue)',
      ['Task', 'Client', "Client's time", 'Your time', 'State'],
      w.deadlines.map((d) => [
        safeUrl(d.url) ? `<a href="${esc(safeUrl(d.url))}">${esc(d.taskName)}</a>` : esc(d.taskName),
        esc(d.clientName),
        `<span class="client-time">${esc(d.clientLocal.text)}</span> <span class="muted">${esc(d.clientLocal.zone)}</span>`,
        `<span class="va-time">${esc(d.vaLocal.text)}</span> <span class="muted">${esc(d.vaLocal.zone)}</span>`,
        d.overdue ? '<span class="tag late">Overdue</span>' : '<span class="tag">Due</span>',
      ]),
      'no deadlines this week.',
    );
    return `<h1>Week ${esc(w.id)} <span class="muted">${esc(w.label)}, ${esc(w.zone)}</span></h1>
<section class="card" aria-label="Calendar">${weekChart(w)}</section>
${blocks}
<h2>Deadlines</h2>
${deadlines}
<h2>Meetings</h2>
${meetings}`;
  });
  const attention = orUnavailable(s.attention, (list) =>
    table(
      'Late and at-risk tasks, with the planner’s reason',
      ['State', 'Task', 'Client', 'Reason'],
      alertRows(list),
      'every task fits before its deadline.',
    ),
  );
  return { title: 'Week', body: `${body}\n<h2>Late and at risk</h2>\n${attention}` };
}

export function clientsPage(s: StatusSnapshot): { title: string; body: string } {
  const rows = s.clients.map((c) => [
    `<a href="/clients/${encodeURIComponent(c.id)}">${esc(c.name)}</a>`,
    swatch(c.colour, c.id),
    c.billing.status === 'ok' ? `${esc(c.billing.data.unbilledHours)} h` : 'unavailable',
    c.billing.status === 'ok'
      ? `${esc(c.billing.data.currency)} ${esc(c.billing.data.unbilledAmount)}`
      : 'unavailable',
    c.billing.status === 'ok' && c.billing.data.retainer ? `${c.billing.data.retainer.usedPercent}%` : '—',
  ]);
  return {
    title: 'Clients',
    body: `<h1>Clients</h1>${table('Clients, the current billing period', ['Client', 'Colour', 'Unbilled hours', 'Unbilled amount', 'Retainer used'], rows, 'no clients configured.')}`,
  };
}

function billingSection(c: ClientPanel): string {
  return orUnavailable(c.billing, (b) => {
    const r = b.retainer;
    const retainer = r
      ? `<h3>Retainer</h3>${retainerGauge(r, `ret-${c.id}`)}
<dl class="figures retainer">
<div><dt>Used</dt><dd data-figure="used">${esc(r.usedHours)} h</dd></div>
<div><dt>Included</dt><dd data-figure="included">${esc(r.includedHours)} h</dd></div>
<div><dt>Carried over</dt><dd data-figure="carried">${esc(r.carriedInHours)} h</dd></div>
<div><dt>Left</dt><dd data-figure="left">${esc(r.leftHours)} h</dd></div>
<div><dt>Over</dt><dd data-figure="overage">${esc(r.overageHours)} h</dd></div>
<div><dt>Used</dt><dd data-figure="percent">${r.usedPercent}%${r.level === 'past-100' ? ' <span class="tag bad">past 100%</span>' : r.level === 'past-80' ? ' <span class="tag warn">past 80%</span>' : ''}</dd></div>
</dl>`
      : '<p class="muted">No retainer.</p>';
    return `<h2>Billing, ${esc(b.periodLabel)}</h2>
<dl class="figures unbilled">
<div><dt>Unbilled hours</dt><dd data-figure="unbilled-hours">${esc(b.unbilledHours)} h</dd></div>
<div><dt>Unbilled amount (${esc(b.lineAmountTypes === 'Inclusive' ? 'tax included' : b.lineAmountTypes === 'NoTax' ? 'no tax' : 'before tax')})</dt><dd data-figure="unbilled-amount">${esc(b.currency)} ${esc(b.unbilledAmount)}</dd></div>
</dl>${b.note ? `<p class="muted">${esc(b.note)}</p>` : ''}
${retainer}`;
  });
}

export function clientPage(
  c: ClientPanel,
  report: { week: string; text: string } | null,
): { title: string; body: string } {
  const hours = orUnavailable(
    c.weeklyHours,
    (points) =>
      `${hoursChart(points, `hrs-${c.id}`)}${table(
        'Billable hours per week',
        ['Week', 'Starts', 'Hours'],
        points.map((p) => [esc(p.week), esc(p.label), `<span class="num">${esc(p.hours)}</span>`]),
      )}`,
  );
  const drafts = orUnavailable(c.drafts, (list) =>
    table(
      'Last drafts',
      ['Invoice', 'Period', 'Total', 'State'],
      list.map((d) => [
        esc(d.invoiceNumber ?? d.invoiceId),
        esc(d.label),
        `${esc(d.currency)} ${esc(d.total)}`,
        `<span class="tag">${esc(d.status ?? 'gone')}</span>`,
      ]),
      'no drafts yet.',
    ),
  );
  const weekly = report
    ? `<p>Week ${esc(report.week)}: <a href="/clients/${encodeURIComponent(c.id)}/report">open the report page</a> to copy or send it.</p><pre class="report">${esc(report.text)}</pre>`
    : '<p class="muted">No weekly report prepared yet.</p>';
  return {
    title: c.name,
    body: `<h1>${esc(c.name)} <span class="muted">${esc(c.zone)}</span></h1>
<p>${swatch(c.colour, 'Calendar colour')}</p>
<section class="card">${billingSection(c)}</section>
<section class="card"><h2>Hours per week</h2>${hours}</section>
<section class="card"><h2>Drafts</h2>${drafts}</section>
<section class="card"><h2>Weekly report</h2>${weekly}</section>`,
  };
}

export function healthPage(s: StatusSnapshot): { title: string; body: string } {
  const h = s.health;
  const queues = orUnavailable(
    h.queues,
    (q) =>
      table(
        'Queues',
        ['Queue', 'Waiting', 'Active', 'Delayed', 'Failed'],
        q.queues.map((r) => [
          esc(r.queue),
          String(r.waiting),
          String(r.active),
          String(r.delayed),
          r.failed > 0 ? `<span class="bad">${r.failed}</span>` : '0',
        ]),
      ) +
      table(
        'Failed jobs and why',
        ['Queue', 'Job', 'Kind', 'Reason', 'When'],
        q.failed.map((f) => [esc(f.queue), esc(f.jobId), esc(f.kind), esc(f.reason), esc(f.failedAt ?? '')]),
        'none.',
      ),
  );
  const webhooks = orUnavailable(h.webhooks, (list) =>
    table(
      'Webhook deliveries (this process)',
      ['Provider', 'Outcome', 'Count'],
      list.map((w) => [esc(w.provider), esc(w.outcome), String(w.count)]),
      'none received yet.',
    ),
  );
  const limits = orUnavailable(h.rateLimits, (list) =>
    table(
      'Rate-limit headroom',
      ['Provider', 'Left', 'Limit', 'Note'],
      list.map((r) => [esc(r.provider), esc(r.remaining ?? '?'), esc(r.limit ?? '?'), esc(r.note)]),
    ),
  );
  const connections = orUnavailable(h.connections, (list) =>
    table(
      'Connections',
      ['Connector', 'State', 'What to do'],
      list.map((c) => [
        esc(c.connector),
        c.state === 'ok' ? '<span class="tag good">OK</span>' : '<span class="tag bad">Needs redoing</span>',
        esc(c.action ?? ''),
      ]),
    ),
  );
  return {
    title: 'Health',
    body: `<h1>Service health</h1><p class="muted">As of ${esc(s.generatedAt)}</p>
<section class="card"><h2>Queues</h2>${queues}</section>
<section class="card"><h2>Webhooks</h2>${webhooks}</section>
<section class="card"><h2>Rate limits</h2>${limits}</section>
<section class="card"><h2>Connections</h2>${connections}</section>`,
  };
}

export function loginPage(error: string | null): { title: string; body: string } {
  return {
    title: 'Sign in',
    body: `<form class="login card" method="post" action="/login">
<h1>Sign in to vahub</h1>
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<label for="token">Dashboard token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
<p class="muted">The token is the value of VAHUB_DASHBOARD_TOKEN where vahub runs.</p>
</form>`,
  };
}
