// The tests' own reading of invalid input blocks (not exported from the package).
import type { CalendarBlock } from '../domain/types.js';
import { parseInstant } from '../time/zoned.js';
import type { PlanInput, PlanResult } from './types.js';

const readable = (text: string) => {
  try {
    return parseInstant(text);
  } catch {
    return Number.NaN;
  }
};

/**
 * Each input block that cannot be planned with, and whether the plan may delete it: only a block of
 * a configured client, not moved by the VA, with readable times not before `now`, and an id no other
 * input block has. Keyed by the block object, since duplicates share an id.
 */
export function judgeInvalid(input: PlanInput): Map<CalendarBlock, { remove: boolean }> {
  const now = parseInstant(input.now);
  const clients = new Set(input.clients.map((c) => c.id));
  const out = new Map<CalendarBlock, { remove: boolean }>();
  for (const b of input.blocks) {
    const twin = input.blocks.some((o) => o !== b && o.id === b.id);
    const [start, end] = [readable(b.start), readable(b.end)];
    const bad = twin || !(end > start) || !Number.isInteger(b.chunk);
    if (!bad) continue;
    const future = start >= now && end >= now;
    out.set(b, { remove: !twin && !b.movedByVa && clients.has(b.clientId) && future });
  }
  return out;
}

/** Invalid blocks are deleted or reported as left alone, exactly as `judgeInvalid` says, untouched. */
export function invalidViolations(input: PlanInput, result: PlanResult): string[] {
  const out: string[] = [];
  const judged = judgeInvalid(input);
  const ignored = [...result.ignored];
  for (const b of input.blocks) {
    const verdict = judged.get(b);
    const deleted = result.delete.find((d) => d.block.id === b.id && d.reason === 'invalid-block');
    const at = ignored.findIndex((i) => JSON.stringify(i.block) === JSON.stringify(b));
    if (verdict === undefined) {
      if (deleted) out.push(`valid ${b.id} deleted as invalid`);
      if (at >= 0) out.push(`valid ${b.id} reported as ignored`);
    } else if (verdict.remove) {
      if (!deleted || JSON.stringify(deleted.block) !== JSON.stringify(b))
        out.push(`invalid ${b.id} not deleted`);
    } else if (at < 0) {
      out.push(`invalid ${b.id} not left alone as it was`);
    } else {
      ignored.splice(at, 1);
    }
  }
  if (ignored.length > 0) out.push(`${ignored.length} ignored blocks were not input blocks`);
  return out;
}
