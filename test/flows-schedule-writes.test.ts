// How a run's calendar writes are sent: a few at a time, each idempotent, so a run that fails partway
// is completed by the next one. Through the schedule-tasks flow against the real Asana and Google
// connectors pointed at their fakes: what is asserted is what the calendar fake received and holds.
import type { LoggedRequest } from '@vahub/testkit';
import { describe, expect, it } from 'vitest';
import { scheduleIn, withEachWorld } from './support/flows-tests.js';
import { blocksIn, calendarWrites, KOALA_PROJECT, taskOf, type World } from './support/flows-world.js';

let w: World;
withEachWorld((world) => {
  w = world;
});

const isInsert = (r: { method: string; path: string }) => r.method === 'POST' && r.path.endsWith('/events');

/** Ten one-hour tasks due next week: ten blocks to insert. */
function seedTasks(count = 10) {
  return Array.from({ length: count }, (_, i) =>
    w.asana.createTask({
      name: `Task ${i}`,
      projects: [KOALA_PROJECT],
      assignee: w.vaGid,
      completed: false,
      dueOn: '2026-12-11',
      customFields: { [w.estimateGid]: 60 },
    }),
  );
}

/** Hold every insert `holdMs` at the fake and record the most that were open at once. */
function slowInserts(holdMs: number) {
  let open = 0;
  const seen = { most: 0 };
  w.google.server.faults.next({
    status: 0,
    delayMs: holdMs,
    times: 1_000,
    match: (req) => {
      if (!isInsert(req)) return false;
      open += 1;
      seen.most = Math.max(seen.most, open);
      return true;
    },
  });
  w.google.server.on('request', (r: LoggedRequest) => {
    if (isInsert(r)) open -= 1;
  });
  return seen;
}

/** Each of `tasks` tasks has its hour booked exactly once: no twin, no gap. */
function expectBooked(tasks: number) {
  const blocks = blocksIn(w.google);
  expect(new Set(blocks.map((e) => e.json.id)).size).toBe(blocks.length);
  const minutes = new Map<string, number>();
  for (const e of blocks) {
    const task = taskOf(e)!;
    minutes.set(task, (minutes.get(task) ?? 0) + (e.endMs - e.startMs) / 60_000);
  }
  expect(minutes.size).toBe(tasks);
  expect(new Set(minutes.values())).toEqual(new Set([60]));
}

describe('scheduleTasks: calendar writes', () => {
  it('sends a run’s inserts a few at a time, never more than writesInFlight, and a second run writes nothing', async () => {
    seedTasks();
    const inFlight = slowInserts(100);
    const first = await scheduleIn(w, { writesInFlight: 3 });
    expect(first.created).toBeGreaterThanOrEqual(10);
    expectBooked(10);
    // More than one at once (they overlap while the fake holds each), never more than three.
    expect(inFlight.most).toBeGreaterThan(1);
    expect(inFlight.most).toBeLessThanOrEqual(3);

    const writes = calendarWrites(w.google);
    const second = await scheduleIn(w);
    expect([second.created, second.moved, second.deleted]).toEqual([0, 0, 0]);
    expect(calendarWrites(w.google)).toBe(writes);
  });

  it('stops starting writes at the first that fails for good, and the next run completes the calendar without a twin', async () => {
    seedTasks();
    let inserts = 0;
    // The third insert is refused for good (a 400 is never retried).
    w.google.server.faults.next({
      status: 400,
      match: (req) => isInsert(req) && ++inserts === 3,
    });
    await expect(scheduleIn(w, { writesInFlight: 2 })).rejects.toMatchObject({
      name: 'ConnectorError',
      status: 400,
    });
    // Started before the failure was known: at most the two lanes' next inserts after it.
    const sent = w.google.apiRequests().filter(isInsert).length;
    expect(sent).toBeGreaterThanOrEqual(3);
    expect(sent).toBeLessThanOrEqual(4);
    expect(blocksIn(w.google).length).toBe(sent - 1);

    const healed = await scheduleIn(w);
    expect(healed.created).toBeGreaterThan(0);
    expectBooked(10);
  });

  it('inserts the new blocks of the task changed longest ago first, whatever their deadlines', async () => {
    // Due in the reverse order of their last change: the planner books the latest change first.
    const tasks = Array.from({ length: 6 }, (_, i) =>
      w.asana.createTask({
        name: `Changed ${i}`,
        projects: [KOALA_PROJECT],
        assignee: w.vaGid,
        completed: false,
        dueOn: `2026-12-${String(11 - i).padStart(2, '0')}`,
        customFields: { [w.estimateGid]: 60 },
      }),
    );
    // The fake's record of when each changed (Asana's modified_at), a minute apart.
    tasks.forEach((t, i) => {
      t.modifiedAt = new Date(Date.parse('2026-12-01T08:00:00Z') + i * 60_000).toISOString();
    });
    await scheduleIn(w, { writesInFlight: 1 });
    const inserted = w.google
      .apiRequests()
      .filter(isInsert)
      .map(
        (r) =>
          (r.json as { extendedProperties: { private: Record<string, string> } }).extendedProperties.private
            .vahubTask,
      );
    expect(inserted).toEqual(tasks.map((t) => t.gid));
  });

  it('refuses a writesInFlight that is not a whole number of at least 1, before reading anything', async () => {
    seedTasks(1);
    const before = w.google.server.requests.length + w.asana.server.requests.length;
    for (const writesInFlight of [0, 1.5, Number.NaN]) {
      await expect(scheduleIn(w, { writesInFlight })).rejects.toThrow(
        /writesInFlight must be a whole number >= 1/,
      );
    }
    expect(w.google.server.requests.length + w.asana.server.requests.length).toBe(before);
  });
});
