import type { BillingConfig } from '../config/schema.js';
import type { TimeEntry } from '../domain/types.js';
import { classifyEntries, compareText } from '../invoicing/eligibility.js';
import { resolveOverlaps } from '../invoicing/overlaps.js';
import { quantityUnits, roundSeconds, unitsToHours } from '../invoicing/rounding.js';
import { lookupName, tidy } from '../invoicing/text.js';
import type { NameLookup } from '../invoicing/types.js';
import type { Period } from '../time/zoned.js';
import type { ProjectHours, TaskHours, WeekHours } from './types.js';

const OTHER_WORK = 'Other work';

interface Row {
  key: string;
  taskId: string | null;
  name: string;
  /** Seconds after overlaps, before rounding, per entry. */
  counted: number[];
}

interface Project {
  projectId: string | null;
  name: string;
  rows: Map<string, Row>;
}

/** Whole seconds as the client is billed for one row: per entry, or the row's total once. */
function billedUnits(counted: readonly number[], rounding: BillingConfig['rounding']): number {
  const seconds =
    rounding.per === 'entry'
      ? counted.reduce((n, s) => n + roundSeconds(s, rounding), 0)
      : roundSeconds(
          counted.reduce((n, s) => n + s, 0),
          rounding,
        );
  return quantityUnits(seconds, rounding.mode);
}

/** Heavier first; equal ones by name, so the order never depends on the input's. */
function byUnits<T extends { units: number; name: string; key: string }>(a: T, b: T): number {
  return (
    b.units - a.units || compareText(a.name.toLowerCase(), b.name.toLowerCase()) || compareText(a.key, b.key)
  );
}

/**
 * A week's billable hours by project and task, rounded as the client is billed: the invoicing
 * engine's eligibility (stopped, billable, started in the week), its overlap rule (one person's
 * overlapping minutes counted once under `bill-once`), its rounding (`roundSeconds`, per entry or
 * once per row for `per: line`) and its 4-decimal hours (`quantityUnits`). Time already invoiced
 * counts: the week's work is the week's work. A row is the time tracker's task, or, for entries
 * without one, the entries' description (case and spacing ignored).
 */
export function weekHours(input: {
  entries: readonly TimeEntry[];
  billing: BillingConfig;
  week: Period;
  names: NameLookup;
}): WeekHours {
  const { billing, names } = input;
  // The invoiced tag would exclude billed time; a report counts it.
  const untagged = input.entries.map((e) => ({ ...e, tags: [] }));
  const { eligible, excluded } = classifyEntries({
    entries: untagged,
    period: input.week,
    invoicedTag: billing.invoicedTag,
  });
  const byId = new Map(untagged.map((e) => [e.id, e]));
  let nonBillableSeconds = 0;
  let runningEntries = 0;
  for (const x of excluded) {
    if (x.reason === 'running') runningEntries += 1;
    if (x.reason === 'non-billable') nonBillableSeconds += byId.get(x.entryId)?.durationSeconds ?? 0;
  }
  const { covered } = resolveOverlaps({ eligible, invoiced: [], rule: billing.overlaps });
  const projects = new Map<string, Project>();
  for (const { entry, seconds } of eligible) {
    const pid = entry.projectId;
    const pkey = pid ?? '';
    let project = projects.get(pkey);
    if (!project) {
      const name = lookupName(names.projects, pid) ?? (pid === null ? OTHER_WORK : `Project ${pid}`);
      project = { projectId: pid, name, rows: new Map() };
      projects.set(pkey, project);
    }
    const text = tidy(entry.description);
    const key = entry.taskId !== null ? `t:${entry.taskId}` : `d:${text.toLowerCase()}`;
    let row = project.rows.get(key);
    if (!row) {
      const name =
        entry.taskId !== null
          ? (lookupName(names.tasks, entry.taskId) ?? (text || `Task ${entry.taskId}`))
          : text || OTHER_WORK;
      row = { key, taskId: entry.taskId, name, counted: [] };
      project.rows.set(key, row);
    }
    row.counted.push(seconds - (covered.get(entry.id) ?? 0));
  }
  const out: (ProjectHours & { units: number; key: string })[] = [];
  for (const [key, p] of projects) {
    const tasks = [...p.rows.values()]
      .map((r) => ({ ...r, units: billedUnits(r.counted, billing.rounding) }))
      .sort(byUnits);
    const units = tasks.reduce((n, t) => n + t.units, 0);
    out.push({
      key,
      units,
      projectId: p.projectId,
      name: p.name,
      hours: unitsToHours(units),
      tasks: tasks.map(
        (t): TaskHours => ({
          taskId: t.taskId,
          name: t.name,
          hours: unitsToHours(t.units),
          entries: t.counted.length,
        }),
      ),
    });
  }
  out.sort(byUnits);
  const total = out.reduce((n, p) => n + p.units, 0);
  return {
    totalHours: unitsToHours(total),
    projects: out.map(({ units: _units, key: _key, ...p }) => p),
    nonBillableHours: unitsToHours(quantityUnits(nonBillableSeconds, 'nearest')),
    runningEntries,
  };
}
