import { formatInstant, type Logger } from '@vahub/core';
import type { ChangeEventPayload } from '@vahub/jobs';
import { scheduleTasks } from '../flows/schedule-tasks.js';
import { now, type ServiceDeps } from './deps.js';
import { type MirrorReads, mirroredCalendar, mirroredTaskSource } from './mirrored-ports.js';

export const DEFAULT_REPLAN_WINDOW_MS = 5_000;
/** How soon the first ask of a quiet period is replanned: long enough to gather one delivery's events. */
export const FIRST_REPLAN_MS = 100;
/** The throttle key of the VA's replans (one calendar, one coalesced run). */
const REPLAN_KEY = 'va';

/**
 * Ask for one replan of the VA's calendar: a burst of asks within the window is one run. The first
 * ask after a quiet window runs after `FIRST_REPLAN_MS`, so a lone new task gets its block at once,
 * not a window later; at most one such early run per window, so a burst still replans calmly.
 */
export function requestReplan(deps: ServiceDeps, reason: string): Promise<{ jobId: string }> {
  return deps.queues.addThrottled(
    'schedule.replan',
    { reason: reason.slice(0, 200) },
    {
      key: REPLAN_KEY,
      windowMs: deps.replanWindowMs ?? DEFAULT_REPLAN_WINDOW_MS,
      firstMs: FIRST_REPLAN_MS,
    },
  );
}

export interface TaskRefresh {
  taskId: string;
  /** What the mirror now says of the task. */
  outcome: 'open' | 'closed' | 'gone';
  clientId: string | null;
  /** Whether a replan is owed: this refresh changed a mirror, or an earlier change is not planned yet. */
  replan: boolean;
  /** The queued replan, not started yet, that the mirror write joined (it reads the write): no ask needed. */
  joined: string | null;
}

/**
 * Re-read one task from the app and bring the mirror to it: an open task is put (added or
 * replaced), a completed, deleted or unassigned one, or one the app no longer has, is removed from
 * every client's mirror. Idempotent: the same event twice leaves the same mirror.
 */
export async function refreshTask(deps: ServiceDeps, taskId: string): Promise<TaskRefresh> {
  const task = await deps.ports.tasks.getTask(taskId);
  const open = task && task.status === 'open' ? task : null;
  // One round trip whatever the number of clients: a task moved between clients' projects leaves
  // the other clients' mirrors, a closed or gone one leaves every mirror.
  // The same script joins an owed replan whose job is queued and not started: the ask costs no
  // command of its own (a burst's asks were a check each while the replan waited).
  const settled = await deps.taskMirror.settleJoining(
    taskId,
    open,
    deps.config.clients.map((c) => c.id),
    deps.queues.throttledJobKeys('schedule.replan', REPLAN_KEY),
  );
  const replan = { replan: settled.owed, joined: settled.owed ? settled.joined : null };
  if (open) return { taskId, outcome: 'open', clientId: open.clientId, ...replan };
  return { taskId, outcome: task ? 'closed' : 'gone', clientId: task?.clientId ?? null, ...replan };
}

/**
 * `event.task`: refresh the task in the mirror, then ask for a (throttled) replan if one is owed. An
 * event that changed nothing the mirror keeps (Asana sends events for fields vahub ignores: a comment,
 * a like, a follower) asks for none: the plan's inputs are as the last replan read them.
 */
export async function taskEventJob(
  deps: ServiceDeps,
  payload: ChangeEventPayload,
  logger: Logger,
): Promise<TaskRefresh | { skipped: string }> {
  if (payload.resourceId === null) {
    // "Something in this project changed" with no task: the sweep reads the project's changes.
    await deps.queues.addThrottled(
      'sweep',
      { provider: payload.provider, subject: 'task', clientId: null },
      { key: 'sweep-task', windowMs: deps.replanWindowMs ?? DEFAULT_REPLAN_WINDOW_MS },
    );
    return { skipped: 'no task id: a sweep was asked for' };
  }
  const refreshed = await refreshTask(deps, payload.resourceId);
  if (refreshed.replan && refreshed.joined === null) await requestReplan(deps, `task ${payload.action}`);
  logger.info({ ...refreshed, action: payload.action }, 'task mirrored');
  return refreshed;
}

/**
 * `schedule.replan`: plan the VA's calendar from the task and busy-time mirrors (the app is read
 * only for a mirror that has no stamp, which is then filled) and write the blocks. Idempotent: the
 * flow keeps every block that is still valid, so a second run with nothing changed writes nothing.
 */
export async function replanJob(deps: ServiceDeps, reason: string, logger: Logger) {
  const reads: MirrorReads = { fullTaskReads: 0, fullBusyReads: 0 };
  // Before reading the task mirror: a task changed from here on is owed a replan again (its event asks).
  await deps.taskMirror.planning();
  const summary = await scheduleTasks({
    config: deps.config,
    tasks: mirroredTaskSource(deps.ports.tasks, deps.taskMirror, reads),
    calendar: mirroredCalendar(deps.ports.calendar, deps.busyMirror, {
      horizonDays: deps.config.calendar.horizonDays,
      now: () => now(deps),
      reads,
    }),
    // Tracked time per task, for clients whose time source matches entries to tasks (opt-in per
    // client: a client without it costs no call).
    time: deps.ports.time,
    now: formatInstant(now(deps)),
  }).catch(async (err: unknown) => {
    // Not planned after all: the next task event asks again even if its task is unchanged. The
    // job's own retry comes anyway; this covers a replan parked for good.
    await deps.taskMirror.owe().catch(() => undefined); // the replan's own error is the one to report
    throw err;
  });
  const result = {
    reason,
    created: summary.created,
    moved: summary.moved,
    deleted: summary.deleted,
    unplaced: summary.unplaced.length,
    ...reads,
  };
  logger.info(result, 'calendar replanned');
  return result;
}
