import {
  type CalendarBlock,
  type CalendarPort,
  type ClientConfig,
  formatInstant,
  type IsoInstant,
  type PlanResult,
  parseInstant,
  planSchedule,
  type ShortfallReason,
  type Task,
  type TaskSource,
  toCalendarBlock,
  type VahubConfig,
} from '@vahub/core';

const DAY_MS = 86_400_000;

export interface ScheduleTasksInput {
  /** The VA, the calendar settings and the clients whose tasks are planned. */
  config: Pick<VahubConfig, 'va' | 'calendar' | 'clients'>;
  tasks: TaskSource;
  calendar: CalendarPort;
  /** The instant the plan is made for. @defaultValue the current time */
  now?: IsoInstant;
}

/** A task that did not get all the time it needs before its deadline (or within the horizon). */
export interface UnplacedTask {
  taskId: string;
  taskName: string;
  clientId: string;
  reason: ShortfallReason;
  missingMinutes: number;
  deadline: IsoInstant | null;
  message: string;
}

/** A block on the calendar after the run, with the task it is for. */
export interface AgendaItem {
  block: CalendarBlock;
  task: Task | null;
  change: 'created' | 'moved' | 'kept';
}

/** Why the planner did what it did with one block, for `vahub plan` and the demo. */
export interface BlockExplanation {
  blockId: string;
  taskId: string;
  action: 'create' | 'move' | 'keep' | 'delete';
  why: string[];
}

export interface ScheduleSummary {
  now: IsoInstant;
  created: number;
  moved: number;
  kept: number;
  deleted: number;
  /** Kept blocks whose title was rewritten because the task was renamed. */
  retitled: number;
  unplaced: UnplacedTask[];
  /** vahub's blocks from `now` on after the run, in time order. */
  agenda: AgendaItem[];
  explanations: BlockExplanation[];
  plan: PlanResult;
}

/**
 * Tasks into focus blocks: read every configured client's open tasks and the VA's calendar, plan,
 * and make the calendar match the plan. Idempotent: the planner keeps every block that is still
 * valid, so a second run with nothing changed writes nothing.
 */
export async function scheduleTasks(input: ScheduleTasksInput): Promise<ScheduleSummary> {
  const { config, calendar } = input;
  const now = formatInstant(input.now === undefined ? Date.now() : parseInstant(input.now));
  // The planner looks one day past its horizon (working windows run to the end of the last day, in
  // the VA's zone); two days covers that in any zone.
  const window = {
    start: now,
    end: formatInstant(parseInstant(now) + (config.calendar.horizonDays + 2) * DAY_MS),
  };
  const [open, busy, blocks] = await Promise.all([
    openTasks(input.tasks, config.clients),
    calendar.busy(window),
    calendar.listBlocks(window),
  ]);
  const tasks = await withTasksOfBlocks(input.tasks, open, blocks);
  const plan = planSchedule({
    now,
    va: { timezone: config.va.timezone, workingHours: config.va.workingHours },
    settings: config.calendar,
    clients: config.clients,
    tasks,
    // The port's busy time already leaves vahub's blocks out (and keeps meetings under them).
    busy,
    blocks,
  });
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const retitled = await apply({ plan, calendar, clients: config.clients, tasks: byId });
  return summarise({ now, plan, tasks: byId, retitled });
}

/** Every configured project's open tasks, each once (a task may sit in two projects of one client). */
async function openTasks(source: TaskSource, clients: readonly ClientConfig[]): Promise<Task[]> {
  const projects = [...new Set(clients.flatMap((c) => c.asana.projects))];
  const lists = await Promise.all(projects.map((p) => source.listOpenTasks(p)));
  const byId = new Map<string, Task>();
  for (const task of lists.flat()) byId.set(task.id, task);
  return [...byId.values()];
}

