import type { Part, StatusSnapshot } from './types.js';

const show = <T>(p: Part<T>, lines: (data: T) => string[]): string[] =>
  p.status === 'ok' ? lines(p.data) : [`  unavailable: ${p.reason}`];

/**
 * The snapshot as plain text, for `vahub status` in a terminal: the same figures as the dashboard
 * (`--json` prints the snapshot itself). No colour codes; one fact a line.
 */
export function statusText(s: StatusSnapshot): string {
  const out: string[] = [`vahub status at ${s.generatedAt} (VA's zone ${s.va.zone})`, ''];
  out.push('Week');
  out.push(
    ...show(s.week, (w) => [
      `  ${w.id}, ${w.label}: ${w.blocks.length} focus blocks, ${w.meetings.length} busy times`,
      ...w.deadlines.map(
        (d) =>
          `  ${d.overdue ? 'OVERDUE' : 'due'} ${d.taskName} (${d.clientName}): ${d.clientLocal.text} ${d.clientLocal.zone} = ${d.vaLocal.text} ${d.vaLocal.zone}`,
      ),
    ]),
  );
  out.push('', 'Late and at risk');
  out.push(
    ...show(s.attention, (list) =>
      list.length === 0
        ? ['  none']
        : list.map(
            (a) => `  ${a.kind === 'late' ? 'LATE' : 'AT RISK'} ${a.taskName} (${a.clientId}): ${a.message}`,
          ),
    ),
  );
  for (const c of s.clients) {
    out.push('', `${c.name} (${c.id}, ${c.zone})`);
    out.push(
      ...show(c.billing, (b) => [
        `  ${b.periodLabel}: unbilled ${b.unbilledHours} h, ${b.currency} ${b.unbilledAmount}`,
        ...(b.retainer
          ? [
              `  retainer ${b.retainer.usedHours} of ${b.retainer.allowanceHours} h (${b.retainer.usedPercent}%), ${b.retainer.leftHours} h left, ${b.retainer.carriedInHours} h carried over`,
            ]
          : []),
      ]),
    );
    // Both come from the one read of the client's time: when it failed, its reason is said once.
    const sameFailure =
      c.billing.status !== 'ok' && c.weeklyHours.status !== 'ok' && c.billing.reason === c.weeklyHours.reason;
    if (!sameFailure)
      out.push(
        ...show(c.weeklyHours, (pts) => [
          `  hours per week: ${pts.map((p) => `${p.week} ${p.hours}`).join(', ')}`,
        ]),
      );
    out.push(
      ...show(c.drafts, (ds) =>
        ds.length === 0
          ? ['  no drafts']
          : ds.map(
              (d) =>
                `  draft ${d.invoiceNumber ?? d.invoiceId} ${d.label}: ${d.currency} ${d.total}, ${d.status ?? 'gone'}`,
            ),
      ),
    );
  }
  out.push('', 'Queues');
  out.push(
    ...show(s.health.queues, (q) => [
      ...q.queues.map(
        (r) =>
          `  ${r.queue}: ${r.waiting} waiting, ${r.active} active, ${r.delayed} delayed, ${r.failed} failed`,
      ),
      ...q.failed.map((f) => `  FAILED ${f.queue} ${f.jobId} (${f.kind}): ${f.reason}`),
    ]),
  );
  out.push('', 'Webhook deliveries');
  out.push(
    ...show(s.health.webhooks, (w) =>
      w.length ? w.map((r) => `  ${r.provider} ${r.outcome}: ${r.count}`) : ['  none'],
    ),
  );
  out.push('', 'Rate limits');
  out.push(
    ...show(s.health.rateLimits, (r) =>
      r.map((x) => `  ${x.provider}: ${x.remaining ?? '?'} of ${x.limit ?? '?'} left (${x.note})`),
    ),
  );
  out.push('', 'Connections');
  out.push(
    ...show(s.health.connections, (cs) =>
      cs.map((c) => `  ${c.connector}: ${c.state === 'ok' ? 'ok' : `needs redoing: ${c.action ?? ''}`}`),
    ),
  );
  return `${out.join('\n')}\n`;
}
