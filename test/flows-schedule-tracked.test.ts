// Tracked time in the schedule-tasks flow, through the real Asana, Toggl and Google connectors and
// their fakes: a past block with no time tracked in it is work not done, and is booked again.
import { beforeEach, describe, expect, it } from 'vitest';
import { scheduleIn, withEachWorld } from './support/flows-tests.js';
import {
  blocksIn,
  CONFIG,
  KOALA_PROJECT,
  NOW,
  TRACKED_CONFIG,
  taskOf,
  type World,
} from './support/flows-world.js';

const HOUR = 3_600_000;

let w: World;
beforeEach(() => {
  expect(TRACKED_CONFIG).not.toBe(CONFIG);
});
withEachWorld((world) => {
  w = world;
}, TRACKED_CONFIG);

describe('scheduleTasks with tracked time', () => {
  const at = (now: string, withTime: boolean) =>
    scheduleIn(w, { now, ...(withTime ? { time: w.time } : {}) });
  const futureMinutes = (taskId: string, now: string) =>
    blocksIn(w.google)
      .filter((e) => e.startMs >= Date.parse(now))
      .filter((e) => taskOf(e) === taskId)
      .reduce((sum, e) => sum + (e.endMs - e.startMs) / 60_000, 0);

  it('books a skipped block again, and stops once the time is tracked', async () => {
    const task = w.asana.createTask({
      name: 'Schedule posts',
      projects: [KOALA_PROJECT],
      assignee: w.vaGid,
      dueOn: '2026-12-11',
      customFields: { [w.estimateGid]: 60 },
    });
    const first = await at(NOW, true);
    const booked = first.agenda.filter((a) => a.block.taskId === task.gid);
    expect(booked.map((a) => a.block.taskId)).toEqual([task.gid]);
    const block = booked[0]!.block;

    // The block's time has passed and nothing was tracked on the task.
    const later = new Date(Date.parse(block.end) + HOUR).toISOString();
    expect(futureMinutes(task.gid, later)).toBe(0);
    // Without the time source tracked time is unknown: the past block counts as done.
    const blind = await at(later, false);
    expect(blind.created).toBe(0);
    expect(futureMinutes(task.gid, later)).toBe(0);
    // With it, the hour was not worked, so it is booked again after `later`.
    const again = await at(later, true);
    expect(again.created).toBeGreaterThanOrEqual(1);
    expect(futureMinutes(task.gid, later)).toBe(60);
    // Untouched: the past block stays where it was.
    expect(blocksIn(w.google).map((e) => e.json.id)).toContain(block.id);

    // The VA tracks 30 minutes on the task (Toggl's Asana button puts the task's link in the entry).
    const url = (await w.tasks.getTask(task.gid))?.url;
    expect(url).toContain(task.gid);
    w.toggl.seedEntries([
      {
        workspace_id: 4242,
        project_id: 190001,
        description: `Schedule posts ${url}`,
        start: Date.parse(block.start),
        stop: Date.parse(block.start) + 30 * 60_000,
      },
    ]);
    const rest = await at(later, true);
    expect(rest.moved + rest.deleted).toBeGreaterThanOrEqual(1);
    expect(futureMinutes(task.gid, later)).toBe(30);
  });
});
