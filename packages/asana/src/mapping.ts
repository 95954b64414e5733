import type { ClientConfig, Task, TaskChange, TaskDue } from '@vahub/core';
import type { AsanaClientEntry, AsanaClientSection } from './config.js';
import { priorityOf } from './priority.js';
import type { AsanaEvent, AsanaTask, CustomFieldValue } from './schemas.js';

/** Which client a task belongs to: decided by its projects, never guessed. */
export type ClientResolution =
  | { kind: 'one'; client: ClientConfig; section: AsanaClientSection }
  | { kind: 'none' }
  | { kind: 'ambiguous'; clientIds: string[] };

export function resolveClient(
  projectGids: readonly string[],
  clients: readonly AsanaClientEntry[],
): ClientResolution {
  const owners = clients.filter((c) => c.section.projects.some((p) => projectGids.includes(p)));
  const [first] = owners;
  if (first === undefined) return { kind: 'none' };
  if (owners.length > 1) return { kind: 'ambiguous', clientIds: owners.map((c) => c.client.id) };
  return { kind: 'one', client: first.client, section: first.section };
}

function isNumberField(field: CustomFieldValue): boolean {
  return field.resource_subtype === 'number' || field.type === 'number';
}

/**
 * The client's estimate field (by gid, else by name ignoring case) when it is an enabled number field
 * holding minutes: format `duration`, or no format reported. Anything else (a currency or percentage
 * field of that name, an empty or negative value) falls back to the client's default.
 */
export function estimateMinutes(
  fields: readonly CustomFieldValue[],
  section: Pick<AsanaClientSection, 'estimateField' | 'defaultEstimateMinutes'>,
): number {
  const wanted = section.estimateField.trim();
  const field =
    fields.find((f) => f.gid === wanted) ??
    fields.find((f) => (f.name ?? '').trim().toLowerCase() === wanted.toLowerCase());
  const value = field?.number_value;
  const usable =
    field !== undefined &&
    field.enabled !== false &&
    isNumberField(field) &&
    (field.format === 'duration' || field.format === null || field.format === undefined) &&
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= 0;
  return usable ? Math.round(value) : section.defaultEstimateMinutes;
}

/** Asana instants come with any offset; vahub carries them as UTC ISO strings. */
function instant(text: string): string {
  return new Date(text).toISOString();
}

/** `due_at` (an instant) wins over `due_on` (a date read in the client's zone later, by the planner). */
export function dueOf(at: string | null | undefined, on: string | null | undefined): TaskDue | null {
  if (at) return { kind: 'instant', at: instant(at) };
  if (on) return { kind: 'date', date: on };
  return null;
}

export type TaskMapping =
  | { kind: 'task'; task: Task }
  | { kind: 'none' }
  | { kind: 'ambiguous'; clientIds: string[] };

/** Map an Asana task to core's `Task` for the VA whose user gid is `vaUserGid`. */
export function toTask(
  raw: AsanaTask,
  ctx: { clients: readonly AsanaClientEntry[]; vaUserGid: string },
): TaskMapping {
  const projectGids = raw.memberships.flatMap((m) => (m.project ? [m.project.gid] : []));
  const owner = resolveClient(projectGids, ctx.clients);
  if (owner.kind !== 'one') return owner;
  const status = raw.completed ? 'completed' : raw.assignee?.gid === ctx.vaUserGid ? 'open' : 'unassigned';
  return {
    kind: 'task',
    task: {
      id: raw.gid,
      clientId: owner.client.id,
      name: raw.name,
      url: raw.permalink_url ?? null,
      status,
      estimateMinutes: estimateMinutes(raw.custom_fields, owner.section),
      trackedMinutes: null,
      due: dueOf(raw.due_at, raw.due_on),
      startOn: dueOf(raw.start_at, raw.start_on),
      priority: priorityOf(raw.custom_fields, raw.tags, owner.section.priority),
      modifiedAt: raw.modified_at ? instant(raw.modified_at) : null,
      // Only a completed task says when: open tasks keep the shape they always had.
      ...(raw.completed && raw.completed_at ? { completedAt: instant(raw.completed_at) } : {}),
    },
  };
}

const TASK_ACTIONS = new Set<TaskChange['action']>(['added', 'changed', 'removed', 'deleted', 'undeleted']);

/**
 * "Task X of project Y changed/added/removed/deleted/undeleted", or null for events about anything
 * else (stories, sections, the project itself). Added to or removed from something other than a
 * project (a section, a parent task) is a change of the task, not of its project membership.
 */
export function toTaskChange(event: AsanaEvent, subscribedProjectId: string | null): TaskChange | null {
  const type = event.resource.resource_type ?? event.type;
  if (type !== 'task') return null;
  const action = event.action as TaskChange['action'];
  if (!TASK_ACTIONS.has(action)) return null;
  const parentIsProject = event.parent?.resource_type === 'project';
  const membership = action === 'added' || action === 'removed';
  return {
    taskId: event.resource.gid,
    projectId: parentIsProject && event.parent ? event.parent.gid : subscribedProjectId,
    action: membership && !parentIsProject ? 'changed' : action,
    at: event.created_at ? instant(event.created_at) : null,
  };
}
