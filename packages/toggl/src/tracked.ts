import type { TaskRef, TimeEntry } from '@vahub/core';
import type { TogglClientSection } from './config.js';

type TrackedTimeRules = NonNullable<TogglClientSection['trackedTime']>;

const fold = (text: string) => text.trim().replace(/\s+/g, ' ').toLowerCase();

/** Seconds an entry covers; a running one (negative duration) counts from its start to `now`. */
function secondsOf(entry: TimeEntry, now: number): number {
  if (entry.durationSeconds >= 0) return entry.durationSeconds;
  return Math.max(0, Math.floor((now - Date.parse(entry.start)) / 1000));
}

/** Every id-like number in a description: a whole run of digits, as a link or `#gid` holds one. */
function numbersIn(text: string): Set<string> {
  return new Set(text.match(/\d+/g) ?? []);
}

/**
 * Which task an entry is: the first task whose link is in its description, else whose id the
 * configured pattern captures, else whose id stands alone as a number (a link or `#gid`), else (when
 * `matchName`) the one task whose name the description is. Null: none, or a name two tasks share.
 */
export function taskOfEntry(
  description: string,
  tasks: readonly TaskRef[],
  rules: TrackedTimeRules,
  byName: ReadonlyMap<string, string | null>,
): string | null {
  const byUrl = tasks.find((t) => t.url !== null && t.url !== '' && description.includes(t.url));
  if (byUrl) return byUrl.id;
  if (rules.idPattern !== undefined) {
    const captured = new RegExp(rules.idPattern).exec(description)?.[1];
    const hit = captured === undefined ? undefined : tasks.find((t) => t.id === captured.trim());
    if (hit) return hit.id;
  }
  const numbers = numbersIn(description);
  const byId = tasks.find((t) => numbers.has(t.id));
  if (byId) return byId.id;
  if (!rules.matchName) return null;
  return byName.get(fold(description)) ?? null;
}

/** Minutes per task (rounded to the nearest minute), 0 for a task with no entry; deleted entries skipped. */
export function trackedMinutes(
  entries: readonly TimeEntry[],
  tasks: readonly TaskRef[],
  rules: TrackedTimeRules,
  now: number,
): Map<string, number> {
  const byName = new Map<string, string | null>();
  for (const t of tasks) {
    const key = fold(t.name);
    if (key === '') continue;
    byName.set(key, byName.has(key) ? null : t.id);
  }
  const seconds = new Map(tasks.map((t) => [t.id, 0]));
  for (const entry of entries) {
    if (entry.deleted) continue;
    const id = taskOfEntry(entry.description, tasks, rules, byName);
    if (id !== null) seconds.set(id, (seconds.get(id) ?? 0) + secondsOf(entry, now));
  }
  return new Map([...seconds].map(([id, s]) => [id, Math.round(s / 60)]));
}
