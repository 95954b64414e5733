import type { BillingConfig } from '../config/schema.js';
import { type Period, startOfLocalDate, Temporal } from '../time/zoned.js';
import { compareText, type EligibleEntry } from './eligibility.js';
import { rateKey, rateTable } from './rates.js';
import { quantityUnits, roundSeconds, unitsToHours } from './rounding.js';
import { formatDateRange, formatDay, lookupName, tidy } from './text.js';
import type { EntryUse, NameLookup, RateChoice, TimeGroup } from './types.js';

interface GroupKey {
  key: string;
  label: string;
  /** Lines are ordered by this, then by key. */
  sort: string;
}

interface Bucket {
  rate: RateChoice;
  entries: EntryUse[];
  rawSeconds: number;
  overlapSeconds: number;
  perEntrySeconds: number;
}

const OTHER_WORK = 'Other work';

/**
 * The local date of each start, found by binary search over the period's day boundaries: one
 * Temporal conversion per day of the period instead of one per entry.
 */
function dayOf(period: Period): (ms: number) => string {
  const dates: string[] = [];
  const starts: number[] = [];
  let day = Temporal.PlainDate.from(period.firstDate);
  const last = Temporal.PlainDate.from(period.lastDate);
  while (Temporal.PlainDate.compare(day, last) <= 0) {
    dates.push(day.toString());
    starts.push(startOfLocalDate(day.toString(), period.zone));
    day = day.add({ days: 1 });
  }
  return (ms) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= ms) lo = mid;
      else hi = mid - 1;
    }
    return dates[lo] ?? period.firstDate;
  };
}

/** Remembers `make(raw)` per raw value: group keys repeat across a period's many entries. */
function memo(make: (raw: string) => GroupKey): (raw: string) => GroupKey {
  const seen = new Map<string, GroupKey>();
  return (raw) => {
    let key = seen.get(raw);
    if (key === undefined) {
      key = make(raw);
      seen.set(raw, key);
    }
    return key;
  };
}

function keyer(input: {
  grouping: BillingConfig['grouping'];
  names: NameLookup;
  period: Period;
}): (e: EligibleEntry) => GroupKey {
  const { names } = input;
  const project = memo((id) => ({
    key: `p:${id}`,
    label: lookupName(names.projects, id) ?? (id === '' ? OTHER_WORK : `Project ${id}`),
    sort: '',
  }));
  switch (input.grouping) {
    case 'project':
      return (e) => project(e.entry.projectId ?? '');
    case 'task': {
      // An unnamed task is labelled by the description of its earliest entry (entries come sorted).
      const tasks = new Map<string, GroupKey>();
      return (e) => {
        const id = e.entry.taskId;
        if (id === null) return project(e.entry.projectId ?? '');
        let key = tasks.get(id);
        if (key === undefined) {
          const label = lookupName(names.tasks, id) ?? (tidy(e.entry.description) || `Task ${id}`);
          key = { key: `t:${id}`, label, sort: '' };
          tasks.set(id, key);
        }
        return key;
      };
    }
    case 'day': {
      const day = dayOf(input.period);
      const label = memo((date) => ({ key: date, label: `Services on ${formatDay(date)}`, sort: date }));
      return (e) => label(day(e.startMs));
    }
    case 'description': {
      // Keyed by the raw text; texts differing only in case or spacing share a group key below.
      const text = memo((raw) => {
        const tidied = tidy(raw);
        return { key: `d:${tidied.toLowerCase()}`, label: tidied || OTHER_WORK, sort: '' };
      });
      return (e) => text(e.entry.description);
    }
    case 'single': {
      const only: GroupKey = { key: '', label: 'Services', sort: '' };
      return () => only;
    }
  }
}

/** Tells apart two lines of one group billed at different rates. */
function rateLabel(rate: RateChoice, grouping: BillingConfig['grouping'], names: NameLookup): string {
  if (rate.source === 'task') return lookupName(names.tasks, rate.sourceId) ?? `task ${rate.sourceId}`;
  if (grouping === 'project') return 'other tasks';
  if (rate.source === 'project') {
    return lookupName(names.projects, rate.sourceId) ?? `project ${rate.sourceId}`;
  }
  return 'standard rate';
}

/**
 * Buckets the period's billable entries into lines: by the client's grouping, and within a group by
 * rate (an invoice line has one unit amount). Time another entry already covers (`covered`, from
 * `resolveOverlaps`) is left out first; rounding is then applied per entry or per line, in whole
 * seconds; the quantity is the 4-decimal hours of the billed seconds.
 */
export function groupTime(input: {
  eligible: readonly EligibleEntry[];
  billing: BillingConfig;
  names: NameLookup;
  period: Period;
  covered: ReadonlyMap<string, number>;
}): TimeGroup[] {
  const { billing, names, period } = input;
  const { rounding, grouping } = billing;
  const keyOf = keyer({ grouping, names, period });
  const rateOf = rateTable(billing);
  const groups = new Map<string, { group: GroupKey; buckets: Map<string, Bucket> }>();
  for (const e of input.eligible) {
    const group = keyOf(e);
    let slot = groups.get(group.key);
    if (!slot) {
      slot = { group, buckets: new Map() };
      groups.set(group.key, slot);
    }
    const rate = rateOf(e.entry);
    const rk = rateKey(rate);
    let bucket = slot.buckets.get(rk);
    if (!bucket) {
      bucket = { rate, entries: [], rawSeconds: 0, overlapSeconds: 0, perEntrySeconds: 0 };
      slot.buckets.set(rk, bucket);
    }
    const overlap = input.covered.get(e.entry.id) ?? 0;
    const counted = e.seconds - overlap;
    const billed = rounding.per === 'entry' ? roundSeconds(counted, rounding) : counted;
    bucket.entries.push({
      entryId: e.entry.id,
      start: e.entry.start,
      rawSeconds: e.seconds,
      overlapSeconds: overlap,
      billedSeconds: billed,
    });
    bucket.rawSeconds += e.seconds;
    bucket.overlapSeconds += overlap;
    bucket.perEntrySeconds += billed;
  }
  const sorted = [...groups.values()].sort(
    (a, b) =>
      compareText(a.group.sort, b.group.sort) ||
      compareText(a.group.label.toLowerCase(), b.group.label.toLowerCase()) ||
      compareText(a.group.key, b.group.key),
  );
  const when = formatDateRange(period.firstDate, period.lastDate);
  const out: TimeGroup[] = [];
  for (const { group, buckets } of sorted) {
    const split = buckets.size > 1;
    const list = [...buckets.values()].map((b) => ({ b, suffix: rateLabel(b.rate, grouping, names) }));
    list.sort((x, y) => compareText(x.suffix.toLowerCase(), y.suffix.toLowerCase()));
    for (const { b, suffix } of list) {
      const billedSeconds =
        rounding.per === 'entry'
          ? b.perEntrySeconds
          : roundSeconds(b.rawSeconds - b.overlapSeconds, rounding);
      const units = quantityUnits(billedSeconds, rounding.mode);
      const label = split ? `${group.label} (${suffix})` : group.label;
      const hours = `${unitsToHours(units)} h`;
      out.push({
        label,
        description: grouping === 'day' ? `${label} — ${hours}` : `${label} — ${hours}, ${when}`,
        rate: b.rate,
        entries: b.entries,
        rawSeconds: b.rawSeconds,
        overlapSeconds: b.overlapSeconds,
        billedSeconds,
        quantityUnits: units,
      });
    }
  }
  return out;
}
