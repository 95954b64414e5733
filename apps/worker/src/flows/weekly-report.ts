import {
  buildWeeklyReport,
  type CalendarBlock,
  type CalendarPort,
  type ClientConfig,
  type EpochMs,
  formatInstant,
  type IsoWeek,
  type Lock,
  type PublishedReport,
  parseInstant,
  type ReportArchive,
  type ReportPublisher,
  renderReportHtml,
  renderReportMarkdown,
  renderReportText,
  reportTitle,
  reportTitleKey,
  reportWeekAt,
  type StoredWeeklyReport,
  type TaskSource,
  type TimeSource,
  weeklyReportWindows,
} from '@vahub/core';

const DAY_MS = 86_400_000;

export interface WeeklyReportInput {
  client: ClientConfig;
  /** The ISO week in the client's zone. @defaultValue the report week of `now` (`reportWeekAt`) */
  week?: IsoWeek;
  /** @defaultValue Date.now() */
  now?: EpochMs | string;
  tasks: TaskSource;
  time: TimeSource;
  calendar: CalendarPort;
  /** Where the client reads it (the task connector's status updates); posted only when its config says. */
  reports?: ReportPublisher;
  /** Where prepared reports are kept for the dashboard. */
  archive?: ReportArchive;
  /** Post it when the client's config says so. @defaultValue true (the CLI passes false to only print) */
  publish?: boolean;
  /** Held per client and week while posting and storing: two runs must not both post. */
  lock?: Lock;
  /** @defaultValue 14 (`reports.weekly.lookaheadDays`) */
  lookaheadDays?: number;
  /** vahub's blocks, when the caller already read them for several clients. */
  blocks?: readonly CalendarBlock[];
}

export interface WeeklyReportResult {
  stored: StoredWeeklyReport;
  /** Where the config sends this client's reports; null: it waits for the VA. */
  destination: string | null;
  /** What the publisher did; null when it was not asked to post. */
  published: PublishedReport | null;
}

/** vahub's blocks from `now` to the end of the look-ahead: one calendar read for every client. */
export function upcomingBlocks(calendar: CalendarPort, now: EpochMs, days: number): Promise<CalendarBlock[]> {
  return calendar.listBlocks({ start: formatInstant(now), end: formatInstant(now + days * DAY_MS) });
}

/**
 * One client's weekly report: read the week's time, the tasks completed in it, the open tasks and
 * their next blocks; build and render the report; post it where the client's config says (once per
 * week, the publisher looks first), and keep it in the archive for the dashboard. Safe to repeat.
 */
export async function weeklyReport(input: WeeklyReportInput): Promise<WeeklyReportResult> {
  const { client } = input;
  const now =
    input.now === undefined
      ? Date.now()
      : typeof input.now === 'number'
        ? input.now
        : parseInstant(input.now);
  const week = input.week ?? reportWeekAt(now, client.timezone);
  const lookaheadDays = input.lookaheadDays ?? 14;
  const windows = weeklyReportWindows({ client, week, now });
  const [entries, names, completedTasks, openTasks, blocks] = await Promise.all([
    input.time.listTimeEntries({ clientId: client.id, ...windows.entries }),
    input.time.names(client.id, { tasks: true }),
    input.tasks.listCompletedTasks(client.id, {
      start: formatInstant(windows.week.start),
      end: formatInstant(windows.week.end),
    }),
    input.tasks.listOpenTasks(client.id),
    input.blocks ?? upcomingBlocks(input.calendar, now, lookaheadDays),
  ]);
  const report = buildWeeklyReport({
    client,
    week,
    now,
    entries,
    names,
    completedTasks,
    openTasks,
    blocks,
    lookaheadDays,
  });
  const text = renderReportText(report);
  const destination = input.reports?.destination(client.id) ?? null;
  const finish = async (): Promise<WeeklyReportResult> => {
    let published: PublishedReport | null = null;
    if (input.reports && destination !== null && input.publish !== false) {
      published = await input.reports.publish(client.id, {
        title: reportTitle(report),
        titleKey: reportTitleKey(report),
        text,
        notBefore: report.week.start,
        status: report.status.kind,
      });
    }
    const earlier = input.archive ? await input.archive.get(client.id, week) : null;
    const stored: StoredWeeklyReport = {
      clientId: client.id,
      week,
      report,
      html: renderReportHtml(report),
      markdown: renderReportMarkdown(report),
      text,
      savedAt: formatInstant(now),
      published:
        published && destination !== null
          ? {
              destination,
              id: published.id,
              url: published.url,
              at: earlier?.published?.at ?? formatInstant(now),
            }
          : (earlier?.published ?? null),
    };
    await input.archive?.save(stored);
    return { stored, destination, published };
  };
  return input.lock ? input.lock.withLock(`weekly-report:${client.id}:${week}`, finish) : finish();
}
