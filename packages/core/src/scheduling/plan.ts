import type { Admission } from './admission.js';
import { assemble, shortfalls } from './assemble.js';
import { calendarAfter, compose } from './compose.js';
import { PlanContext } from './context.js';
import { classifyBlocks } from './existing.js';
import { type Prepared, prepare, withBlocks } from './input.js';
import { behaviour } from './pass-behaviour.js';
import { type Lateness, Pass, type PassMode } from './planner.js';
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
  const prefs = input.settings.batching !== undefined && input.settings.batching !== 'off';
  if (!prefs && !input.settings.clientBreakMinutes) return planRounds(input);
  // Batching and breaks never cost a deadline: when the plan with them leaves work late, the plan
  // without them is made too, and taken if it leaves fewer tasks late.
  const batched = planRounds(input);
  const lateIn = (r: PlanResult) => r.shortfalls.filter((s) => s.late !== undefined).length;
  const late = lateIn(batched);
  if (late === 0) return batched;
  const plain = planRounds({
    ...input,
    settings: { ...input.settings, batching: 'off', clientBreakMinutes: 0 },
  });
  return lateIn(plain) < late ? plain : batched;
}

/** One round of planning: its result (shortfalls not yet written) and what it was made from. */
interface Round {
  result: PlanResult;
  late: boolean;
  p: Prepared;
  ctx: PlanContext;
  pass: Pass;
}

function planRounds(input: PlanInput): PlanResult {
  let last = planOnce(input, true);
  let result = last.result;
  for (let round = 1; last.late && round < MAX_ROUNDS; round++) {
    const again = { ...input, blocks: calendarAfter(result) };
    const next = replan(last.p, again);
    if (next === null) break;
    result = compose(input, result, next.result);
    last = next;
  }
  // Only the last round's shortfalls are the plan's: written once, not for every round.
  result.shortfalls = shortfalls(last.ctx, last.pass);
  return result;
}

/**
 * Plans `again` (the calendar a plan leaves), or null when that would create, move or delete
 * nothing. Most rounds only confirm the fixpoint: the input already read is reused (only the blocks
 * differ), and the result is assembled, with its trail, only if something changes.
 */
function replan(p: Prepared, again: PlanInput): Round | null {
  const p2 = withBlocks(p, again.blocks);
  if (p2 === null) {
    const check = planOnce(again, false).result;
    return check.create.length + check.move.length + check.delete.length === 0 ? null : planOnce(again, true);
  }
  const ctx = new PlanContext(p2, classifyBlocks(p2));
  const best = choose(ctx);
  if (unchanged(ctx, best.pass)) return null;
  // The passes never read the trail setting: only assembling does.
  p2.explain = true;
  return { result: assemble(ctx, best.pass), late: best.late.tasks > 0, p: p2, ctx, pass: best.pass };
}

/** Whether a pass keeps every block where it is and places nothing new. */
function unchanged(ctx: PlanContext, pass: Pass): boolean {
  if (ctx.p.invalid.some((b) => b.leftAlone === null)) return false;
  for (const e of ctx.existing) {
    if (e.kind === 'gone') return false;
    if (e.kind === 'fixed') continue;
    const fate = pass.fates.get(e.ref.block.id);
    if (fate !== undefined && fate.state !== 'kept') return false;
  }
  for (const claims of pass.claims.values()) for (const c of claims) if (c.existing === null) return false;
  return true;
}

const PRIMARY: PassMode = { keep: 'stable', overdue: 'budget', admit: true, prefs: true, rescue: true };

/**
 * Passes tried when the primary one leaves late a deadline the overload policy meant to keep: every
 * movable block up for grabs, overdue work last, or both.
 */
const RESCUES: PassMode[] = [
  { keep: 'stable', overdue: 'last', admit: true, prefs: true, rescue: true },
  { keep: 'fresh', overdue: 'budget', admit: true, prefs: true, rescue: true },
  { keep: 'fresh', overdue: 'last', admit: true, prefs: true, rescue: true },
];

/** Earliest deadline first with preemption, nothing else: the floor a plan from scratch never goes below. */
const EDF: PassMode = { keep: 'fresh', overdue: 'first', admit: false, prefs: false, rescue: false };

