import { type BusyInterval, type CalendarBlock, formatInstant, parseInstant } from '@vahub/core';

/**
 * Busy time without vahub's own blocks. A calendar's free/busy (Google's freeBusy) cannot tell
 * events apart, and vahub's blocks are opaque so that others see the VA as busy; the planner,
 * though, must see only the time that is taken by something else, or it would find every block's
 * own slot "busy" and move it. So the blocks' intervals are cut out of the busy intervals.
 *
 * What this cannot see: a meeting that lies entirely inside one of vahub's blocks disappears with
 * the cut (freeBusy merged the two). A meeting that overlaps a block only in part leaves a piece
 * right next to the block, which the planner's buffer then treats as a collision.
 */
export function busyWithoutBlocks(
  busy: readonly BusyInterval[],
  blocks: readonly Pick<CalendarBlock, 'start' | 'end'>[],
): BusyInterval[] {
  const cuts = blocks
    .map((b) => ({ start: parseInstant(b.start), end: parseInstant(b.end) }))
    .filter((c) => c.end > c.start)
    .sort((a, b) => a.start - b.start);
  const out: BusyInterval[] = [];
  for (const interval of busy) {
    let start = parseInstant(interval.start);
    const end = parseInstant(interval.end);
    for (const cut of cuts) {
      if (cut.end <= start) continue;
      if (cut.start >= end) break;
      if (cut.start > start) out.push(piece(interval, start, cut.start));
      start = Math.max(start, cut.end);
      if (start >= end) break;
    }
    if (start < end) out.push(piece(interval, start, end));
  }
  return out;
}

function piece(of: BusyInterval, start: number, end: number): BusyInterval {
  return {
    start: formatInstant(start),
    end: formatInstant(end),
    ...(of.source === undefined ? {} : { source: of.source }),
  };
}
