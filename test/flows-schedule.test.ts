// The schedule-tasks flow against the real connectors and SDKs, each pointed at its vendor's fake.
// Nothing of ours is mocked: what is asserted is what the fakes end up holding.
import { describe, expect, it } from 'vitest';
import { scheduleIn, withEachWorld } from './support/flows-tests.js';
import {
  BUFFER_MS,
  blocksIn,
  budapest,
  calendarWrites,
  KOALA_PROJECT,
  NOW,
  THAMES_PROJECT,
  taskOf,
  type World,
} from './support/flows-world.js';

let w: World;
withEachWorld((world) => {
  w = world;
});

describe('scheduleTasks', () => {
  const schedule = () => scheduleIn(w);

  function seedWeek() {
    const task = (
      project: string,
      name: string,
      extra: { dueOn?: string; estimate?: number; assignee?: string; completed?: boolean },
    ) =>
      w.asana.createTask({
        name,
        projects: [project],
        assignee: extra.assignee ?? w.vaGid,
        completed: extra.completed ?? false,
        dueOn: extra.dueOn ?? null,
        customFields: extra.estimate === undefined ? {} : { [w.estimateGid]: extra.estimate },
      });
    const meeting = w.google.seedEvent('primary', {
      summary: 'Client call',
      start: { dateTime: '2026-12-07T10:00:00', timeZone: 'Europe/Budapest' },
      end: { dateTime: '2026-12-07T11:30:00', timeZone: 'Europe/Budapest' },
    });
    return {
      meeting,
      koala: task(KOALA_PROJECT, 'Schedule posts', { dueOn: '2026-12-08', estimate: 90 }),
      thames: task(THAMES_PROJECT, 'Update portfolio', { dueOn: '2026-12-09', estimate: 60 }),
      done: task(THAMES_PROJECT, 'Already done', { completed: true }),
      others: task(THAMES_PROJECT, 'Not mine', { assignee: 'someone-else' }),
    };
  }

  it('books open tasks around meetings, before deadlines, and a second run writes nothing', async () => {
    const seeded = seedWeek();
    const first = await schedule();
    expect(first.created).toBeGreaterThanOrEqual(2);
    const onCalendar = blocksIn(w.google);
    expect(onCalendar.map((e) => e.json.id).sort()).toEqual(first.agenda.map((a) => a.block.id).sort());
    for (const a of first.agenda) {
      const event = onCalendar.find((e) => e.json.id === a.block.id)!;
      expect([event.startMs, event.endMs]).toEqual([Date.parse(a.block.start), Date.parse(a.block.end)]);
    }
    const meeting = { start: budapest('2026-12-07T10:00'), end: budapest('2026-12-07T11:30') };
    for (const e of onCalendar) {
      expect(e.endMs + BUFFER_MS <= meeting.start || e.startMs >= meeting.end + BUFFER_MS).toBe(true);
    }
    const taskIds = new Set(first.agenda.map((a) => a.block.taskId));
    expect(taskIds).toEqual(new Set([seeded.koala.gid, seeded.thames.gid]));
    // Koala's "due 8 Dec" ends at midnight in Sydney: 14:00 on 8 Dec in Budapest.
    const koalaEnd = Math.max(
      ...first.agenda.filter((a) => a.block.taskId === seeded.koala.gid).map((a) => Date.parse(a.block.end)),
    );
    expect(koalaEnd).toBeLessThanOrEqual(budapest('2026-12-08T14:00'));

    const writes = calendarWrites(w.google);
    const second = await schedule();
    expect([second.created, second.moved, second.deleted, second.retitled]).toEqual([0, 0, 0, 0]);
    expect(second.kept).toBe(first.created);
    expect(calendarWrites(w.google)).toBe(writes);
  });

  it('follows Asana and the calendar: a finished task loses its blocks, a renamed one is retitled, a meeting moves what it lands on', async () => {
    const seeded = seedWeek();
    await schedule();
    w.asana.updateTask(seeded.koala.gid, { completed: true });
    w.asana.updateTask(seeded.thames.gid, { name: 'Update the portfolio page' });
    const after = await schedule();
    expect(after.deleted).toBeGreaterThanOrEqual(1);
    expect(after.retitled).toBe(1);
    expect(blocksIn(w.google).map((e) => e.json.extendedProperties)).not.toContainEqual(
      expect.objectContaining({ private: expect.objectContaining({ vahubTask: seeded.koala.gid }) }),
    );
    const [block] = blocksIn(w.google);
    expect(block?.json.summary).toBe('[Thames Studio] Update the portfolio page');

    // A meeting that overlaps the block's second half: the block must make way.
    const clash = { start: block!.startMs + 30 * 60_000, end: block!.endMs + 30 * 60_000 };
    w.google.seedEvent('primary', {
      summary: 'Surprise call',
      start: { dateTime: new Date(clash.start).toISOString() },
      end: { dateTime: new Date(clash.end).toISOString() },
    });
    const moved = await schedule();
    expect(moved.moved).toBe(1);
    const [now] = blocksIn(w.google);
    expect(now!.endMs + BUFFER_MS <= clash.start || now!.startMs >= clash.end + BUFFER_MS).toBe(true);
  });

  it('sees a meeting put entirely inside one of its blocks, and moves the block off it', async () => {
    seedWeek();
    await schedule();
    // A client books a call in the middle of the longest block.
    const [block] = blocksIn(w.google).sort((a, b) => b.endMs - b.startMs - (a.endMs - a.startMs));
    expect(block!.endMs - block!.startMs).toBeGreaterThanOrEqual(30 * 60_000);
    const inside = { start: block!.startMs + 10 * 60_000, end: block!.endMs - 10 * 60_000 };
    w.google.seedEvent('primary', {
      summary: 'Call booked over the focus block',
      start: { dateTime: new Date(inside.start).toISOString() },
      end: { dateTime: new Date(inside.end).toISOString() },
    });
    const busy = await w.calendar.busy({ start: NOW, end: '2026-12-14T08:00:00Z' });
    expect(busy).toContainEqual({
      start: new Date(inside.start).toISOString(),
      end: new Date(inside.end).toISOString(),
      source: 'primary',
    });

    const before = w.google.apiRequests().length;
    const after = await schedule();
    expect(after.moved).toBe(1);
    expect(after.plan.move.map((m) => m.id)).toEqual([block!.json.id]);
    for (const e of blocksIn(w.google)) {
      expect(e.endMs + BUFFER_MS <= inside.start || e.startMs >= inside.end + BUFFER_MS).toBe(true);
    }
    // The block was read by the run, so its move is one patch: no insert that 409s, no read of it.
    const writes = w.google
      .apiRequests()
      .slice(before)
      .filter((r) => r.method !== 'GET' || r.path.endsWith(block!.json.id as string));
    expect(writes.map((r) => `${r.method} ${r.status}`)).toEqual(['PATCH 200']);
  });

  it('with no buffer, moves a block a meeting overlaps only in part', async () => {
    const seeded = seedWeek();
    const config = { ...w.config, calendar: { ...w.config.calendar, bufferMinutes: 0 } };
    const run = () => scheduleIn(w, { config });
    await run();
    const [block] = blocksIn(w.google).filter((e) => taskOf(e) === seeded.thames.gid);
    const clash = { start: block!.endMs - 15 * 60_000, end: block!.endMs + 30 * 60_000 };
    w.google.seedEvent('primary', {
      summary: 'Overrunning call',
      start: { dateTime: new Date(clash.start).toISOString() },
      end: { dateTime: new Date(clash.end).toISOString() },
    });
    const after = await run();
    expect(after.plan.move.map((m) => m.id)).toEqual([block!.json.id]);
    for (const e of blocksIn(w.google)) {
      expect(e.endMs <= clash.start || e.startMs >= clash.end).toBe(true);
    }
  });

  it('leaves a block the VA moved by hand where the VA put it', async () => {
    const seeded = seedWeek();
    const first = await schedule();
    const thamesBlock = first.agenda.find((a) => a.block.taskId === seeded.thames.gid)!.block;
    w.google.editEvent('primary', thamesBlock.id, {
      start: { dateTime: '2026-12-08T15:00:00', timeZone: 'Europe/Budapest' },
      end: { dateTime: '2026-12-08T16:00:00', timeZone: 'Europe/Budapest' },
    });
    const writes = calendarWrites(w.google);
    const second = await schedule();
    expect([second.created, second.moved, second.deleted]).toEqual([0, 0, 0]);
    expect(second.plan.keep.find((k) => k.id === thamesBlock.id)?.keptBecause).toBe('moved-by-va');
    expect(calendarWrites(w.google)).toBe(writes);
    const event = blocksIn(w.google).find((e) => e.json.id === thamesBlock.id)!;
    expect(event.startMs).toBe(budapest('2026-12-08T15:00'));
  });

  it("leaves yesterday's block where it was, and books what remains under new ids", async () => {
    const task = w.asana.createTask({
      name: 'Monthly report',
      projects: [KOALA_PROJECT],
      assignee: w.vaGid,
      completed: false,
      dueOn: '2026-12-18',
      customFields: { [w.estimateGid]: 150 },
    });
    // A one-day horizon, so Monday's plan books only what fits on Monday.
    const config = { ...w.config, calendar: { ...w.config.calendar, horizonDays: 1 } };
    const run = (now: string) => scheduleIn(w, { config, now });
    // Monday 16:00 in Budapest: 45 minutes of the working day are left.
    const monday = await run('2026-12-07T15:00:00Z');
    expect(monday.created).toBe(1);
    const [held] = blocksIn(w.google);
    const mondayTimes = [budapest('2026-12-07T16:15'), budapest('2026-12-07T17:00')];
    expect([held?.startMs, held?.endMs]).toEqual(mondayTimes);
    const mondayId = held!.json.id as string;
    const writesBefore = w.google.apiRequests().length;

    // Tuesday 09:00: Monday's block is history, the task is still open.
    const tuesday = await run('2026-12-08T08:00:00Z');
    const events = blocksIn(w.google);
    const monday2 = events.find((e) => e.json.id === mondayId);
    expect([monday2?.startMs, monday2?.endMs]).toEqual(mondayTimes);
    const tuesdayWrites = w.google
      .apiRequests()
      .slice(writesBefore)
      .filter((r) => r.method !== 'GET');
    expect(tuesdayWrites.length).toBeGreaterThan(0);
    expect(tuesdayWrites.filter((r) => r.path.includes(mondayId))).toEqual([]);
    const fresh = events.filter((e) => e.json.id !== mondayId);
    expect(fresh.length).toBeGreaterThan(0);
    expect(tuesday.plan.create.map((b) => b.id)).not.toContain(mondayId);
    for (const e of fresh) expect(e.startMs).toBeGreaterThanOrEqual(budapest('2026-12-08T09:15'));
    // The history is the planner's input, not part of the day's report.
    expect(tuesday.agenda.map((a) => a.block.id).sort()).toEqual(fresh.map((e) => e.json.id).sort());
    expect(tuesday.kept).toBe(0);
    expect(tuesday.agenda.every((a) => a.block.taskId === task.gid)).toBe(true);
    // vahub's blocks are read from a year back (SCHEDULE_LOOKBACK_DAYS), not from now.
    const listings = w.google
      .apiRequests()
      .slice(writesBefore)
      .filter((r) => r.method === 'GET' && r.query.privateExtendedProperty !== undefined);
    expect(listings.map((r) => r.query.timeMin)).toEqual(['2025-12-08T08:00:00.000Z']);
    // Monday's 45 minutes count against the 150-minute estimate: 105 are booked, not 150 again.
    const minutes = fresh.reduce((n, e) => n + (e.endMs - e.startMs) / 60_000, 0);
    expect(minutes).toBe(105);
  });

  it('reports a block the VA shortened to nothing, and leaves it as it is', async () => {
    const seeded = seedWeek();
    const first = await schedule();
    const thames = first.agenda.find((a) => a.block.taskId === seeded.thames.gid)!.block;
    w.google.editEvent('primary', thames.id, {
      start: { dateTime: '2026-12-08T15:00:00', timeZone: 'Europe/Budapest' },
      end: { dateTime: '2026-12-08T15:00:00', timeZone: 'Europe/Budapest' },
    });
    const writes = w.google.apiRequests().length;
    const after = await schedule();
    expect(after.problems).toEqual([
      {
        kind: 'block-ignored',
        taskId: seeded.thames.gid,
        clientIds: ['thames-studio'],
        blockIds: [thames.id],
        code: 'end-not-after-start',
        message: expect.stringContaining(`block "${thames.title}" (${thames.id})`),
      },
    ]);
    expect(after.problems[0]?.message).toMatch(/left alone: the VA changed it by hand/);
    const touched = w.google
      .apiRequests()
      .slice(writes)
      .filter((r) => r.method !== 'GET' && r.path.includes(thames.id));
    expect(touched).toEqual([]);
    const event = w.google.events('primary').find((e) => e.json.id === thames.id);
    expect([event?.startMs, event?.endMs]).toEqual([
      budapest('2026-12-08T15:00'),
      budapest('2026-12-08T15:00'),
    ]);
  });

  it("reports a task that landed in a second client's project, and leaves its blocks as they are", async () => {
    const seeded = seedWeek();
    const first = await schedule();
    const koala = first.agenda.filter((a) => a.block.taskId === seeded.koala.gid).map((a) => a.block);
    expect(koala.length).toBeGreaterThan(0);
    w.asana.addTaskToProject(seeded.koala.gid, THAMES_PROJECT);
    const writes = calendarWrites(w.google);

    const after = await schedule();
    expect(after.problems).toEqual([
      {
        kind: 'task-unreadable',
        taskId: seeded.koala.gid,
        clientIds: ['koala-co', 'thames-studio'],
        blockIds: koala.map((b) => b.id).sort(),
        code: 'conflict',
        message: expect.stringContaining(seeded.koala.gid),
      },
    ]);
    const message = after.problems[0]?.message ?? '';
    expect(message).toMatch(/koala-co, thames-studio/);
    expect(message).toMatch(/move it to one client's projects/);
    expect(message).toContain('[Koala Co] Schedule posts');
    expect(calendarWrites(w.google)).toBe(writes);
    expect([after.created, after.moved, after.deleted]).toEqual([0, 0, 0]);
    for (const block of koala) {
      const event = blocksIn(w.google).find((e) => e.json.id === block.id);
      expect([event?.startMs, event?.endMs]).toEqual([Date.parse(block.start), Date.parse(block.end)]);
      const item = after.agenda.find((a) => a.block.id === block.id);
      expect(item).toMatchObject({ change: 'kept', block: { movedByVa: false } });
      expect(after.explanations.find((x) => x.blockId === block.id)?.why).toEqual([message]);
    }
  });

  it('reports a task that cannot be read for good; a passing failure still fails the run, to be retried', async () => {
    const seeded = seedWeek();
    const first = await schedule();
    const koala = first.agenda.filter((a) => a.block.taskId === seeded.koala.gid).map((a) => a.block.id);
    // Out of every listed project, so the flow reads it by id.
    w.asana.removeTaskFromProject(seeded.koala.gid, KOALA_PROJECT);
    const readOf = (req: { method: string; path: string }) =>
      req.method === 'GET' && req.path.endsWith(`/tasks/${seeded.koala.gid}`);
    const writes = calendarWrites(w.google);

    // Unavailable for every in-process try (core's default of 4), so the run itself fails.
    w.asana.server.faults.next({ status: 503, match: readOf, times: 4 });
    await expect(schedule()).rejects.toMatchObject({ name: 'ConnectorError', retryable: true, status: 503 });
    expect(calendarWrites(w.google)).toBe(writes);

    w.asana.server.faults.next({ status: 403, match: readOf });
    const after = await schedule();
    expect(after.problems).toEqual([
      expect.objectContaining({ taskId: seeded.koala.gid, blockIds: [...koala].sort(), code: 'failed' }),
    ]);
    expect(after.problems[0]?.message).toMatch(/HTTP 403/);
    expect(after.deleted).toBe(0);
    expect(calendarWrites(w.google)).toBe(writes);

    // Once the task reads again, the flow does what the source says: it is in no client's project.
    const healed = await schedule();
    expect(healed.problems).toEqual([]);
    expect(healed.plan.delete.map((d) => [d.block.id, d.reason]).sort()).toEqual(
      koala.map((id) => [id, 'task-missing']).sort(),
    );
  });
});