/**
 * The planner must know the task of every block: a block whose task is no longer open (completed,
 * reassigned, moved to an unconfigured project) is read one by one, so the planner deletes it for
 * the right reason; one the source no longer knows is left out, and the planner treats it as deleted.
 */
async function withTasksOfBlocks(
  source: TaskSource,
  open: readonly Task[],
  blocks: readonly CalendarBlock[],
): Promise<Task[]> {
  const known = new Set(open.map((t) => t.id));
  const missing = [...new Set(blocks.map((b) => b.taskId).filter((id) => !known.has(id)))].sort();
  const read = await Promise.all(missing.map((id) => source.getTask(id)));
  return [...open, ...read.filter((t): t is Task => t !== null)];
}

/** Deletions first (they free time), then moves and new blocks, then title fixes of kept blocks. */
async function apply(input: {
  plan: PlanResult;
  calendar: CalendarPort;
  clients: readonly ClientConfig[];
  tasks: ReadonlyMap<string, Task>;
}): Promise<number> {
  const { plan, calendar } = input;
  const colors = new Map(input.clients.map((c) => [c.id, c.color]));
  const write = (block: CalendarBlock) => {
    const url = input.tasks.get(block.taskId)?.url ?? null;
    const colorId = colors.get(block.clientId);
    return calendar.upsertBlock({
      id: block.id,
      taskId: block.taskId,
      clientId: block.clientId,
      chunk: block.chunk,
      start: block.start,
      end: block.end,
      title: block.title,
      movedByVa: block.movedByVa,
      description: url ? `Focus time booked by vahub.\nTask: ${url}` : 'Focus time booked by vahub.',
      ...(colorId === undefined ? {} : { colorId }),
    });
  };
  for (const d of plan.delete) await calendar.deleteBlock(d.block.id);
  for (const m of plan.move) await write(m);
  for (const c of plan.create) await write(c);
  const retitle = plan.keep.filter((k) => k.titleChanged);
  for (const k of retitle) await write(k);
  return retitle.length;
}

function summarise(input: {
  now: IsoInstant;
  plan: PlanResult;
  tasks: ReadonlyMap<string, Task>;
  retitled: number;
}): ScheduleSummary {
  const { plan, tasks, now } = input;
  const agenda: AgendaItem[] = [
    ...plan.create.map((block) => ({ block, change: 'created' as const })),
    ...plan.move.map((block) => ({ block, change: 'moved' as const })),
    ...plan.keep.map((block) => ({ block, change: 'kept' as const })),
  ]
    .filter((a) => parseInstant(a.block.end) > parseInstant(now))
    .map(({ block, change }) => ({
      block: toCalendarBlock(block),
      task: tasks.get(block.taskId) ?? null,
      change,
    }))
    .sort((a, b) => a.block.start.localeCompare(b.block.start) || a.block.id.localeCompare(b.block.id));
  const explanations: BlockExplanation[] = [
    ...plan.create.map((b) => ({ blockId: b.id, taskId: b.taskId, action: 'create' as const, why: b.why })),
    ...plan.move.map((b) => ({ blockId: b.id, taskId: b.taskId, action: 'move' as const, why: b.why })),
    ...plan.keep.map((b) => ({ blockId: b.id, taskId: b.taskId, action: 'keep' as const, why: b.why })),
    ...plan.delete.map((d) => ({
      blockId: d.block.id,
      taskId: d.block.taskId,
      action: 'delete' as const,
      why: d.why,
    })),
  ];
  return {
    now,
    created: plan.create.length,
    moved: plan.move.length,
    kept: plan.keep.length,
    deleted: plan.delete.length,
    retitled: input.retitled,
    unplaced: plan.shortfalls.map((s) => ({
      taskId: s.taskId,
      taskName: tasks.get(s.taskId)?.name ?? s.taskId,
      clientId: s.clientId,
      reason: s.reason,
      missingMinutes: s.missingMinutes,
      deadline: s.deadline,
      message: s.message,
    })),
    agenda,
    explanations,
    plan,
  };
}