/** Fewer late tasks, then fewer weighted late minutes, then fewer the policy meant to keep. */
const better = (a: Lateness, b: Lateness) =>
  a.tasks !== b.tasks
    ? a.tasks < b.tasks
    : a.weighted !== b.weighted
      ? a.weighted < b.weighted
      : a.unplanned < b.unplanned;

/**
 * One plan. The primary pass keeps every valid block, follows the overload policy (which deadlines
 * to let go when not all fit, how much overdue work goes first) and the batching settings. Other
 * passes are tried only for a reason, and win only when they leave fewer tasks late (then fewer
 * weighted late minutes):
 * - with batching or breaks, the same pass without them: batching never costs a deadline;
 * - when a deadline the policy meant to keep is still missed: every movable block up for grabs,
 *   overdue work last, or both (so blocks move wholesale, or overdue work waits, only to save a
 *   deadline);
 * - for a plan from scratch with late work: plain earliest deadline first, so the plan never leaves
 *   more tasks late than it would.
 */
function planOnce(input: PlanInput, explain: boolean): Round {
  const p = prepare(input, { explain });
  const ctx = new PlanContext(p, classifyBlocks(p));
  const best = choose(ctx);
  const result = assemble(ctx, best.pass);
  return { result, late: best.late.tasks > 0, p, ctx, pass: best.pass };
}

/** The pass to take for this plan (see `planOnce`). */
function choose(ctx: PlanContext): { pass: Pass; late: Lateness } {
  const anyOverdue = ctx.overdue.length > 0;
  const anyKept = ctx.existing.some((e) => e.kind === 'movable' && e.invalid === null);
  // A pass that would behave exactly as one already run gives its result again: that result lost to
  // (or is) the best so far, so taking it again changes nothing.
  const done = new Map<string, { pass: Pass; late: Lateness }>();
  const admissions: Admission[] = [];
  const run = (mode: PassMode, admission = ctx.admission) => {
    if (!admissions.includes(admission)) admissions.push(admission);
    const key = `${admissions.indexOf(admission)} ${behaviour(ctx, mode, admission)}`;
    const seen = done.get(key);
    if (seen) return seen;
    const pass = new Pass(ctx, mode, admission).run();
    const out = { pass, late: pass.lateness() };
    done.set(key, out);
    return out;
  };
  let best = run(PRIMARY);
  const primary = best.late;
  if (primary.unplanned === 0) return withEdf(ctx, best, anyKept, run);
  // The running total promised more than the blocks could hold: let go more work where it fell
  // short, and plan the same calendar again before reshuffling it.
  const shortBy = best.pass.shortBy();
  const readmitted = run(PRIMARY, ctx.readmit(shortBy));
  if (better(readmitted.late, best.late)) best = readmitted;
  // Reshuffles only while no pass has saved a deadline the policy meant to keep: first confined to
  // the blocks before the last deadline missed, then wider.
  const saved = () => best.late.tasks < primary.tasks;
  const until = Math.max(...shortBy.map((s) => s.deadline));
  const modes: PassMode[] = [
    ...(anyKept ? (['sticky', 'fresh'] as const).map((keep) => ({ ...PRIMARY, keep, until })) : []),
    ...RESCUES.filter((m) => (m.overdue !== 'last' || anyOverdue) && (m.keep === 'stable' || anyKept)),
  ];
  for (const mode of modes) {
    if (saved()) break;
    const next = run(mode);
    if (better(next.late, best.late)) best = next;
  }
  return withEdf(ctx, best, anyKept, run);
}

/** For a plan from scratch with late work: plain earliest deadline first, if it leaves fewer late. */
function withEdf(
  ctx: PlanContext,
  best: { pass: Pass; late: Lateness },
  anyKept: boolean,
  run: (mode: PassMode) => { pass: Pass; late: Lateness },
): { pass: Pass; late: Lateness } {
  if (best.late.tasks === 0 || anyKept || ctx.dated.length === 0) return best;
  const edf = run(EDF);
  return edf.late.tasks < best.late.tasks ? edf : best;
}
