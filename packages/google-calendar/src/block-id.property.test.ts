import { blockEventId, GOOGLE_EVENT_ID } from '@vahub/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Connected, connect, startFake } from './test-support.js';
import type { FakeGoogle } from './testing/index.js';

// Task and client ids as they may come: Asana gids, but also anything a future task source or a
// hand-edited config could hold: unicode (astral planes, combining marks), slashes, spaces, empty.
const anyId = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.stringMatching(/^\d{16}$/),
);
const chunk = fc.nat({ max: 10_000 });

describe('event ids', () => {
  it('blockEventId is always a valid Google event id, whatever the task and client ids', () => {
    fc.assert(
      fc.property(anyId, anyId, chunk, (client, task, n) => {
        expect(blockEventId(client, task, n)).toMatch(GOOGLE_EVENT_ID);
      }),
      { numRuns: 2000 },
    );
  });

  describe('through the SDK to the fake Google', () => {
    let fake: FakeGoogle;
    let va: Connected;
    beforeAll(async () => {
      fake = await startFake();
      va = await connect(fake);
    });
    afterAll(async () => {
      await fake.stop();
    });

    it('never sends an invalid event id: every insert the fake sees has a base32hex id of 5–1024', async () => {
      let runs = 0;
      await fc.assert(
        fc.asyncProperty(anyId, anyId, chunk, async (clientId, taskId, n) => {
          runs++;
          const outcome = await va.calendar.upsertBlock({
            id: blockEventId(clientId, taskId, n),
            clientId,
            taskId,
            chunk: n,
            start: '2026-11-30T09:00:00Z',
            end: '2026-11-30T10:00:00Z',
            title: `[${clientId}] ${taskId}`,
            movedByVa: false,
          });
          expect(['created', 'unchanged']).toContain(outcome);
        }),
        { numRuns: 60 },
      );
      const inserts = fake.apiRequests('POST', /\/events$/);
      expect(inserts.length).toBeGreaterThanOrEqual(runs);
      for (const insert of inserts) {
        expect((insert.json as { id: string }).id).toMatch(GOOGLE_EVENT_ID);
        expect(insert.status).not.toBe(400);
      }
    });

    it('refuses a hand-made id before sending anything unless it is the valid deterministic one', async () => {
      const before = fake.apiRequests().length;
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 60 }), async (id) => {
          const block = {
            id,
            clientId: 'koala-co',
            taskId: '1207000000000101',
            chunk: 3,
            start: '2026-11-30T09:00:00Z',
            end: '2026-11-30T10:00:00Z',
            title: 'x',
            movedByVa: false,
          };
          const sent = fake.apiRequests().length;
          const result = await va.calendar.upsertBlock(block).then(
            () => 'sent',
            () => 'refused',
          );
          expect(result).toBe('refused');
          expect(fake.apiRequests().length).toBe(sent);
        }),
        { numRuns: 200 },
      );
      expect(fake.apiRequests().length).toBe(before);
    });
  });
});
