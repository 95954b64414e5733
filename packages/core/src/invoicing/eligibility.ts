import type { TimeEntry } from '../domain/types.js';
import { type EpochMs, type Period, parseInstant } from '../time/zoned.js';
import type { ExcludedEntry, ExclusionReason } from './types.js';

/** The order in which reasons are checked, and in which excluded entries are reported. */
const REASONS: readonly ExclusionReason[] = [
  'duplicate',
  'deleted',
  'invalid',
  'outside-period',
  'running',
  'non-billable',
  'already-invoiced',
];

/** An entry that will be billed, with its start parsed once. */
export interface EligibleEntry {
  entry: TimeEntry;
  startMs: EpochMs;
  seconds: number;
}

export interface Eligibility {
  /** Sorted by start, then id: everything downstream is independent of input order. */
  eligible: EligibleEntry[];
  /** Sorted by reason, then id. */
  excluded: ExcludedEntry[];
  /**
   * Billable, stopped entries carrying the invoiced tag, in the period or not: time billed on an
   * earlier invoice, which an overlapping new entry must not bill again. Sorted like `eligible`.
   */
  invoiced: EligibleEntry[];
}

// The format ECMAScript defines exactly for Date.parse (a UTC "Z" or an explicit offset, at most
// milliseconds). Parsing it there is not time-zone arithmetic, and it is ~15× faster than the
// Temporal polyfill, which still handles everything else (more fraction digits, odd forms).
const SIMPLE_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Date.parse rolls impossible dates over (2026-02-30 → 2 March); leave those to Temporal, which refuses them. */
function plausible(text: string): boolean {
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(5, 7));
  const day = Number(text.slice(8, 10));
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && !leap ? 28 : (DAYS_IN_MONTH[month - 1] ?? 0);
  return day >= 1 && day <= days && Number(text.slice(11, 13)) <= 23;
}

function parseStart(text: string): EpochMs | null {
  if (SIMPLE_INSTANT.test(text) && plausible(text)) {
    const ms = Date.parse(text);
    if (Number.isFinite(ms)) return ms;
  }
  try {
    return parseInstant(text);
  } catch {
    return null;
  }
}

function hasTag(entry: TimeEntry, tagLower: string): boolean {
  for (const tag of entry.tags) if (tag.toLowerCase() === tagLower) return true;
  return false;
}

/** Why an entry is not billed, or null if it is. The first reason found wins, in this order. */
function exclusion({
  entry,
  startMs,
  period,
  tag,
}: {
  entry: TimeEntry;
  startMs: EpochMs | null;
  period: Period;
  tag: { name: string; lower: string };
}): Omit<ExcludedEntry, 'entryId'> | null {
  if (entry.deleted) return { reason: 'deleted', detail: 'deleted in the time tracker' };
  if (startMs === null) {
    return {
      reason: 'invalid',
      detail: `start "${entry.start}" is not an ISO-8601 instant: fix it at the source`,
    };
  }
  if (!Number.isSafeInteger(entry.durationSeconds)) {
    return {
      reason: 'invalid',
      detail: `duration ${entry.durationSeconds} is not a whole number of seconds: fix it at the source`,
    };
  }
  if (startMs < period.start || startMs >= period.end) {
    return { reason: 'outside-period', detail: `starts ${entry.start}, outside the period` };
  }
  if (entry.durationSeconds < 0) {
    return { reason: 'running', detail: 'the timer is still running: stop it, then invoice again' };
  }
  if (!entry.billable) return { reason: 'non-billable', detail: 'marked non-billable' };
  if (hasTag(entry, tag.lower)) {
    return { reason: 'already-invoiced', detail: `tagged "${tag.name}": billed on an earlier invoice` };
  }
  return null;
}

/**
 * Split entries into billable and excluded. An entry belongs to the period of its start (read in the
 * period's zone) and is billed whole there, even if it runs past the period's end: splitting it
 * would put one timer on two invoices. An id seen twice keeps its last copy (a later read is newer).
 */
export function classifyEntries(input: {
  entries: readonly TimeEntry[];
  period: Period;
  invoicedTag: string;
}): Eligibility {
  const tag = { name: input.invoicedTag, lower: input.invoicedTag.toLowerCase() };
  const lastIndex = new Map<string, number>();
  input.entries.forEach((entry, i) => {
    lastIndex.set(entry.id, i);
  });
  const eligible: EligibleEntry[] = [];
  const excluded: ExcludedEntry[] = [];
  const invoiced: EligibleEntry[] = [];
  input.entries.forEach((entry, i) => {
    if (lastIndex.get(entry.id) !== i) {
      excluded.push({
        entryId: entry.id,
        reason: 'duplicate',
        detail: 'listed twice: the later copy counts',
      });
      return;
    }
    const startMs = parseStart(entry.start);
    const why = exclusion({ entry, startMs, period: input.period, tag });
    if (why === null) {
      eligible.push({ entry, startMs: startMs as EpochMs, seconds: entry.durationSeconds });
      return;
    }
    excluded.push({ entryId: entry.id, ...why });
    if (billedBefore(entry, startMs, tag.lower)) {
      invoiced.push({ entry, startMs: startMs as EpochMs, seconds: entry.durationSeconds });
    }
  });
  const byStart = (a: EligibleEntry, b: EligibleEntry) =>
    a.startMs - b.startMs || compareText(a.entry.id, b.entry.id);
  eligible.sort(byStart);
  invoiced.sort(byStart);
  excluded.sort(
    (a, b) => REASONS.indexOf(a.reason) - REASONS.indexOf(b.reason) || compareText(a.entryId, b.entryId),
  );
  return { eligible, excluded, invoiced };
}

/** Billed on an earlier invoice: a valid, stopped, billable entry with the invoiced tag. */
function billedBefore(entry: TimeEntry, startMs: EpochMs | null, tagLower: string): boolean {
  return (
    !entry.deleted &&
    startMs !== null &&
    Number.isSafeInteger(entry.durationSeconds) &&
    entry.durationSeconds >= 0 &&
    entry.billable &&
    hasTag(entry, tagLower)
  );
}

/** Code-point order: the same on every machine and locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
