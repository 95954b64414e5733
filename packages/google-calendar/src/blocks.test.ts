import { blockEventId, isConnectorError } from '@vahub/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blockDescription, blockTitle } from './block-event.js';
import { type Connected, connect, makeBlock, startFake } from './test-support.js';
import type { FakeGoogle } from './testing/index.js';

const DAY = { start: '2026-11-30T00:00:00Z', end: '2026-12-01T00:00:00Z' };

let fake: FakeGoogle;
let va: Connected;
beforeEach(async () => {
  fake = await startFake();
  va = await connect(fake);
});
afterEach(async () => {
  await fake.stop();
});

describe('upsertBlock', () => {
  it('writes a block the VA recognises: title, Asana link, colour, opaque, no reminders, no emails', async () => {
    const title = blockTitle({
      template: '[{client}] {task}',
      clientName: 'Koala Co',
      taskName: 'Draft the newsletter',
    });
    const description = blockDescription({
      taskUrl: 'https://app.asana.com/0/1207000000000001/1207000000000101',
    });
    const block = makeBlock({
      start: '2026-11-30T09:00:00Z',
      end: '2026-11-30T10:30:00Z',
      title,
      description,
      colorId: '5',
    });
    expect(await va.calendar.upsertBlock(block)).toBe('created');

    const insert = fake.apiRequests('POST', /\/events$/)[0];
    expect(insert?.query.sendUpdates).toBe('none');
    const event = fake.event('primary', block.id);
    expect(event).toMatchObject({
      id: blockEventId('koala-co', '1207000000000101', 0),
      summary: '[Koala Co] Draft the newsletter',
      colorId: '5',
      transparency: 'opaque',
      reminders: { useDefault: false, overrides: [] },
      start: { dateTime: '2026-11-30T10:00:00+01:00', timeZone: 'Europe/Budapest' },
      end: { dateTime: '2026-11-30T11:30:00+01:00', timeZone: 'Europe/Budapest' },
      extendedProperties: {
        private: {
          vahubBlock: '1',
          vahubTask: '1207000000000101',
          vahubClient: 'koala-co',
          vahubChunk: '0',
          vahubStart: '2026-11-30T09:00:00Z',
          vahubEnd: '2026-11-30T10:30:00Z',
        },
      },
    });
    expect(String(event?.description)).toContain('https://app.asana.com/0/1207000000000001/1207000000000101');
  });

  it('inserting the same block twice yields one event: the second insert is a 409, read, unchanged', async () => {
    const block = makeBlock({ start: '2026-11-30T09:00:00Z', end: '2026-11-30T10:00:00Z' });
    expect(await va.calendar.upsertBlock(block)).toBe('created');
    expect(await va.calendar.upsertBlock(block)).toBe('unchanged');
    expect(fake.events()).toHaveLength(1);
    expect(fake.apiRequests().map((r) => `${r.method} ${r.status}`)).toEqual([
      'POST 200',
      'POST 409',
      'GET 200',
    ]);
  });

  it('patches only when the block differs, and says so', async () => {
    const block = makeBlock({ start: '2026-11-30T09:00:00Z', end: '2026-11-30T10:00:00Z' });
    await va.calendar.upsertBlock(block);
    const moved = { ...block, start: '2026-11-30T13:00:00Z', end: '2026-11-30T14:00:00Z' };
    expect(await va.calendar.upsertBlock(moved)).toBe('updated');
    const patch = fake.apiRequests('PATCH')[0];
    expect(patch?.query.sendUpdates).toBe('none');
    expect(patch?.json).not.toHaveProperty('id');
    expect(fake.event('primary', block.id)).toMatchObject({
      start: { dateTime: '2026-11-30T14:00:00+01:00' },
      extendedProperties: { private: { vahubStart: '2026-11-30T13:00:00Z' } },
    });
    expect(fake.events()).toHaveLength(1);
  });

  it('restores a block the VA deleted: Google keeps its id as cancelled, so the insert 409s', async () => {
    const block = makeBlock({ start: '2026-11-30T09:00:00Z', end: '2026-11-30T10:00:00Z' });
    await va.calendar.upsertBlock(block);
    fake.deleteEvent('primary', block.id);
    expect(await va.calendar.upsertBlock(block)).toBe('created');
    expect(fake.event('primary', block.id)?.status).toBe('confirmed');
    expect(fake.apiRequests('PATCH')[0]?.json).toMatchObject({ status: 'confirmed' });
  });

  it('moves a known block with one patch, restoring it if the VA deleted it, and inserts one Google no longer has', async () => {
    const block = makeBlock({ start: '2026-11-30T09:00:00Z', end: '2026-11-30T10:00:00Z' });
    await va.calendar.upsertBlock(block);
    const moved = { ...block, start: '2026-11-30T13:00:00Z', end: '2026-11-30T14:00:00Z' };
    const calls = () => fake.apiRequests().map((r) => `${r.method} ${r.status}`);
    expect(await va.calendar.upsertBlock(moved, { known: true })).toBe('updated');
    expect(calls()).toEqual(['POST 200', 'PATCH 200']);
    expect(fake.apiRequests('PATCH')[0]?.query.sendUpdates).toBe('none');
    expect(fake.event('primary', block.id)).toMatchObject({
      status: 'confirmed',
      start: { dateTime: '2026-11-30T14:00:00+01:00' },
      extendedProperties: {
        private: { vahubStart: '2026-11-30T13:00:00Z', vahubEnd: '2026-11-30T14:00:00Z' },
      },
    });
    // Deleted by the VA since it was read: Google keeps it as cancelled, and the patch confirms it.
    fake.deleteEvent('primary', block.id);
    expect(await va.calendar.upsertBlock(block, { known: true })).toBe('updated');
    expect(fake.event('primary', block.id)).toMatchObject({
      status: 'confirmed',
      start: { dateTime: '2026-11-30T10:00:00+01:00' },
    });
    // One Google does not have (404): inserted as any new block.
    const other = makeBlock({
      taskId: '1207000000000102',
      start: '2026-11-30T15:00:00Z',
      end: '2026-11-30T16:00:00Z',
    });
    expect(await va.calendar.upsertBlock(other, { known: true })).toBe('created');
    expect(calls().slice(-2)).toEqual(['PATCH 404', 'POST 200']);
    expect(fake.events()).toHaveLength(2);
  });

  it('never sends a block whose id is not the deterministic id of its client, task and chunk', async () => {
    const block = makeBlock({ start: '2026-11-30T09:00:00Z', end: '2026-11-30T10:00:00Z' });
    for (const bad of [
      { ...block, id: 'Not-Base32' },
      { ...block, chunk: 1 },
      { ...block, end: block.start },
    ]) {
      const error = await va.calendar.upsertBlock(bad).catch((e: unknown) => e);
      expect(isConnectorError(error) && error.code).toBe('validation');
    }
    expect(fake.apiRequests()).toHaveLength(0);
  });
});

