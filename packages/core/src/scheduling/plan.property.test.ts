import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatInstant } from '../time/zoned.js';
import { planSchedule } from './plan.js';
import { arbPlanInput, arbShuffled } from './test-arbitraries.js';
import { accountingViolations, deadlineOf, finalBlocks, ms, violations } from './test-fixtures.js';
import type { PlanInput, PlanResult } from './types.js';

const MIN = 60_000;

/** The plan's blocks as the calendar will hold them, fed back in as the next plan's input. */
const asCalendar = (result: PlanResult) => finalBlocks(result);

describe('planSchedule: invariants over generated calendars', () => {
  it('never overlaps, keeps buffers and working hours, bounds chunks, and balances the books (fresh plans)', () => {
    fc.assert(
      fc.property(arbPlanInput({ blocks: false }), (input) => {
        const result = planSchedule(input);
        expect(violations(input, result)).toEqual([]);
        expect(accountingViolations(input, result, true)).toEqual([]);
        expect(result.move).toEqual([]);
        expect(result.delete).toEqual([]);
      }),
      { numRuns: 700 },
    );
  });

  it('holds the same invariants when odd blocks are already on the calendar', () => {
    fc.assert(
      fc.property(arbPlanInput({ blocks: true }), (input) => {
        const result = planSchedule(input);
        expect(violations(input, result)).toEqual([]);
        expect(accountingViolations(input, result, false)).toEqual([]);
      }),
      { numRuns: 700 },
    );
  });

  it('gives the same result whatever the order of its input lists', () => {
    fc.assert(
      fc.property(
        arbPlanInput({ blocks: true }).chain((input) => fc.tuple(fc.constant(input), arbShuffled(input))),
        ([input, shuffled]) => {
          expect(planSchedule(shuffled)).toEqual(planSchedule(input));
        },
      ),
      { numRuns: 250 },
    );
  });
});

describe('planSchedule: stability', () => {
  it('changes nothing when an unchanged input is planned again', () => {
    fc.assert(
      fc.property(arbPlanInput({ blocks: true }), (input) => {
        const first = planSchedule(input);
        const again = planSchedule({ ...input, blocks: asCalendar(first) });
        expect(again.create).toEqual([]);
        expect(again.move).toEqual([]);
        expect(again.delete).toEqual([]);
        expect(again.keep.every((k) => !k.titleChanged)).toBe(true);
        expect(again.shortfalls).toEqual(first.shortfalls);
      }),
      { numRuns: 500 },
    );
  });

  it('moves only the blocks a new meeting collides with, unless a deadline needs the time', () => {
    const withMeeting = arbPlanInput({ blocks: false }).chain((input) =>
      fc
        .record({ at: fc.integer({ min: 0, max: 3 * 24 * 4 }), len: fc.integer({ min: 1, max: 16 }) })
        .map(({ at, len }) => {
          const start = ms(input.now) + at * 15 * MIN;
          return {
            input,
            meeting: { start: formatInstant(start), end: formatInstant(start + len * 15 * MIN) },
          };
        }),
    );
    fc.assert(
      fc.property(withMeeting, ({ input, meeting }) => {
        const first = planSchedule(input);
        const next: PlanInput = { ...input, busy: [...input.busy, meeting], blocks: asCalendar(first) };
        const second = planSchedule(next);
        const buffer = input.settings.bufferMinutes * MIN;
        const hit = (b: { start: string; end: string }) =>
          ms(b.start) < ms(meeting.end) + buffer && ms(meeting.start) - buffer < ms(b.end);
        const zone = new Map(input.clients.map((c) => [c.id, c.timezone]));
        const due = (id: string | undefined) => {
          const t = input.tasks.find((x) => x.id === id);
          return t ? deadlineOf(t, zone.get(t.clientId) ?? 'UTC') : Number.NaN;
        };
        for (const changed of [
          ...second.move,
          ...second.delete.map((d) => ({ ...d.block, reason: d.reason, forTaskId: d.forTaskId })),
        ]) {
          const before = first.create.find((b) => b.id === changed.id);
          expect(before).toBeDefined();
          if (hit(before as { start: string; end: string })) {
            expect(changed.reason).toBe('slot-busy');
            continue;
          }
          // Otherwise the time went to a deadline: a named, more urgent task that can still meet it.
          expect(['made-room', 'after-deadline', 'reshuffled-for-deadlines']).toContain(changed.reason);
          if (changed.reason === 'made-room') {
            // The slot lay before the urgent task's deadline, which could still be met at planning time.
            const urgent = due(changed.forTaskId);
            expect(ms(before?.start ?? '')).toBeLessThan(urgent);
            expect(urgent).toBeGreaterThan(ms(second.window.earliest));
            const own = due(changed.taskId);
            expect(own <= ms(second.window.earliest) || own >= urgent).toBe(true);
          }
        }
        expect(violations(next, second)).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });
});
