import {
  type CalendarPort,
  type ClientConfig,
  ConfigError,
  type IsoWeek,
  type Lock,
  type Logger,
  type ReportArchive,
  type ReportPublisher,
  type ReportsConfig,
  reportWeekAt,
  type TaskSource,
  type TimeSource,
} from '@vahub/core';
import { upcomingBlocks, weeklyReport } from '../flows/weekly-report.js';

/** What the handler is built with: the config's clients and report settings, the ports, the archive. */
export interface WeeklyReportJobDeps {
  config: { clients: readonly ClientConfig[]; reports: ReportsConfig };
  ports: { tasks: TaskSource; time: TimeSource; calendar: CalendarPort; reports?: ReportPublisher };
  /** The jobs package's `RedisReportStore`. */
  archive: ReportArchive;
  /** The Redis lock: two workers running the job must not both post a client's week. */
  lock?: Lock;
  /** @defaultValue Date.now */
  now?: () => number;
}

/** The `report.weekly` payload (the catalog's schema output). */
export interface WeeklyReportJobPayload {
  week: IsoWeek | null;
  clientId: string | null;
}

/** The part of the jobs package's `JobContext` the handler reads. */
export interface WeeklyReportJobContext {
  /** When the schedule fired: it decides the week when the payload names none. */
  scheduledFor: number;
  signal: AbortSignal;
  logger: Logger;
}

export interface WeeklyReportJobResult {
  reports: {
    clientId: string;
    week: IsoWeek;
    totalHours: string;
    status: 'on-track' | 'at-risk';
    /** `posted` or `existing` when the client's config posts reports, `stored` when they wait for the VA. */
    outcome: 'posted' | 'existing' | 'stored';
  }[];
}

/**
 * The handler of `report.weekly`, for the service's handler map (`'report.weekly':
 * weeklyReportJob(deps)`): every client's report (or the payload's one) for the payload's week, or,
 * with none, the week each client's report rule gives at the moment the schedule fired, so a retry
 * on Monday of Friday's run still reports Friday's week. Each report is posted where the client's
 * config says (once per week) and kept in the archive. A client that fails does not stop the others;
 * the first failure is rethrown at the end so the job is retried (what was done is not redone twice:
 * posting looks first, storing replaces).
 */
export function weeklyReportJob(
  deps: WeeklyReportJobDeps,
): (payload: WeeklyReportJobPayload, context: WeeklyReportJobContext) => Promise<WeeklyReportJobResult> {
  return async (payload, context) => {
    const clients =
      payload.clientId === null
        ? deps.config.clients
        : deps.config.clients.filter((c) => c.id === payload.clientId);
    if (clients.length === 0) {
      throw new ConfigError([
        { path: 'clients', message: `no client "${payload.clientId}": use the id of a configured client` },
      ]);
    }
    const now = (deps.now ?? Date.now)();
    const { lookaheadDays } = deps.config.reports.weekly;
    const blocks = await upcomingBlocks(deps.ports.calendar, now, lookaheadDays);
    const reports: WeeklyReportJobResult['reports'] = [];
    const failures: unknown[] = [];
    for (const client of clients) {
      if (context.signal.aborted)
        throw context.signal.reason ?? new Error('the weekly report job was stopped');
      const week = payload.week ?? reportWeekAt(context.scheduledFor, client.timezone);
      try {
        const { stored, published } = await weeklyReport({
          client,
          week,
          now,
          ...deps.ports,
          archive: deps.archive,
          blocks,
          lookaheadDays,
          ...(deps.lock ? { lock: deps.lock } : {}),
        });
        const outcome = published?.outcome ?? 'stored';
        reports.push({
          clientId: client.id,
          week,
          totalHours: stored.report.hours.totalHours,
          status: stored.report.status.kind,
          outcome,
        });
        context.logger.info({ clientId: client.id, week, outcome }, 'weekly report prepared');
      } catch (err) {
        failures.push(err);
        context.logger.error(
          { clientId: client.id, week, error: err instanceof Error ? err.message : String(err) },
          'weekly report failed',
        );
      }
    }
    if (failures.length > 0) throw failures[0];
    return { reports };
  };
}
