import type { ClientConfig } from '../config/schema.js';
import type { CalendarBlock, IsoInstant, Task, TimeEntry } from '../domain/types.js';
import { describeRounding } from '../invoicing/rounding.js';
import { formatDateRange } from '../invoicing/text.js';
import type { InvoiceTarget, NameLookup } from '../invoicing/types.js';
import { type IsoWeek, isoWeekPeriod } from '../time/weeks.js';
import { type EpochMs, formatInstant, type Period, parseInstant, periodContaining } from '../time/zoned.js';
import { periodBilling } from './billing.js';
import { LocalFormat } from './format.js';
import { weekHours } from './hours.js';
import { completedIn, deadlinesAhead, inProgress } from './tasks.js';
import type { ReportStatus, WeeklyReport } from './types.js';

export interface WeeklyReportInput {
  client: ClientConfig;
  /** The ISO week, read in the client's zone ("2026-W49"). */
  week: IsoWeek;
  /** When the report is made: the "current" billing period, next blocks and deadlines are read from it. */
  now: EpochMs | IsoInstant;
  /**
   * The client's entries that started in the week and in the current billing period (more is fine:
   * each part takes what is its own). Invoiced (tagged) entries included.
   */
  entries: readonly TimeEntry[];
  /** Project and task names (`TimeSource.names(client, { tasks: true })`). */
  names?: NameLookup;
  /** Tasks completed in the week (`TaskSource.listCompletedTasks`); others are ignored. */
  completedTasks: readonly Task[];
  /** The client's open tasks (`TaskSource.listOpenTasks`). */
  openTasks: readonly Task[];
  /** vahub's blocks on the VA's calendar from `now` on (`CalendarPort.listBlocks`); other clients' are ignored. */
  blocks: readonly CalendarBlock[];
  /** The client's invoicing settings (`InvoiceSink.target`); amounts do not depend on them. */
  target?: InvoiceTarget;
  /** Retainer hours carried in from the previous period, when a ledger knows them. @defaultValue "0" */
  carriedOverHours?: string;
  /** How far ahead deadlines are listed. @defaultValue 14 */
  lookaheadDays?: number;
}

/** The instants a weekly report reads its sources over: the week, and the billing period up to now. */
export function weeklyReportWindows(input: {
  client: ClientConfig;
  week: IsoWeek;
  now: EpochMs | IsoInstant;
}): {
  week: Period;
  period: Period;
  /** One read of the time source covering both. */
  entries: { start: IsoInstant; end: IsoInstant };
} {
  const now = typeof input.now === 'number' ? input.now : parseInstant(input.now);
  const { client } = input;
  const week = isoWeekPeriod(input.week, client.timezone);
  const kind = client.billing.cycle === 'weekly' ? 'week' : 'month';
  const period = periodContaining(kind, now, client.timezone, client.billing.weekStartsOn);
  return {
    week,
    period,
    entries: {
      start: formatInstant(Math.min(week.start, period.start)),
      end: formatInstant(Math.max(week.end, period.end)),
    },
  };
}

function statusOf(report: Pick<WeeklyReport, 'deadlines'>): ReportStatus {
  const overdue = report.deadlines.filter((d) => d.overdue).length;
  if (overdue === 0) return { kind: 'on-track', reasons: [] };
  return {
    kind: 'at-risk',
    reasons: [overdue === 1 ? '1 task is overdue' : `${overdue} tasks are overdue`],
  };
}

/**
 * One client's weekly report from what the ports read: pure, no I/O, no clock (`now` is given).
 * Hours come from the invoicing engine's rules, the retainer and unbilled amount from the engine
 * itself (`periodBilling`), every date in the client's zone.
 */
export function buildWeeklyReport(input: WeeklyReportInput): WeeklyReport {
  const { client } = input;
  const now = typeof input.now === 'number' ? input.now : parseInstant(input.now);
  const { week, period } = weeklyReportWindows({ client, week: input.week, now });
  const local = new LocalFormat(client.timezone, Number(week.firstDate.slice(0, 4)));
  const lookaheadDays = input.lookaheadDays ?? 14;
  const inPeriod = input.entries.filter((e) => {
    const ms = Date.parse(e.start);
    return ms >= period.start && ms < period.end;
  });
  const deadlines = deadlinesAhead({ tasks: input.openTasks, now, days: lookaheadDays, local });
  return {
    version: 1,
    clientId: client.id,
    clientName: client.name,
    zone: client.timezone,
    week: {
      id: input.week,
      firstDate: week.firstDate,
      lastDate: week.lastDate,
      label: formatDateRange(week.firstDate, week.lastDate),
      start: formatInstant(week.start),
      end: formatInstant(week.end),
    },
    generatedAt: formatInstant(now),
    rounding: describeRounding(client.billing.rounding),
    hours: weekHours({ entries: input.entries, billing: client.billing, week, names: input.names ?? {} }),
    completed: completedIn(input.completedTasks, week, local),
    inProgress: inProgress({ tasks: input.openTasks, blocks: input.blocks, clientId: client.id, now, local }),
    deadlines,
    lookaheadDays,
    billing: periodBilling({
      client,
      period,
      entries: inPeriod,
      ...(input.names ? { names: input.names } : {}),
      ...(input.target ? { target: input.target } : {}),
      ...(input.carriedOverHours ? { carriedOverHours: input.carriedOverHours } : {}),
    }),
    status: statusOf({ deadlines }),
  };
}
