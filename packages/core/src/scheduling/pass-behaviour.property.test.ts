import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Admission } from './admission.js';
import { PlanContext } from './context.js';
import { classifyBlocks } from './existing.js';
import { prepare } from './input.js';
import { behaviour } from './pass-behaviour.js';
import type { PassStart } from './pass-start.js';
import { planSchedule } from './plan.js';
import { Pass, type PassMode } from './planner.js';
import { arbGridInput, arbPlanInput } from './test-arbitraries.js';
import { finalBlocks } from './test-fixtures.js';
import type { PlanInput } from './types.js';

/** Everything a pass decided, in order: each task's claims, each block's fate, and its lateness. */
function outcome(pass: Pass): unknown {
  return {
    claims: [...pass.claims].map(([id, list]) => [
      id,
      list.map((c) => [c.start, c.end, c.existing?.ref.block.id ?? null, c.replaces?.ref.block.id ?? null]),
    ]),
    fates: [...pass.fates],
    late: pass.lateness(),
  };
}

/** A pass start as text: what it keeps, releases and leaves free. */
function startText(start: PassStart): unknown {
  const ids = (list: readonly { ref: { block: { id: string } } }[]) => list.map((e) => e.ref.block.id);
  return {
    claims: [...start.claims].map(([id, list]) => [
      id,
      list.map((c) => [c.start, c.end, c.existing?.ref.block.id]),
    ]),
    fates: [...start.fates],
    displaced: [...start.displaced].map(([id, list]) => [id, ids(list)]),
    previous: [...start.previous].map(([id, list]) => [id, ids(list)]),
    free: start.free.map((f) => [f.start, f.end]),
    loans: start.loans.map((l) => [l.claim.start, l.claim.end, l.owner.task.id]),
  };
}

/** Every pass mode `choose` may run, with reshuffles confined before a deadline or a block's start. */
function modes(ctx: PlanContext): PassMode[] {
  const untils = [
    undefined,
    ...ctx.p.ranked.map((t) => t.deadline).filter(Number.isFinite),
    ...ctx.existing.map((e) => e.ref.start),
  ];
  const out: PassMode[] = [];
  for (const keep of ['stable', 'fresh', 'sticky'] as const)
    for (const overdue of ['budget', 'last', 'first'] as const)
      for (const until of untils.slice(0, 6))
        out.push({
          keep,
          overdue,
          admit: true,
          prefs: true,
          rescue: true,
          ...(until === undefined ? {} : { until }),
        });
  return out;
}

/** A plan input, or the calendar its own plan leaves (so that many blocks are movable). */
const arbInput = fc
  .tuple(
    fc.oneof(arbPlanInput({ blocks: true }), arbGridInput({ releases: true, maxTasks: 6 })),
    fc.boolean(),
  )
  .map(
    ([input, replan]): PlanInput => (replan ? { ...input, blocks: finalBlocks(planSchedule(input)) } : input),
  );

describe('shortcuts between the passes of one plan', () => {
  it('passes whose behaviour reads the same plan exactly alike (so one is skipped)', () => {
    let merged = 0;
    fc.assert(
      fc.property(arbInput, (input) => {
        const p = prepare(input);
        const ctx = new PlanContext(p, classifyBlocks(p));
        const admissions: Admission[] = [ctx.admission, { ...ctx.admission, slack: 0 }];
        admissions.forEach((admission, a) => {
          const seen = new Map<string, unknown>();
          for (const mode of modes(ctx)) {
            const key = `${a} ${behaviour(ctx, mode, admission)}`;
            const got = outcome(new Pass(ctx, mode, admission).run());
            if (seen.has(key)) {
              merged++;
              expect(got).toEqual(seen.get(key));
            } else seen.set(key, got);
          }
        });
      }),
      { numRuns: 150 },
    );
    // The shortcut was taken, and checked, on many of the inputs.
    expect(merged).toBeGreaterThan(150);
  });

  it('plan the same from a start shared with the passes run before them as from one made afresh', () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const p = prepare(input);
        const shared = new PlanContext(p, classifyBlocks(p));
        const all = modes(shared);
        const starts = () =>
          JSON.stringify([...shared.starts].map(([key, start]) => [key, startText(start)]));
        for (const mode of all) new Pass(shared, mode);
        const made = starts();
        // Every pass of the shared context runs first, each changing its copy of the start only.
        for (const mode of all) new Pass(shared, mode).run();
        expect(starts()).toEqual(made);
        for (const mode of all) {
          const alone = new PlanContext(p, classifyBlocks(p));
          expect(outcome(new Pass(shared, mode).run())).toEqual(outcome(new Pass(alone, mode).run()));
        }
      }),
      { numRuns: 100 },
    );
  });
});
