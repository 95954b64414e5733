// The rules for reading one task, one setting or one instant of a plan input (see `prepare`).
import type { Task, TaskDue } from '../domain/types.js';
import type { Preferences, PTask, Tier } from './input.js';
import { compareText, instantMs, MINUTE } from './instants.js';
import { endOfDay, startOfDay } from './local-days.js';
import type { PlanInput } from './types.js';

/**
 * Known tracked time is the work done: the need is the estimate less it, and the task's past blocks
 * do not count (one without time tracked in it is work not done, so its time is booked again).
 * Without it, the estimate less the task's block time before now (past blocks, and the elapsed part
 * of a running one): a task worked over three days does not get its whole estimate booked again
 * every morning. Either way floored at 0 and rounded down to whole minutes (what is done counts by
 * started minutes), so a block running at an odd second does not ask for another block for the
 * seconds its rest lacks.
 */
export function needOf(
  task: Task,
  past: number,
): { need: number | null; worked: number; tracked: number | null } {
  if (task.estimateMinutes === null) return { need: null, worked: 0, tracked: null };
  const estimate = Math.ceil(task.estimateMinutes) * MINUTE;
  const done = task.trackedMinutes === null ? past : task.trackedMinutes * MINUTE;
  const need = Math.max(0, Math.floor((estimate - done) / MINUTE)) * MINUTE;
  return task.trackedMinutes === null
    ? { need, worked: past, tracked: null }
    : { need, worked: 0, tracked: done };
}

/** A busy interval's instant; NaN and an issue if it cannot be read. */
export function readInstant(text: string, issues: string[], i: number, edge: 'start' | 'end'): number {
  try {
    return instantMs(text);
  } catch {
    issues.push(
      `busy[${i}].${edge}: expected an ISO instant such as "2026-04-07T09:00:00Z", got ${JSON.stringify(text)}`,
    );
    return Number.NaN;
  }
}

/** The planner settings with their defaults (see `plannerSettingsShape`). */
export function preferencesOf(s: PlanInput['settings']): Preferences {
  return {
    batching: s.batching ?? 'off',
    clientBreak: (s.clientBreakMinutes ?? 0) * MINUTE,
    importantWithinDays: s.importantWithinDays ?? 7,
  };
}

export function checkSettings(input: PlanInput, issues: string[]): void {
  const s = input.settings;
  const whole = (v: number, min: number) => Number.isInteger(v) && v >= min;
  if (!whole(s.minBlockMinutes, 1))
    issues.push('settings.minBlockMinutes: expected a whole number of minutes ≥ 1');
  if (!whole(s.maxBlockMinutes, 1) || s.maxBlockMinutes < s.minBlockMinutes) {
    issues.push('settings.maxBlockMinutes: expected whole minutes, not below minBlockMinutes');
  }
  if (!whole(s.bufferMinutes, 0)) issues.push('settings.bufferMinutes: expected whole minutes ≥ 0');
  if (!whole(s.horizonDays, 1)) issues.push('settings.horizonDays: expected a whole number of days ≥ 1');
  if (!whole(s.earliestStartMinutes, 0))
    issues.push('settings.earliestStartMinutes: expected whole minutes ≥ 0');
  if (s.batching !== undefined && !['off', 'adjacent', 'client-days'].includes(s.batching))
    issues.push(
      `settings.batching: expected "off", "adjacent" or "client-days", got ${JSON.stringify(s.batching)}`,
    );
  if (s.clientBreakMinutes !== undefined && !whole(s.clientBreakMinutes, 0))
    issues.push('settings.clientBreakMinutes: expected whole minutes ≥ 0');
  if (s.importantWithinDays !== undefined && !whole(s.importantWithinDays, 0))
    issues.push('settings.importantWithinDays: expected a whole number of days ≥ 0');
}

/** Resolves due and start dates, once per (date, zone): many tasks share a date. */
export class DueResolver {
  /** By edge and zone, then date (or instant text): no key is built per task. */
  private readonly cache = new Map<string, Map<string, number>>();
  constructor(private readonly issues: string[]) {}

  resolve(due: TaskDue | null, zone: string, edge: 'start' | 'end', taskId: string): number | null {
    if (due === null) return null;
    const group = due.kind === 'date' ? (edge === 'end' ? zone : `^${zone}`) : '@';
    let byDate = this.cache.get(group);
    if (!byDate) {
      byDate = new Map();
      this.cache.set(group, byDate);
    }
    const text = due.kind === 'date' ? due.date : due.at;
    const hit = byDate.get(text);
    if (hit !== undefined) return hit;
    let value: number;
    try {
      if (due.kind === 'instant') value = instantMs(due.at);
      else value = edge === 'end' ? endOfDay(due.date, zone) : startOfDay(due.date, zone);
    } catch {
      this.issues.push(
        `task ${taskId} ${edge === 'end' ? 'due' : 'startOn'}: not a valid ${due.kind} (${JSON.stringify(due)})`,
      );
      return null;
    }
    byDate.set(text, value);
    return value;
  }
}

// Protected work is ordered among work with deadlines, by its target.
export const TIER_ORDER: Record<Tier, number> = { unmeetable: 0, deadline: 1, protected: 1, 'open-ended': 2 };

/**
 * Tier (protected work among work with deadlines), then earlier target, then higher priority, as one
 * exact number: targets are whole ms far below 2^53 / 16, so the sort compares numbers, not fields.
 */
export function sortKey(tier: number, target: number, priority: number): number {
  // Year 4200 and beyond (or no target) sort last among their tier.
  const at = Math.max(-(2 ** 46), Math.min(target, 2 ** 46));
  return (tier * 2 ** 47 + at) * 4 + (3 - priority);
}

export function compareRank(a: PTask, b: PTask): number {
  return (
    a.order - b.order || compareText(a.task.clientId, b.task.clientId) || compareText(a.task.id, b.task.id)
  );
}
