import {
  AmbiguousClientError,
  type CalendarBlock,
  type ConnectorError,
  isConnectorError,
  isReconnectRequired,
  type Task,
  type TaskSource,
} from '@vahub/core';
import { endsBy, type UnreadableTaskProblem } from './schedule-problems.js';

export interface TasksOfBlocks {
  /** The open tasks and the readable tasks of current blocks. */
  tasks: Task[];
  problems: UnreadableTaskProblem[];
}

/**
 * The planner must know the task of every block it may change: a current block (one that has not
 * ended) whose task is no longer open (completed, reassigned, moved to an unconfigured project) is
 * read one by one, so the planner deletes it for the right reason; one the source no longer knows
 * is left out, and the planner treats it as deleted. Blocks that ended before `now` are history the
 * planner never changes, so their tasks are not read (that would cost a request per finished task).
 *
 * A read that fails for good (a task in two clients' projects, a 403) is that task's problem, not the
 * run's: it is reported and its blocks must be left alone. A failure that may pass (429, 5xx, the
 * network) or that concerns the whole connection (a revoked token) fails the run, so the job retries.
 */
export async function tasksOfBlocks(input: {
  source: TaskSource;
  open: readonly Task[];
  blocks: readonly CalendarBlock[];
  now: number;
}): Promise<TasksOfBlocks> {
  const known = new Set(input.open.map((t) => t.id));
  const current = input.blocks.filter((b) => !endsBy(b, input.now) && !known.has(b.taskId));
  const missing = [...new Set(current.map((b) => b.taskId))].sort();
  type Read = { taskId: string; task: Task | null; error?: ConnectorError };
  const read = await Promise.all(
    missing.map(async (taskId): Promise<Read> => {
      try {
        return { taskId, task: await input.source.getTask(taskId) };
      } catch (error) {
        if (!isConnectorError(error) || error.retryable || isReconnectRequired(error)) throw error;
        return { taskId, task: null, error };
      }
    }),
  );
  const tasks = [...input.open];
  const problems: UnreadableTaskProblem[] = [];
  for (const r of read) {
    if (r.task) tasks.push(r.task);
    if (!r.error) continue;
    const blocks = current
      .filter((b) => b.taskId === r.taskId)
      .sort((a, b) => a.start.localeCompare(b.start));
    problems.push({
      kind: 'task-unreadable',
      taskId: r.taskId,
      clientIds: clientIdsOf(r.error) ?? [...new Set(blocks.map((b) => b.clientId))].sort(),
      blockIds: blocks.map((b) => b.id).sort(),
      code: r.error.code,
      message: problemMessage(r.taskId, blocks, r.error.message),
    });
  }
  return { tasks, problems };
}

/** The clients a source's error names, when it names them (core's `AmbiguousClientError` does). */
function clientIdsOf(error: ConnectorError): string[] | null {
  return error instanceof AmbiguousClientError && error.clientIds.length > 0
    ? [...error.clientIds].sort()
    : null;
}

function problemMessage(taskId: string, blocks: readonly CalendarBlock[], reason: string): string {
  // The block's title carries the client and task names, which the source could not give us.
  const title = blocks[0]?.title;
  const stay =
    blocks.length === 1 ? 'its block stays as it is' : `its ${blocks.length} blocks stay as they are`;
  return `task ${taskId}${title ? ` ("${title}")` : ''} could not be read, so ${stay}: ${reason}`;
}
