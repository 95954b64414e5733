export { colourOf, contrast } from './colours.js';
export type { KnownDraft, PlannerShortfall, SnapshotDeps } from './deps.js';
export { gatherSnapshot } from './gather.js';
export type * from './types.js';
