import type { Admission } from './admission.js';
import type { PlanContext } from './context.js';
import type { PassMode } from './planner.js';

/**
 * The mode as a pass with this admission behaves, as text: two modes with the same text plan alike.
 * Overdue work on a budget of no slack places nothing first (as `last`); a reshuffle confined to
 * blocks before `until` when no block starts at or after it reshuffles every block.
 */
export function behaviour(ctx: PlanContext, mode: PassMode, admission: Admission): string {
  const overdue = mode.overdue === 'budget' && admission.slack <= 0 ? 'last' : mode.overdue;
  const until =
    mode.keep !== 'stable' &&
    mode.until !== undefined &&
    ctx.existing.some(
      (e) => e.kind === 'movable' && e.invalid === null && e.ref.start >= (mode.until as number),
    )
      ? mode.until
      : '-';
  return `${mode.keep} ${overdue} ${mode.admit} ${mode.prefs} ${mode.rescue} ${mode.keep === 'stable' ? '-' : until}`;
}
