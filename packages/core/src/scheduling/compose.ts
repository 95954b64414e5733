import type { BusyInterval, CalendarBlock } from '../domain/types.js';
import { compareText, instantMs as parseInstant } from './input.js';
import type { DeleteReason, MovedBlock, MoveReason, PlanInput, PlannedBlock, PlanResult } from './types.js';

/** A planned block as the calendar holds it: only the `CalendarBlock` fields, without the trail. */
export function toCalendarBlock(b: CalendarBlock): CalendarBlock {
  return {
    id: b.id,
    taskId: b.taskId,
    clientId: b.clientId,
    chunk: b.chunk,
    start: b.start,
    end: b.end,
    title: b.title,
    movedByVa: b.movedByVa,
  };
}

/** The calendar once `result` is carried out: what the next plan would read. */
export function calendarAfter(result: PlanResult): CalendarBlock[] {
  return [...result.keep, ...result.move, ...result.create, ...result.ignored.map((i) => i.block)].map(
    toCalendarBlock,
  );
}

type Why = { reason: MoveReason; forTaskId?: string | undefined; busy?: BusyInterval | undefined };

const MOVE_REASONS = new Set<DeleteReason>([
  'slot-busy',
  'outside-working-hours',
  'overlaps-block',
  'before-start-date',
  'after-deadline',
  'length-out-of-bounds',
  'made-room',
  'reshuffled-for-deadlines',
  'crosses-deadline',
  'less-time-needed',
]);

/**
 * `first` (planned against `input.blocks`) followed by `second` (planned against the calendar
 * `first` leaves), expressed as one plan against `input.blocks`: a block created and then moved is
 * created where it ends up; one that ends where it started is kept; a block deleted in the first
 * round whose chunk the second round creates again is moved, never deleted and re-created.
 */
export function compose(input: PlanInput, first: PlanResult, second: PlanResult): PlanResult {
  const original = new Map(input.blocks.map((b) => [b.id, b]));
  const created = new Map(first.create.map((b) => [b.id, b]));
  const moved = new Map(first.move.map((b) => [b.id, b]));
  const deleted = new Map(first.delete.map((d) => [d.block.id, d]));
  for (const d of second.delete) {
    const was = original.get(d.block.id);
    if (was) deleted.set(was.id, { ...d, block: was });
  }
  const out: PlanResult = {
    create: [],
    keep: [],
    move: [],
    delete: [],
    shortfalls: second.shortfalls,
    // Invalid blocks left alone are judged on the input alone: every round sees and leaves them.
    ignored: first.ignored,
    window: second.window,
  };
  const place = (now: PlannedBlock, why: Why) => {
    const made = created.get(now.id);
    const was = original.get(now.id);
    if (made || !was) {
      // Where it ends up, and late only if it ends after the deadline there: the first round's
      // mark was for the place it had then (a block moved earlier by the second round is on time).
      const { late: _late, ...base } = made ?? now;
      const block: PlannedBlock = { ...base, start: now.start, end: now.end, title: now.title, why: now.why };
      if (now.late) block.late = true;
      out.create.push(block);
    } else if (
      parseInstant(was.start) === parseInstant(now.start) &&
      parseInstant(was.end) === parseInstant(now.end)
    ) {
      const { why: trail, ...block } = now;
      out.keep.push({
        ...block,
        start: was.start,
        end: was.end,
        why: trail,
        keptBecause: 'still-valid',
        titleChanged: now.title !== was.title,
      });
    } else {
      const { forTaskId: _f, busy: _b, ...block } = now as MovedBlock;
      out.move.push({
        ...block,
        from: { start: was.start, end: was.end },
        reason: why.reason,
        ...(why.forTaskId ? { forTaskId: why.forTaskId } : {}),
        ...(why.busy ? { busy: why.busy } : {}),
      });
    }
  };
  for (const k of second.keep) {
    const earlier = created.get(k.id) ?? moved.get(k.id);
    if (!earlier) {
      const was = original.get(k.id);
      out.keep.push(was ? { ...k, titleChanged: k.title !== was.title } : k);
      continue;
    }
    const move = moved.get(k.id);
    place(
      { ...k, why: earlier.why },
      { reason: move?.reason ?? 'made-room', forTaskId: move?.forTaskId, busy: move?.busy },
    );
  }
  for (const m of second.move) place(m, m);
  for (const c of second.create) {
    const gone = deleted.get(c.id);
    if (gone) deleted.delete(c.id);
    const reason =
      gone && MOVE_REASONS.has(gone.reason) ? (gone.reason as MoveReason) : 'reshuffled-for-deadlines';
    place(c, { reason, forTaskId: gone?.forTaskId, busy: gone?.busy });
  }
  out.delete.push(...deleted.values());
  const startOf = (b: CalendarBlock) => parseInstant(b.start);
  const byTime = (a: CalendarBlock, b: CalendarBlock) => startOf(a) - startOf(b) || compareText(a.id, b.id);
  out.create.sort(byTime);
  out.keep.sort(byTime);
  out.move.sort(byTime);
  out.delete.sort((a, b) => byTime(a.block, b.block));
  return out;
}
