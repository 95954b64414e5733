import { type BlockProblem, type ConnectorErrorCode, type PlanResult, parseInstant } from '@vahub/core';

/** Something a person should look at: vahub left the blocks concerned as they are. */
export type ScheduleProblem = UnreadableTaskProblem | IgnoredBlockProblem;

/**
 * A task vahub could not read for good, so it did not plan it: its blocks stay on the calendar as
 * they are until a person fixes what `message` says (and the next run picks the task up again).
 */
export interface UnreadableTaskProblem {
  kind: 'task-unreadable';
  taskId: string;
  /**
   * The clients involved: those the task source named (a task in two clients' projects names
   * both), else the clients of the task's blocks.
   */
  clientIds: string[];
  /** The task's blocks, left on the calendar untouched, sorted. */
  blockIds: string[];
  /** The task source's error code: `conflict` for a task in two clients' projects. */
  code: ConnectorErrorCode;
  /** What is wrong and what to do, naming the task, its block and the source's own message. */
  message: string;
}

/**
 * A current block the planner could not use and left alone (the VA shortened it to nothing, say):
 * it is neither busy time nor time for its task until a person fixes or deletes it.
 */
export interface IgnoredBlockProblem {
  kind: 'block-ignored';
  taskId: string;
  clientIds: string[];
  blockIds: string[];
  /** The planner's name for what is wrong with it. */
  code: BlockProblem;
  message: string;
}

/**
 * The planner's ignored blocks that still matter: those that have not ended, or whose end cannot be
 * read. An unusable block in the past is history, not something to report run after run.
 */
export function ignoredBlockProblems(plan: PlanResult, now: number): IgnoredBlockProblem[] {
  return plan.ignored
    .filter((i) => {
      const end = endOf(i.block);
      return end === null || end > now;
    })
    .map(({ block, problem, why }) => ({
      kind: 'block-ignored',
      taskId: block.taskId,
      clientIds: [block.clientId],
      blockIds: [block.id],
      code: problem,
      message: `block "${block.title}" (${block.id}) of task ${block.taskId} is left as it is: ${why.join('; ')}`,
    }));
}

/** The block's end in epoch ms; null when it is not a readable instant (the planner sets such a block aside). */
function endOf(block: { end: string }): number | null {
  try {
    return parseInstant(block.end);
  } catch {
    return null;
  }
}

/** Whether the block ended by `at`. One whose end cannot be read counts as ended: vahub never writes it. */
export function endsBy(block: { end: string }, at: number): boolean {
  const end = endOf(block);
  return end === null || end <= at;
}
