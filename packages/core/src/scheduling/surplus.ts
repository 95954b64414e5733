import type { Claim, Fate } from './planner.js';

const length = (c: Claim) => c.end - c.start;

/**
 * Surplus blocks (the task needs less than it holds, by a minimum block or more) go, latest first;
 * the last one kept may be shortened. Less than a minimum block of surplus is tolerated: it is what
 * rounding up leaves, and trimming it would churn blocks at every small change of tracked time.
 * `held` counts the claims and the task's fixed blocks.
 */
export function trimSurplus(args: { claims: readonly Claim[]; held: number; need: number; min: number }): {
  claims: Claim[];
  fates: [string, Fate][];
} {
  const { need, min } = args;
  const claims = [...args.claims].sort((a, b) => a.start - b.start);
  const fates: [string, Fate][] = [];
  let total = args.held;
  while (
    claims.length > 0 &&
    total - need >= min &&
    total - length(claims[claims.length - 1] as Claim) >= need
  ) {
    const last = claims.pop() as Claim;
    total -= length(last);
    if (last.existing) fates.push([last.existing.ref.block.id, { state: 'trimmed' }]);
  }
  const last = claims[claims.length - 1];
  const surplus = total - need;
  if (last?.existing?.kind === 'movable' && surplus >= min) {
    const end = last.start + Math.max(length(last) - surplus, min);
    if (end < last.end) {
      claims[claims.length - 1] = { ...last, end };
      fates.push([last.existing.ref.block.id, { state: 'resized', end }]);
    }
  }
  return { claims, fates };
}
