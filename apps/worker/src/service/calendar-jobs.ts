import type { Logger } from '@vahub/core';
import { now, type ServiceDeps } from './deps.js';
import { busyId, busyWindow, overlapsAny, refreshBusyMirror } from './mirrored-ports.js';
import { DEFAULT_REPLAN_WINDOW_MS, FIRST_REPLAN_MS, requestReplan } from './task-jobs.js';

export interface CalendarSync {
  added: number;
  removed: number;
  /** A new busy interval lies over one of vahub's blocks: a replan was asked for. */
  replan: boolean;
}

/**
 * The calendar `sweep` (asked for by `event.calendar`, and run every 15 minutes): bring the busy
 * mirror up to date with the calendar and ask for a replan only when something that appeared
 * overlaps a block. The calendar port offers a window read, not an incremental sync: each sync is one
 * read of the mirror's window, so a lost sync state is never a problem (every sync is a full one).
 * vahub's own block writes come back as calendar events too; they leave busy time unchanged, so they
 * never start a replan.
 */
export async function syncCalendar(deps: ServiceDeps, logger: Logger, why: string): Promise<CalendarSync> {
  const window = busyWindow(deps.config.calendar.horizonDays, now(deps));
  const { before, after } = await refreshBusyMirror(deps.ports.calendar, deps.busyMirror, window);
  const old = new Set(before.map(busyId));
  const fresh = new Set(after.map(busyId));
  const appeared = after.filter((i) => !old.has(busyId(i)));
  const removed = before.filter((i) => !fresh.has(busyId(i))).length;
  let replan = false;
  if (appeared.length > 0) {
    const blocks = await deps.ports.calendar.listBlocks(window);
    // A block moved by hand is the VA's: the planner keeps it where it is, whatever lies over it.
    replan = overlapsAny(
      appeared,
      blocks.filter((b) => !b.movedByVa),
    );
    if (replan) await requestReplan(deps, 'meeting over a block');
  }
  const result = { added: appeared.length, removed, replan };
  logger.info({ ...result, why }, 'busy time synced');
  return result;
}

/**
 * `event.calendar`: ask for one calendar sync (a `sweep` of the busy mirror). Google sends a
 * notification per change, and every block vahub writes comes back as one: a replan that retitles 80
 * blocks would otherwise read the calendar's window 80 times. A burst within the replan window is one
 * read; the first notification after a quiet window is read after `FIRST_REPLAN_MS`, so a meeting
 * the VA adds still moves a block at once.
 */
export function requestCalendarSync(deps: ServiceDeps, provider: string): Promise<{ jobId: string }> {
  return deps.queues.addThrottled(
    'sweep',
    { provider, subject: 'calendar', clientId: null },
    {
      key: 'sweep-calendar',
      windowMs: deps.replanWindowMs ?? DEFAULT_REPLAN_WINDOW_MS,
      firstMs: FIRST_REPLAN_MS,
    },
  );
}
