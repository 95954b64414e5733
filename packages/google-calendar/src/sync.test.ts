import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Connected, connect, makeBlock, startFake } from './test-support.js';
import type { FakeGoogle } from './testing/index.js';

let fake: FakeGoogle;
let va: Connected;
beforeEach(async () => {
  fake = await startFake();
  va = await connect(fake);
});
afterEach(async () => {
  await fake.stop();
});

const meeting = (summary: string, hour: number) => ({
  summary,
  start: { dateTime: `2026-11-30T${String(hour).padStart(2, '0')}:00:00Z` },
  end: { dateTime: `2026-11-30T${String(hour + 1).padStart(2, '0')}:00:00Z` },
});

describe('syncChanges', () => {
  it('round-trips the sync token: a full read, then only what changed, deletions included', async () => {
    const standup = fake.seedEvent('primary', meeting('Standup', 8));
    const block = makeBlock({ start: '2026-11-30T09:00:00Z', end: '2026-11-30T10:00:00Z' });
    await va.calendar.upsertBlock(block);

    const first = await va.calendar.syncChanges(null);
    expect(first.resyncNeeded).toBe(true);
    expect(first.changes.map((c) => c.eventId).sort()).toEqual([block.id, standup.id].sort());
    expect(first.changes.find((c) => c.eventId === block.id)?.block).toMatchObject({
      taskId: block.taskId,
      movedByVa: false,
    });

    const quiet = await va.calendar.syncChanges(first.cursor);
    expect(quiet).toEqual({ changes: [], cursor: expect.any(String), resyncNeeded: false });

    fake.editEvent('primary', block.id, {
      start: { dateTime: '2026-11-30T09:30:00Z' },
      end: { dateTime: '2026-11-30T10:30:00Z' },
    });
    fake.deleteEvent('primary', standup.id);
    const lunch = fake.seedEvent('primary', meeting('Lunch', 12));

    const next = await va.calendar.syncChanges(quiet.cursor);
    expect(next.resyncNeeded).toBe(false);
    expect(next.changes).toEqual([
      {
        eventId: block.id,
        status: 'confirmed',
        block: expect.objectContaining({ movedByVa: true }),
        updated: expect.any(String),
      },
      { eventId: standup.id, status: 'cancelled', block: null, updated: expect.any(String) },
      { eventId: lunch.id, status: 'confirmed', block: null, updated: expect.any(String) },
    ]);
    const lists = fake.apiRequests('GET', /\/events$/);
    expect(lists[0]?.query.syncToken).toBeUndefined();
    expect(lists[1]?.query.syncToken).toBe(first.cursor);
    expect(lists[2]?.query.syncToken).toBe(quiet.cursor);
  });

  it('pages through a long full read and keeps the sync token of the last page', async () => {
    for (let i = 0; i < 260; i++) fake.seedEvent('primary', meeting(`Event ${i}`, 8));
    const page = await va.calendar.syncChanges(null);
    expect(page.changes).toHaveLength(260);
    const lists = fake.apiRequests('GET', /\/events$/);
    expect(lists).toHaveLength(2);
    expect(lists[1]?.query.pageToken).toBeTruthy();
    fake.seedEvent('primary', meeting('One more', 9));
    expect((await va.calendar.syncChanges(page.cursor)).changes).toHaveLength(1);
  });

  it('answers an expired token (410 Gone) with a full read flagged resyncNeeded', async () => {
    fake.seedEvent('primary', meeting('Standup', 8));
    const first = await va.calendar.syncChanges(null);
    fake.expireSyncTokens();
    const after = await va.calendar.syncChanges(first.cursor);
    expect(after.resyncNeeded).toBe(true);
    expect(after.changes).toHaveLength(1);
    const statuses = fake.apiRequests('GET', /\/events$/).map((r) => r.status);
    expect(statuses).toEqual([200, 410, 200]);
    expect((await va.calendar.syncChanges(after.cursor)).resyncNeeded).toBe(false);
  });
});
