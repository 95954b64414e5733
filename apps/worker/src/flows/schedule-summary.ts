import {
  type CalendarBlock,
  type IsoInstant,
  type PlanResult,
  parseInstant,
  type ShortfallReason,
  type Task,
  toCalendarBlock,
} from '@vahub/core';
import {
  endsBy,
  ignoredBlockProblems,
  type ScheduleProblem,
  type UnreadableTaskProblem,
} from './schedule-problems.js';

/** A task that did not get all the time it needs before its deadline (or within the horizon). */
export interface UnplacedTask {
  taskId: string;
  taskName: string;
  clientId: string;
  reason: ShortfallReason;
  missingMinutes: number;
  deadline: IsoInstant | null;
  message: string;
}

/** A block on the calendar after the run, with the task it is for. */
export interface AgendaItem {
  block: CalendarBlock;
  task: Task | null;
  change: 'created' | 'moved' | 'kept';
}

/** Why the planner did what it did with one block, for `vahub plan` and the demo. */
export interface BlockExplanation {
  blockId: string;
  taskId: string;
  action: 'create' | 'move' | 'keep' | 'delete';
  why: string[];
}

export interface ScheduleSummary {
  now: IsoInstant;
  created: number;
  moved: number;
  /** Kept blocks that have not ended: blocks in the past are history, not news. */
  kept: number;
  deleted: number;
  /** Kept blocks whose title was rewritten because the task was renamed. */
  retitled: number;
  unplaced: UnplacedTask[];
  /**
   * What a person should look at, the blocks concerned left as they are: tasks that could not be
   * read, and current blocks the planner could not use. Empty on a clean run.
   */
  problems: ScheduleProblem[];
  /** vahub's blocks from `now` on after the run, in time order. */
  agenda: AgendaItem[];
  /** One per block of the agenda, and one per deleted block. */
  explanations: BlockExplanation[];
  /**
   * The planner's result as it is, blocks in the past included (kept as `started`). The blocks of
   * a task in `problems` reach the planner pinned, so they appear here with `movedByVa: true`.
   */
  plan: PlanResult;
}

export function summarise(input: {
  now: IsoInstant;
  plan: PlanResult;
  tasks: ReadonlyMap<string, Task>;
  retitled: number;
  /** The tasks that could not be read (the planner's ignored blocks are added here). */
  problems: readonly UnreadableTaskProblem[];
  /** The blocks as the calendar has them, by id (the pinned ones unpinned). */
  original: ReadonlyMap<string, CalendarBlock>;
}): ScheduleSummary {
  const { plan, tasks, now, original } = input;
  const current = (b: { end: IsoInstant }) => !endsBy(b, parseInstant(now));
  const kept = plan.keep.filter(current);
  const problemOf = new Map(input.problems.flatMap((p) => p.blockIds.map((id) => [id, p] as const)));
  const agenda: AgendaItem[] = [
    ...plan.create.map((block) => ({ block, change: 'created' as const })),
    ...plan.move.map((block) => ({ block, change: 'moved' as const })),
    ...kept.map((block) => ({ block, change: 'kept' as const })),
  ]
    .filter((a) => current(a.block))
    .map(({ block, change }) => ({
      // A pinned block is shown as the calendar has it, not as the planner was told.
      block: (problemOf.has(block.id) ? original.get(block.id) : undefined) ?? toCalendarBlock(block),
      task: tasks.get(block.taskId) ?? null,
      change,
    }))
    .sort((a, b) => a.block.start.localeCompare(b.block.start) || a.block.id.localeCompare(b.block.id));
  const explanations: BlockExplanation[] = [
    ...plan.create.map((b) => ({ blockId: b.id, taskId: b.taskId, action: 'create' as const, why: b.why })),
    ...plan.move.map((b) => ({ blockId: b.id, taskId: b.taskId, action: 'move' as const, why: b.why })),
    ...kept.map((b) => {
      const problem = problemOf.get(b.id);
      return {
        blockId: b.id,
        taskId: b.taskId,
        action: 'keep' as const,
        why: problem ? [problem.message] : b.why,
      };
    }),
    ...plan.delete.map((d) => ({
      blockId: d.block.id,
      taskId: d.block.taskId,
      action: 'delete' as const,
      why: d.why,
    })),
  ];
  return {
    now,
    created: plan.create.length,
    moved: plan.move.length,
    kept: kept.length,
    deleted: plan.delete.length,
    retitled: input.retitled,
    unplaced: plan.shortfalls.map((s) => ({
      taskId: s.taskId,
      taskName: tasks.get(s.taskId)?.name ?? s.taskId,
      clientId: s.clientId,
      reason: s.reason,
      missingMinutes: s.missingMinutes,
      deadline: s.deadline,
      message: s.message,
    })),
    problems: [...input.problems, ...ignoredBlockProblems(plan, parseInstant(now))],
    agenda,
    explanations,
    plan,
  };
}
