// Renamed tasks and their blocks' titles, through the schedule-tasks flow against the real Asana and
// Google connectors pointed at their fakes: what is asserted is what the calendar fake received and holds.
import { describe, expect, it } from 'vitest';
import { scheduleIn, withEachWorld } from './support/flows-tests.js';
import {
  blocksIn,
  budapest,
  KOALA_PROJECT,
  THAMES_PROJECT,
  taskOf,
  type World,
} from './support/flows-world.js';

let w: World;
withEachWorld((world) => {
  w = world;
});

describe('scheduleTasks, a renamed task', () => {
  const schedule = () => scheduleIn(w);
  const seed = () => {
    const task = (project: string, name: string, dueOn: string, estimate: number) =>
      w.asana.createTask({
        name,
        projects: [project],
        assignee: w.vaGid,
        completed: false,
        dueOn,
        customFields: { [w.estimateGid]: estimate },
      });
    return {
      // Three hours: more than one block.
      koala: task(KOALA_PROJECT, 'Schedule posts', '2026-12-10', 180),
      thames: task(THAMES_PROJECT, 'Update portfolio', '2026-12-09', 60),
    };
  };
  /** The block writes and block reads the calendar fake received since `from` (the run's list read aside). */
  const blockCalls = (from: number) =>
    w.google
      .apiRequests()
      .slice(from)
      .filter((r) => !(r.method === 'GET' && r.path.endsWith('/events')))
      .map((r) => `${r.method} ${r.status} ${r.path.split('/events')[1] ?? ''}`);

  it("patches only that task's blocks, each once, at once: no insert that 409s, no read of the block", async () => {
    const { koala } = seed();
    await schedule();
    const koalaBlocks = blocksIn(w.google).filter((e) => taskOf(e) === koala.gid);
    expect(koalaBlocks.length).toBeGreaterThanOrEqual(2);
    const before = blocksIn(w.google).map((e) => ({ id: e.json.id, start: e.startMs, end: e.endMs }));
    w.asana.updateTask(koala.gid, { name: 'Schedule the posts' });

    const from = w.google.apiRequests().length;
    const after = await schedule();
    expect([after.created, after.moved, after.deleted, after.retitled]).toEqual([
      0,
      0,
      0,
      koalaBlocks.length,
    ]);
    expect(blockCalls(from).sort()).toEqual(koalaBlocks.map((e) => `PATCH 200 /${e.json.id}`).sort());
    // Every block where it was; the renamed task's under its new name.
    expect(blocksIn(w.google).map((e) => ({ id: e.json.id, start: e.startMs, end: e.endMs }))).toEqual(
      before,
    );
    for (const e of blocksIn(w.google).filter((x) => taskOf(x) === koala.gid)) {
      expect(e.json.summary).toBe('[Koala Co] Schedule the posts');
    }
    expect((await schedule()).retitled).toBe(0);
  });

  it('leaves a block the VA moved by hand as the VA left it, old title and all: no write', async () => {
    const { thames } = seed();
    await schedule();
    const [block] = blocksIn(w.google).filter((e) => taskOf(e) === thames.gid);
    w.google.editEvent('primary', block!.json.id as string, {
      start: { dateTime: '2026-12-08T15:00:00', timeZone: 'Europe/Budapest' },
      end: { dateTime: '2026-12-08T16:00:00', timeZone: 'Europe/Budapest' },
    });
    w.asana.updateTask(thames.gid, { name: 'Update the portfolio page' });

    const from = w.google.apiRequests().length;
    const after = await schedule();
    expect([after.created, after.moved, after.deleted, after.retitled]).toEqual([0, 0, 0, 0]);
    expect(after.plan.keep.find((k) => k.id === block!.json.id)?.keptBecause).toBe('moved-by-va');
    expect(blockCalls(from)).toEqual([]);
    const event = blocksIn(w.google).find((e) => e.json.id === block!.json.id)!;
    expect(event.json.summary).toBe('[Thames Studio] Update portfolio');
    expect([event.startMs, event.endMs]).toEqual([
      budapest('2026-12-08T15:00'),
      budapest('2026-12-08T16:00'),
    ]);
  });
});
