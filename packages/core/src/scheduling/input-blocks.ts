import type { CalendarBlock } from '../domain/types.js';
import { compareText, instantMs } from './instants.js';
import type { BlockProblem } from './types.js';

/** A block with its instants as epoch ms. */
export interface PBlock {
  block: CalendarBlock;
  start: number;
  end: number;
}

/**
 * A block that cannot be planned with. It never stops the plan (a block the VA edited by hand is
 * the VA's business, and one bad event must not halt scheduling for every client):
 * - deleted (`leftAlone` null) when it is vahub's to change (not a twin, not moved by the VA, of a
 *   configured client) and lies wholly in the future;
 * - otherwise left alone: untouched.
 * Either way it is not busy time nor time held for its task.
 */
export interface InvalidBlock {
  block: CalendarBlock;
  problem: BlockProblem;
  /** Why it is left alone; null: it is deleted. */
  leftAlone: 'duplicate-id' | 'moved-by-va' | 'unknown-client' | 'not-in-future' | null;
  /** The block's instants, NaN where unreadable. */
  start: number;
  end: number;
}

export interface ReadBlocks {
  /** The usable blocks, sorted by start, then id. */
  valid: PBlock[];
  /** Sorted by id, then by the rest of the block, so the order of the input never shows. */
  invalid: InvalidBlock[];
  /** Per task: the highest chunk number of any of its blocks, valid or not, past or future. */
  lastChunk: Map<string, number>;
  /** Per task: ms of its valid blocks before `now` (ended ones, and the elapsed part of one running). */
  pastTime: Map<string, number>;
}

export function readBlocks(args: {
  blocks: readonly CalendarBlock[];
  now: number;
  clientIds: ReadonlySet<string>;
}): ReadBlocks {
  const { now, clientIds } = args;
  const count = new Map<string, number>();
  for (const b of args.blocks) count.set(b.id, (count.get(b.id) ?? 0) + 1);
  const valid: PBlock[] = [];
  const invalid: InvalidBlock[] = [];
  const lastChunk = new Map<string, number>();
  const pastTime = new Map<string, number>();
  for (const block of args.blocks) {
    if (Number.isSafeInteger(block.chunk)) {
      lastChunk.set(block.taskId, Math.max(lastChunk.get(block.taskId) ?? 0, block.chunk));
    }
    const start = readable(block.start);
    const end = readable(block.end);
    const problem: BlockProblem | null =
      (count.get(block.id) ?? 0) > 1
        ? 'duplicate-id'
        : Number.isNaN(start) || Number.isNaN(end)
          ? 'unreadable-time'
          : end <= start
            ? 'end-not-after-start'
            : !Number.isSafeInteger(block.chunk)
              ? 'bad-chunk'
              : null;
    if (problem === null) {
      valid.push({ block, start, end });
      if (start < now)
        pastTime.set(block.taskId, (pastTime.get(block.taskId) ?? 0) + Math.min(end, now) - start);
      continue;
    }
    // An unreadable instant is NaN, and NaN is never "in the future".
    const leftAlone =
      problem === 'duplicate-id'
        ? 'duplicate-id'
        : block.movedByVa
          ? 'moved-by-va'
          : !clientIds.has(block.clientId)
            ? 'unknown-client'
            : !(Math.min(start, end) >= now)
              ? 'not-in-future'
              : null;
    invalid.push({ block, problem, leftAlone, start, end });
  }
  valid.sort((a, b) => a.start - b.start || compareText(a.block.id, b.block.id));
  invalid.sort(
    (a, b) => compareText(a.block.id, b.block.id) || compareText(sortKey(a.block), sortKey(b.block)),
  );
  return { valid, invalid, lastChunk, pastTime };
}

function readable(text: string): number {
  try {
    return typeof text === 'string' ? instantMs(text) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Every field of the block, in a fixed order: ties between duplicates must not follow the input. */
function sortKey(b: CalendarBlock): string {
  return JSON.stringify([b.start, b.end, b.taskId, b.clientId, b.chunk, b.title, b.movedByVa]);
}
