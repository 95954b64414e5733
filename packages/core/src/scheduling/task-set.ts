import type { PTask } from './input.js';

/** What the planner asks of a set of tasks: membership and a count. */
export interface TaskSetView {
  has(t: PTask): boolean;
  readonly size: number;
}

/**
 * A set of a plan's tasks as one flag per task, by its place in the planning order (`rank`): the
 * overload policy's choices and the work late already hold thousands of tasks, made several times a
 * round, where a hash set would grow its table task by task.
 */
export class TaskSet implements TaskSetView {
  private readonly flags: Uint8Array;
  private count = 0;

  /** `tasks`: how many tasks the plan has (every rank is below it). */
  constructor(tasks: number) {
    this.flags = new Uint8Array(tasks);
  }

  get size(): number {
    return this.count;
  }

  add(t: PTask): void {
    if (this.flags[t.rank] === 1) return;
    this.flags[t.rank] = 1;
    this.count++;
  }

  has(t: PTask): boolean {
    return this.flags[t.rank] === 1;
  }
}

/** No task. */
export const NO_TASKS: TaskSetView = { has: () => false, size: 0 };
