import type { Logger } from '@vahub/core';
import { billingPeriodCron, dailyCron, weeklyCron } from '@vahub/jobs';
import type { ServiceDeps } from './deps.js';
import { ALL_PROVIDERS } from './subscriptions.js';

export interface ServiceSchedules {
  /** Minutes between sweeps (tasks, calendar, time, invoices). @defaultValue 15 */
  sweepEveryMinutes?: number;
  /** When webhook subscriptions are checked and push channels renewed each day, UTC. @defaultValue "03:00" */
  renewAt?: string;
}

export const invoiceSchedulerId = (clientId: string) => `invoice-run:${clientId}`;

/**
 * Upsert the service's job schedulers: each client's invoice run at the start of its billing period
 * in its own zone, the weekly reports on the VA's clock, periodic sweeps and the daily channel
 * renewal; and remove the invoice runs of clients no longer configured. Upserting is idempotent:
 * every worker may do it at start.
 */
export async function upsertSchedules(
  deps: ServiceDeps,
  logger: Logger,
  options: ServiceSchedules = {},
): Promise<{ id: string; next: number | null }[]> {
  const { queues, config, providers } = deps;
  const out: { id: string; next: number | null }[] = [];
  for (const client of config.clients) {
    const id = invoiceSchedulerId(client.id);
    const { next } = await queues.schedule({
      id,
      name: 'invoice.run',
      input: { clientId: client.id, period: 'just-ended', trigger: 'schedule' },
      cron: billingPeriodCron({ cycle: client.billing.cycle, weekStartsOn: client.billing.weekStartsOn }),
      tz: client.timezone,
    });
    out.push({ id, next });
  }
  const wanted = new Set(config.clients.map((c) => invoiceSchedulerId(c.id)));
  for (const s of await queues.schedules('invoice.run')) {
    if (!wanted.has(s.id)) {
      await queues.unschedule('invoice.run', s.id);
      logger.info({ scheduler: s.id }, 'invoice run of a client no longer configured removed');
    }
  }
  if (config.reports.weekly.enabled) {
    const { day, at } = config.reports.weekly;
    const { next } = await queues.schedule({
      id: 'report-weekly',
      name: 'report.weekly',
      input: {},
      cron: weeklyCron({ day, at }),
      tz: config.va.timezone,
    });
    out.push({ id: 'report-weekly', next });
  } else {
    await queues.unschedule('report.weekly', 'report-weekly');
  }
  const every = options.sweepEveryMinutes ?? 15;
  const sweeps = [
    ['task', providers.tasks],
    ['calendar', providers.calendar],
    ['time-entry', providers.time],
    ['invoice', providers.invoices],
  ] as const;
  for (const [subject, provider] of sweeps) {
    const id = `sweep-${subject}`;
    const { next } = await queues.schedule({
      id,
      name: 'sweep',
      input: { provider, subject, clientId: null },
      cron: `*/${every} * * * *`,
      tz: 'UTC',
    });
    out.push({ id, next });
  }
  const { next } = await queues.schedule({
    id: 'channels-renew',
    name: 'channels.renew',
    input: { provider: ALL_PROVIDERS },
    cron: dailyCron(options.renewAt ?? '03:00'),
    tz: 'UTC',
  });
  out.push({ id: 'channels-renew', next });
  logger.info({ schedulers: out.length }, 'job schedulers in place');
  return out;
}
