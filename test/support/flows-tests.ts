// What the flow test files share beside their world (flows-world.ts, which the benches and the chaos
// run import too, so it stays free of vitest): a fresh world for each test, and the schedule-tasks
// flow run on it.
import { type ScheduleTasksInput, scheduleTasks } from '@vahub/worker';
import { afterEach, beforeEach } from 'vitest';
import { CONFIG, NOW, startWorld, type World } from './flows-world.js';

/**
 * A fresh world for each of the file's tests, handed to `use` as soon as it is up and stopped after
 * the test (`configText`: flows-world's config unless the file varies it).
 */
export function withEachWorld(use: (w: World) => void, configText = CONFIG): void {
  let w: World | undefined;
  beforeEach(async () => {
    w = undefined;
    w = await startWorld(configText);
    use(w);
  });
  afterEach(async () => {
    await w?.stop();
  });
}

/** The schedule-tasks flow on the world's config, tasks and calendar at NOW, unless `input` says otherwise. */
export const scheduleIn = (w: World, input: Partial<ScheduleTasksInput> = {}) =>
  scheduleTasks({ config: w.config, tasks: w.tasks, calendar: w.calendar, now: NOW, ...input });
