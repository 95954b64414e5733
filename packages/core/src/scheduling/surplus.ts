import type { Claim, Fate } from './planner.js';

const length = (c: Claim) => c.end - c.start;

/**
 * Surplus blocks (the task needs less than it holds, by a minimum block or more) go, latest first;
 * then the blocks kept are shortened, latest first and none below the minimum, until what is left
 * over is tolerated.
 * A surplus under a minimum block is tolerated only where it comes from the past or from rounding:
 * time done since the blocks were written (`done`: tracked time, or block time gone by), so tracked
 * time ticking down does not churn the calendar, or the rest a minimum-length block leaves over a
 * smaller remainder. A lowered estimate is no such thing: a 30-minute task keeps no 50-minute block.
 * `held` counts the claims and the task's fixed blocks.
 */
export function trimSurplus(args: {
  claims: readonly Claim[];
  held: number;
  need: number;
  min: number;
  done: number;
}): {
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
  const rounding = claims.some((c) => length(c) === min && total - min < need);
  const tolerated = () => total - need < min && (total - need <= args.done || rounding);
  for (let i = claims.length - 1; i >= 0 && total > need && !tolerated(); i--) {
    const claim = claims[i] as Claim;
    if (claim.existing?.kind !== 'movable') continue;
    const end = claim.start + Math.max(length(claim) - (total - need), min);
    if (end >= claim.end) continue;
    total -= claim.end - end;
    claims[i] = { ...claim, end };
    fates.push([claim.existing.ref.block.id, { state: 'resized', end }]);
  }
  return { claims, fates };
}
