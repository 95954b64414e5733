import type { BillingConfig } from '../config/schema.js';
import { compareText, type EligibleEntry } from './eligibility.js';
import type { TimeOverlap } from './types.js';

interface Span {
  e: EligibleEntry;
  start: number;
  end: number;
  /** Billed on an earlier invoice: it keeps its time, whatever the order. */
  invoiced: boolean;
  /** `start` and `end` as text, each made once, when first reported: a span is in many overlaps. */
  startText: string;
  endText: string;
}

export interface OverlapResult {
  /** Entry id → seconds of it already covered by another entry of the same person, not billed again. */
  covered: Map<string, number>;
  overlaps: TimeOverlap[];
}

const DAY_MS = 86_400_000;
const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * Instants as ISO-8601 UTC, "2026-11-03T10:00:00Z" like `formatInstant`, fast: a busy month holds
 * thousands of overlaps, and the Temporal polyfill (or even Date) per instant dominated the engine.
 * The date comes from Date once per UTC day; the time of day is plain integer division (UTC has no
 * offsets, so this is no time-zone arithmetic).
 */
function utcFormatter(): (ms: number) => string {
  const days = new Map<number, string>();
  return (ms) => {
    const day = Math.floor(ms / DAY_MS);
    let date = days.get(day);
    if (date === undefined) {
      date = new Date(day * DAY_MS).toISOString().slice(0, 10);
      days.set(day, date);
    }
    const rest = ms - day * DAY_MS;
    const milli = rest % 1000;
    const secs = (rest - milli) / 1000;
    const time = `${two(Math.floor(secs / 3600))}:${two(Math.floor(secs / 60) % 60)}:${two(secs % 60)}`;
    return `${date}T${time}${milli === 0 ? '' : `.${String(milli).padStart(3, '0')}`}Z`;
  };
}

const span = (e: EligibleEntry, invoiced: boolean): Span => ({
  e,
  start: e.startMs,
  end: e.startMs + e.seconds * 1000,
  invoiced,
  startText: '',
  endText: '',
});

/** Entries per person: `userId`, or one unknown person for entries without one (the VA's own time). */
function byPerson(spans: readonly Span[]): Map<string, Span[]> {
  const people = new Map<string, Span[]>();
  for (const s of spans) {
    const key = s.e.entry.userId ?? '';
    const list = people.get(key);
    if (list) list.push(s);
    else people.set(key, [s]);
  }
  return people;
}

/** Sorted, non-overlapping intervals covering the same time as `spans`. */
function merge(spans: readonly Span[]): [number, number][] {
  const out: [number, number][] = [];
  for (const s of spans) {
    const last = out.at(-1);
    if (last && s.start <= last[1]) last[1] = Math.max(last[1], s.end);
    else if (s.end > s.start) out.push([s.start, s.end]);
  }
  return out;
}

/**
 * Milliseconds of each new entry already covered by another entry of its person: by time billed on
 * an earlier invoice, or by an earlier-starting entry of this draft (ties by id). Sweeping in start
 * order, the earlier entries of this draft cover exactly [start, furthest end so far).
 */
function coveredMs(fresh: readonly Span[], invoiced: readonly Span[], out: Map<string, number>): void {
  const billed = merge(invoiced);
  let furthest = Number.NEGATIVE_INFINITY;
  let first = 0;
  for (const s of fresh) {
    const byDraft = Math.max(0, Math.min(s.end, furthest) - s.start);
    const from = Math.max(s.start, furthest);
    while (first < billed.length && (billed[first]?.[1] ?? 0) <= from) first += 1;
    let byInvoice = 0;
    for (let i = first; i < billed.length; i++) {
      const [a, b] = billed[i] as [number, number];
      if (a >= s.end) break;
      byInvoice += Math.max(0, Math.min(b, s.end) - Math.max(a, from));
    }
    // Whole seconds, rounded down: never more taken off than two entries truly share.
    out.set(s.e.entry.id, Math.min(s.e.seconds, Math.floor((byDraft + byInvoice) / 1000)));
    furthest = Math.max(furthest, s.end);
  }
}

/** Every pair of one person's entries sharing time, where at least one is billed by this draft. */
function pairs(
  spans: readonly Span[],
  billed: TimeOverlap['billed'],
  utc: (ms: number) => string,
): { at: number; o: TimeOverlap }[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || compareText(a.e.entry.id, b.e.entry.id));
  const out: { at: number; o: TimeOverlap }[] = [];
  const active: Span[] = [];
  for (const x of sorted) {
    // Keep only spans still running at x's start, in place: this loop runs once per entry.
    let kept = 0;
    for (const y of active) if (y.end > x.start) active[kept++] = y;
    active.length = kept;
    for (const y of active) {
      if (x.invoiced && y.invoiced) continue;
      const first = x.end <= y.end ? x : y;
      const seconds = Math.floor((first.end - x.start) / 1000);
      if (seconds <= 0) continue;
      // The entry billed again is this draft's: the later one, unless the other was invoiced before.
      const [again, cover] = x.invoiced ? [y, x] : [x, y];
      if (x.startText === '') x.startText = utc(x.start);
      if (first.endText === '') first.endText = utc(first.end);
      out.push({
        at: x.start,
        o: {
          entryId: again.e.entry.id,
          coveredBy: cover.e.entry.id,
          userId: x.e.entry.userId ?? null,
          start: x.startText,
          end: first.endText,
          seconds,
          billed,
        },
      });
    }
    if (x.end > x.start) active.push(x);
  }
  return out;
}

/**
 * Finds time tracked twice by one person (a timer left running while another started, a duplicated
 * entry) and, under `bill-once`, takes the shared minutes off the entry that comes second: the
 * later-starting one of this draft, or this draft's one when the other was invoiced before. Every
 * overlap is reported either way. Entries without a `userId` count as one person's.
 */
export function resolveOverlaps(input: {
  eligible: readonly EligibleEntry[];
  invoiced: readonly EligibleEntry[];
  rule: BillingConfig['overlaps'];
}): OverlapResult {
  const spans = [...input.eligible.map((e) => span(e, false)), ...input.invoiced.map((e) => span(e, true))];
  const covered = new Map<string, number>();
  const found: { at: number; o: TimeOverlap }[] = [];
  const billed = input.rule === 'bill-once' ? 'once' : 'twice';
  const utc = utcFormatter();
  for (const list of byPerson(spans).values()) {
    const mine = pairs(list, billed, utc);
    if (mine.length === 0) continue;
    // Not push(...mine): a spread passes every pair as an argument, and a day of a thousand entries
    // left running over each other overflows the stack.
    for (const o of mine) found.push(o);
    if (input.rule === 'bill-once') {
      // `eligible` and `invoiced` come sorted by start then id, and filtering keeps that order.
      coveredMs(
        list.filter((s) => !s.invoiced),
        list.filter((s) => s.invoiced),
        covered,
      );
    }
  }
  found.sort(
    (a, b) =>
      a.at - b.at || compareText(a.o.entryId, b.o.entryId) || compareText(a.o.coveredBy, b.o.coveredBy),
  );
  return { covered, overlaps: found.map((f) => f.o) };
}
