// The scheduling engine (issue 3): tasks into calendar blocks. Pure and deterministic; no I/O.

export { toCalendarBlock } from './compose.js';
export { formatLocal } from './explain.js';
export { PlanInputError } from './input.js';
export { planSchedule } from './plan.js';
export type * from './types.js';