describe('deleteBlock', () => {
  it('deletes by id, and an already-gone block (410 deleted, 404 unknown) is not an error', async () => {
    const block = makeBlock({ start: '2026-11-30T09:00:00Z', end: '2026-11-30T10:00:00Z' });
    await va.calendar.upsertBlock(block);
    await va.calendar.deleteBlock(block.id);
    await va.calendar.deleteBlock(block.id);
    await va.calendar.deleteBlock(blockEventId('koala-co', 'never-written', 0));
    expect(fake.apiRequests('DELETE').map((r) => r.status)).toEqual([204, 410, 404]);
    expect(fake.apiRequests('DELETE').every((r) => r.query.sendUpdates === 'none')).toBe(true);
    expect(fake.event('primary', block.id)?.status).toBe('cancelled');
    expect(await va.calendar.getBlock(block.id)).toBeNull();
  });
});

describe('listBlocks', () => {
  it("lists vahub's blocks in the window by their private marker, and nothing else", async () => {
    const a = makeBlock({ start: '2026-11-30T09:00:00Z', end: '2026-11-30T10:00:00Z' });
    const b = makeBlock({
      clientId: 'wombat-ltd',
      taskId: '42',
      start: '2026-11-30T12:00:00Z',
      end: '2026-11-30T13:00:00Z',
    });
    const nextDay = makeBlock({ chunk: 1, start: '2026-12-01T09:00:00Z', end: '2026-12-01T10:00:00Z' });
    for (const block of [a, b, nextDay]) await va.calendar.upsertBlock(block);
    fake.seedEvent('primary', {
      summary: 'Standup',
      start: { dateTime: '2026-11-30T08:00:00Z' },
      end: { dateTime: '2026-11-30T08:15:00Z' },
    });

    const blocks = await va.calendar.listBlocks(DAY);
    expect(blocks.map((x) => x.id)).toEqual([a.id, b.id]);
    expect(blocks[0]).toEqual({ ...a, start: '2026-11-30T09:00:00.000Z', end: '2026-11-30T10:00:00.000Z' });
    const list = fake.apiRequests('GET', /\/events$/).at(-1);
    expect(new URL(list?.url ?? '', fake.url).searchParams.getAll('privateExtendedProperty')).toEqual([
      'vahubBlock=1',
    ]);

    expect((await va.calendar.listBlocks(DAY, { clientId: 'wombat-ltd' })).map((x) => x.id)).toEqual([b.id]);
  });

  it('detects a block the VA moved or resized by hand, and one left alone', async () => {
    const moved = makeBlock({ start: '2026-11-30T09:00:00Z', end: '2026-11-30T10:00:00Z' });
    const resized = makeBlock({ chunk: 1, start: '2026-11-30T11:00:00Z', end: '2026-11-30T12:00:00Z' });
    const untouched = makeBlock({ chunk: 2, start: '2026-11-30T14:00:00Z', end: '2026-11-30T15:00:00Z' });
    for (const block of [moved, resized, untouched]) await va.calendar.upsertBlock(block);
    // The VA drags one block and stretches another in Google Calendar, in their own zone.
    fake.editEvent('primary', moved.id, {
      start: { dateTime: '2026-11-30T16:00:00', timeZone: 'Europe/Budapest' },
      end: { dateTime: '2026-11-30T17:00:00', timeZone: 'Europe/Budapest' },
    });
    fake.editEvent('primary', resized.id, { end: { dateTime: '2026-11-30T13:30:00+01:00' } });
    // A title edit is not a move.
    fake.editEvent('primary', untouched.id, { summary: 'Newsletter (almost done)' });

    const byId = new Map((await va.calendar.listBlocks(DAY)).map((x) => [x.id, x]));
    expect(byId.get(moved.id)).toMatchObject({ movedByVa: true, start: '2026-11-30T15:00:00.000Z' });
    expect(byId.get(resized.id)).toMatchObject({ movedByVa: true, end: '2026-11-30T12:30:00.000Z' });
    expect(byId.get(untouched.id)).toMatchObject({ movedByVa: false, title: 'Newsletter (almost done)' });
    expect((await va.calendar.getBlock(moved.id))?.movedByVa).toBe(true);
  });

  it('keeps a hand move visible when the planner rewrites the block at the times the VA chose', async () => {
    const block = makeBlock({ start: '2026-11-30T09:00:00Z', end: '2026-11-30T10:00:00Z' });
    await va.calendar.upsertBlock(block);
    fake.editEvent('primary', block.id, {
      start: { dateTime: '2026-11-30T15:00:00Z' },
      end: { dateTime: '2026-11-30T16:00:00Z' },
    });
    const respected = {
      ...block,
      start: '2026-11-30T15:00:00Z',
      end: '2026-11-30T16:00:00Z',
      title: 'Renamed',
    };
    expect(await va.calendar.upsertBlock(respected)).toBe('updated');
    expect(await va.calendar.getBlock(block.id)).toMatchObject({ title: 'Renamed', movedByVa: true });
    // Times the planner chose itself are vahub's again.
    const moved = { ...block, start: '2026-11-30T17:00:00Z', end: '2026-11-30T18:00:00Z' };
    expect(await va.calendar.upsertBlock(moved)).toBe('updated');
    expect(await va.calendar.getBlock(block.id)).toMatchObject({
      start: '2026-11-30T17:00:00.000Z',
      movedByVa: false,
    });
  });
});
