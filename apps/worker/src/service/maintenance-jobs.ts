import type { Logger } from '@vahub/core';
import type { JobPayload } from '@vahub/jobs';
import { syncCalendar } from './calendar-jobs.js';
import { clientById, eachIsolated, messageOf, type ServiceDeps } from './deps.js';
import { reconcileClientLedger } from './ledger-jobs.js';
import { fillTaskMirror } from './mirrored-ports.js';
import { refreshTask, requestReplan } from './task-jobs.js';
import { sweepUnbilled } from './time-jobs.js';

const clientsOf = (deps: ServiceDeps, clientId: string | null) =>
  clientId === null ? deps.config.clients : [clientById(deps, clientId)];

/** Tasks a page of a project's listing holds (Asana's most). */
const LISTING_PAGE = 100;

/**
 * Read one client's task changes since its cursor, bring the mirror to them and keep the new cursor.
 * Each changed task costs a call to read; listing the client's open tasks again costs a call per
 * page, and brings every change with it (closed and deleted tasks drop out, as on a resync). So when
 * more tasks changed than the listing has pages (after a burst whose webhooks the mirror may well
 * have seen already), the sweep lists instead. Returns how many tasks changed.
 */
async function sweepClientTasks(deps: ServiceDeps, clientId: string): Promise<number> {
  const provider = deps.providers.tasks;
  const saved = await deps.cursors.get(provider, clientId);
  const page = await deps.ports.tasks.readChanges(clientId, saved?.cursor ?? null);
  const ids = [...new Set(page.changes.map((c) => c.taskId))];
  const pages = async () => Math.ceil(((await deps.taskMirror.list(clientId)).length + 1) / LISTING_PAGE);
  let changed = ids.length;
  if (page.resyncNeeded || saved === null || ids.length > (await pages())) {
    await fillTaskMirror(deps.ports.tasks, deps.taskMirror, clientId);
    changed = Math.max(1, ids.length);
  } else {
    for (const id of ids) await refreshTask(deps, id);
  }
  await deps.cursors.set(provider, clientId, page.cursor);
  return changed;
}

/**
 * `sweep`: heal what webhooks missed. Tasks: each client's changes since its cursor; calendar: the
 * busy mirror read again; time entries: each client's unbilled time recomputed; invoices: each
 * client's billing ledger reconciled over its recent periods (drafts deleted or voided in the app).
 */
export async function sweepJob(deps: ServiceDeps, payload: JobPayload<'sweep'>, logger: Logger) {
  const clients = clientsOf(deps, payload.clientId);
  switch (payload.subject) {
    case 'task': {
      let changed = 0;
      await eachIsolated(
        clients,
        async (c) => {
          changed += await sweepClientTasks(deps, c.id);
        },
        (c, err) => logger.error({ clientId: c.id, error: messageOf(err) }, 'task sweep failed for a client'),
      );
      if (changed > 0) await requestReplan(deps, 'sweep found task changes');
      logger.info({ subject: 'task', changed }, 'sweep done');
      return { subject: payload.subject, changed };
    }
    case 'calendar':
      return { subject: payload.subject, ...(await syncCalendar(deps, logger, 'sweep')) };
    case 'time-entry': {
      const { counted, applied, unchanged, deferred } = await sweepUnbilled(deps, clients, logger);
      return { subject: payload.subject, clients: counted + applied, counted, applied, unchanged, deferred };
    }
    case 'invoice': {
      let reconciled = 0;
      await eachIsolated(
        clients,
        async (c) => {
          if (await reconcileClientLedger(deps, c, logger)) reconciled += 1;
        },
        (c, err) =>
          logger.error({ clientId: c.id, error: messageOf(err) }, 'invoice sweep failed for a client'),
      );
      return { subject: payload.subject, clients: reconciled };
    }
  }
}

/**
 * `reconcile`: rebuild the mirrors, cursors and unbilled time from the apps (after Redis lost them),
 * then replan. It creates nothing by itself: the replan keeps every block already on the calendar
 * (their ids are deterministic), and drafts are only made by `invoice.run`, whose idempotency key
 * the invoice app remembers.
 */
export async function reconcileJob(deps: ServiceDeps, payload: JobPayload<'reconcile'>, logger: Logger) {
  const clients = clientsOf(deps, payload.clientId);
  let tasks = 0;
  await eachIsolated(
    clients,
    async (c) => {
      tasks += (await fillTaskMirror(deps.ports.tasks, deps.taskMirror, c.id)).length;
      const page = await deps.ports.tasks.readChanges(c.id, null);
      await deps.cursors.set(deps.providers.tasks, c.id, page.cursor);
    },
    (c, err) => logger.error({ clientId: c.id, error: messageOf(err) }, 'reconcile failed for a client'),
  );
  const calendar = payload.clientId === null ? await syncCalendar(deps, logger, 'reconcile') : null;
  await sweepUnbilled(deps, clients, logger, { all: true });
  await requestReplan(deps, 'reconcile');
  const result = { clients: clients.length, tasks, busy: calendar?.added ?? null };
  logger.info(result, 'reconciled');
  return result;
}
