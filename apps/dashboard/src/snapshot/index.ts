export { colourOf, contrast } from './colours.js';
export { grantConnections } from './connections.js';
export {
  type KnownDraft,
  type PlannerShortfall,
  type QueueReader,
  queueReader,
  type SnapshotDeps,
} from './deps.js';
export { gatherSnapshot } from './gather.js';
export { statusText } from './text.js';
export type * from './types.js';
