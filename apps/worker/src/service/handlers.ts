import type { JobHandlers, jobCatalog } from '@vahub/jobs';
import { weeklyReportJob } from '../jobs/weekly-report-job.js';
import { requestCalendarSync } from './calendar-jobs.js';
import type { ServiceDeps } from './deps.js';
import { invoiceChanged, invoiceRunJob } from './invoice-jobs.js';
import { reconcileJob, sweepJob } from './maintenance-jobs.js';
import { renewSubscriptionsJob } from './subscriptions.js';
import { DEFAULT_REPLAN_WINDOW_MS, replanJob, taskEventJob } from './task-jobs.js';

/**
 * The worker's handler map: exactly one handler per job of the catalog (checked by the types here
 * and again by `startWorkers` at start). Every handler re-reads the truth from the app and converges
 * to it, so a repeat (a redelivery, a retry, a second worker) changes nothing. Failures are sorted
 * by the runner (`classifyJobError`): transient ones retried, rate limits waited out without
 * spending a try, permanent ones parked with their reason.
 */
export function createHandlers(deps: ServiceDeps): JobHandlers<typeof jobCatalog> {
  const weekly = weeklyReportJob({
    config: deps.config,
    ports: deps.ports,
    archive: deps.archive,
    lock: deps.lock,
    ...(deps.now ? { now: deps.now } : {}),
  });
  return {
    'event.task': (payload, { logger }) => taskEventJob(deps, payload, logger),
    'schedule.replan': (payload, { logger }) => replanJob(deps, payload.reason, logger),
    'event.calendar': (payload) => requestCalendarSync(deps, payload.provider),
    'event.time-entry': (payload) =>
      // A burst of entries is one sweep: it applies what Toggl says changed to each client's kept entries.
      deps.queues.addThrottled(
        'sweep',
        { provider: payload.provider, subject: 'time-entry', clientId: null },
        { key: 'sweep-time-entry', windowMs: deps.replanWindowMs ?? DEFAULT_REPLAN_WINDOW_MS },
      ),
    'event.invoice': async (payload, { logger }) =>
      payload.resourceId === null
        ? { skipped: 'no invoice id in the event' }
        : invoiceChanged(deps, payload.resourceId, logger),
    'invoice.run': (payload, context) => invoiceRunJob(deps, payload, context),
    sweep: (payload, { logger }) => sweepJob(deps, payload, logger),
    reconcile: (payload, { logger }) => reconcileJob(deps, payload, logger),
    'channels.renew': (payload, { logger }) => renewSubscriptionsJob(deps, payload.provider, logger),
    'report.weekly': (payload, context) => weekly(payload, context),
  } satisfies JobHandlers<typeof jobCatalog>;
}
