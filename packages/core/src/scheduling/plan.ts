import { assemble } from './assemble.js';
import { calendarAfter, compose } from './compose.js';
import { classifyBlocks } from './existing.js';
import { prepare } from './input.js';
import { Pass, type PassMode } from './planner.js';
import type { PlanInput, PlanResult } from './types.js';

/** Rounds of "plan the plan again" allowed before giving up on a fixpoint (in practice one or two). */
const MAX_ROUNDS = 4;

/**
 * Plans the VA's focus blocks: pure and deterministic (the same input, in any order, gives the same
 * result), no I/O. Throws `PlanInputError` when the input is malformed.
 *
 * Planning its own result again changes nothing: without late tasks that holds by construction;
 * with them, rescuing a deadline can open options the first pass did not see, so the result is
 * planned again until nothing changes, and the rounds are returned as one plan.
 */
export function planSchedule(input: PlanInput): PlanResult {
  let { result, late } = planOnce(input, true);
  for (let round = 1; late && round < MAX_ROUNDS; round++) {
    const again = { ...input, blocks: calendarAfter(result) };
    // Most rounds only confirm the fixpoint: check without writing the trail, write it if needed.
    const check = planOnce(again, false);
    if (check.result.create.length + check.result.move.length + check.result.delete.length === 0) break;
    const next = planOnce(again, true);
    result = compose(input, result, next.result);
    late = next.late;
  }
  return result;
}

/** The passes tried, in order of preference: keep blocks and put overdue work first if possible. */
const MODES: PassMode[] = [
  { keep: 'stable', overdueFirst: true },
  { keep: 'stable', overdueFirst: false },
  { keep: 'fresh', overdueFirst: true },
  { keep: 'fresh', overdueFirst: false },
];

/**
 * One plan. The first pass keeps every valid block and lets overdue work go first. Only when it
 * leaves a meetable deadline late are the other passes tried (overdue work last; every movable block
 * up for grabs), and one is taken only if it leaves fewer tasks late (then fewer late minutes): so
 * blocks move wholesale, or overdue work waits, only to save a deadline.
 */
function planOnce(input: PlanInput, explain: boolean): { result: PlanResult; late: boolean } {
  const p = prepare(input, { explain });
  const existing = classifyBlocks(p);
  const anyOverdue = p.ranked.some((t) => t.tier === 'unmeetable');
  const anyKept = existing.some((e) => e.kind === 'movable' && e.invalid === null);
  let best = new Pass(p, existing, MODES[0] as PassMode).run();
  let late = best.lateness();
  for (const mode of MODES.slice(1)) {
    if (late.tasks === 0) break;
    if ((!mode.overdueFirst && !anyOverdue) || (mode.keep === 'fresh' && !anyKept)) continue;
    const pass = new Pass(p, existing, mode).run();
    const l = pass.lateness();
    if (l.tasks < late.tasks || (l.tasks === late.tasks && l.total < late.total)) {
      best = pass;
      late = l;
    }
  }
  return { result: assemble(p, existing, best), late: late.tasks > 0 };
}
