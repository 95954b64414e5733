import type { PlannerSettings } from '../config/planner-schema.js';
import type { CalendarConfig, ClientConfig } from '../config/schema.js';
import type { BusyInterval, CalendarBlock, IsoInstant, Task } from '../domain/types.js';
import type { WeeklyHours } from '../time/zoned.js';

/**
 * The calendar settings the planner reads: the `calendar` section of the config, with the planner's
 * own settings (`batching`, `clientBreakMinutes`, `importantWithinDays`) optional.
 */
export type PlanSettings = Pick<
  CalendarConfig,
  'bufferMinutes' | 'minBlockMinutes' | 'maxBlockMinutes' | 'horizonDays' | 'earliestStartMinutes'
> &
  PlannerSettings & {
    /** `{client}` and `{task}` are replaced; default `[{client}] {task}`. */
    titleTemplate?: string;
  };

/** What the planner needs to know of a client: its zone reads `due_on` and `start_on` dates. */
export type PlanClient = Pick<ClientConfig, 'id' | 'name' | 'timezone'>;

export interface PlanInput {
  /** The instant the plan is made for; nothing before it is touched. */
  now: IsoInstant;
  va: { timezone: string; workingHours: WeeklyHours };
  settings: PlanSettings;
  clients: readonly PlanClient[];
  /**
   * Every task that has blocks, plus every open task to plan. A block whose task is not listed is
   * treated as belonging to a deleted task.
   */
  tasks: readonly Task[];
  /** Busy time on the VA's calendars within the horizon, NOT including vahub's own blocks. */
  busy: readonly BusyInterval[];
  /**
   * vahub's own blocks as they are on the calendar now, past ones included: those count against
   * their task's estimate and keep new chunk numbers above theirs.
   */
  blocks: readonly CalendarBlock[];
}

/** Why an existing block cannot stay where it is. */
export type DisplaceReason =
  | 'slot-busy'
  | 'outside-working-hours'
  | 'overlaps-block'
  | 'before-start-date'
  | 'after-deadline'
  | 'length-out-of-bounds'
  | 'made-room'
  | 'reshuffled-for-deadlines'
  /** It ran past its task's deadline: the part before and the late part become separate blocks. */
  | 'crosses-deadline';

/** Why an existing block goes away entirely. */
export type DeleteReason =
  | DisplaceReason
  | 'task-completed'
  | 'task-deleted'
  | 'task-unassigned'
  | 'task-missing'
  | 'client-changed'
  | 'less-time-needed'
  | 'invalid-block';

export type MoveReason = DisplaceReason | 'less-time-needed';

/** A block as it should be on the calendar, with the reasons it is there. */
export interface PlannedBlock extends CalendarBlock {
  /** Human-readable trail: why this block went where it went (for `vahub plan --dry-run`). */
  why: string[];
  /**
   * Present (true) when the block lies after its task's deadline: the late part of the task. New
   * and moved blocks never cross a deadline; the part before it and the late part are separate.
   */
  late?: true;
}

export type KeepReason = 'still-valid' | 'moved-by-va' | 'started' | 'beyond-horizon' | 'unknown-client';

export interface KeptBlock extends PlannedBlock {
  keptBecause: KeepReason;
  /** The task's name or the title template changed: the event needs a new title, nothing else. */
  titleChanged: boolean;
}

export interface MovedBlock extends PlannedBlock {
  from: { start: IsoInstant; end: IsoInstant };
  reason: MoveReason;
  /** For `made-room`: the task whose deadline needed this slot. */
  forTaskId?: string;
  /**
   * The busy time behind the move, when busy time caused it: for `slot-busy` the interval that now
   * lies over the block (with the buffer); for `made-room` the one that displaced a block of the
   * task it made room for. The trail names it too.
   */
  busy?: BusyInterval;
}

export interface DeletedBlock {
  block: CalendarBlock;
  reason: DeleteReason;
  forTaskId?: string;
  /** As for `MovedBlock.busy`. */
  busy?: BusyInterval;
  /** For `invalid-block`: what is wrong with it. */
  problem?: BlockProblem;
  why: string[];
}

/** What makes a block on the calendar unusable as a block. */
export type BlockProblem =
  /** Its start or end is not an ISO instant. */
  | 'unreadable-time'
  /** It ends at or before its start (e.g. shortened to nothing by hand). */
  | 'end-not-after-start'
  /** Another input block has the same id: deleting by id could hit the other. */
  | 'duplicate-id'
  /** Its chunk number is not a whole number. */
  | 'bad-chunk';

/**
 * An invalid block the plan leaves as it is: never written to, and not counted as busy time nor as
 * time held for its task. (An invalid block vahub may delete is in `delete` as `invalid-block`.)
 */
export interface IgnoredBlock {
  block: CalendarBlock;
  problem: BlockProblem;
  why: string[];
}

export type ShortfallReason =
  | 'not-enough-free-time'
  | 'deadline-passed'
  | 'estimate-missing'
  | 'unknown-client';

/** A task that could not be placed in full before its deadline (or within the horizon). */
export interface Shortfall {
  taskId: string;
  clientId: string;
  reason: ShortfallReason;
  /**
   * Minutes the task needs from now on: known remaining time, or the estimate less its block time
   * before now; rounded up to a length that splits into blocks within bounds.
   */
  neededMinutes: number;
  /** Minutes of the task's blocks from now on, wherever they are. */
  placedMinutes: number;
  /** Of those, the minutes that end before the deadline (all of them when there is none). */
  onTimeMinutes: number;
  /** `neededMinutes - onTimeMinutes`, never negative. */
  missingMinutes: number;
  deadline: IsoInstant | null;
  /** For a task with a deadline: how late it is and why. */
  late?: LateReport;
  message: string;
}

/** How late a task with a deadline is, and why. */
export interface LateReport {
  /** When the last of its needed minutes ends; null when not all of them fit before the horizon. */
  finishesAt: IsoInstant | null;
  /** Minutes from the deadline to `finishesAt`; null with it. */
  minutesLate: number | null;
  /**
   * - `deadline-passed`: it was due before anything could be placed;
   * - `too-little-time`: the free working time between its start and its deadline cannot hold it,
   *   even with no other work;
   * - `gave-way`: it alone would fit, but the time before its deadline went to other work: keeping
   *   it would have cost more deadlines (or more important ones). It goes after the work that can
   *   still make its deadline.
   */
  cause: 'deadline-passed' | 'too-little-time' | 'gave-way';
}

export interface PlanResult {
  create: PlannedBlock[];
  keep: KeptBlock[];
  move: MovedBlock[];
  delete: DeletedBlock[];
  shortfalls: Shortfall[];
  /** Invalid blocks left alone, reported so a person can look at them; they stay on the calendar. */
  ignored: IgnoredBlock[];
  /** New blocks start no earlier than `earliest` and end no later than `horizonEnd`. */
  window: { earliest: IsoInstant; horizonEnd: IsoInstant };
}
