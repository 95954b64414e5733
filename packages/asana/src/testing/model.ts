/** The fake's data, and how Asana renders it (full records, compact records, `opt_fields` projection). */

export interface FakeUser {
  gid: string;
  name: string;
  email: string;
  token: string;
}

export interface FakeProject {
  gid: string;
  name: string;
  workspaceGid: string;
  /** @defaultValue false */
  archived?: boolean;
}

export interface FakeCustomField {
  gid: string;
  name: string;
  /** Number fields (`duration` ones hold minutes) and single-select enum fields. @defaultValue number */
  type?: 'number' | 'enum';
  /** A number field's format; enum fields have `none`. */
  format: 'duration' | 'none' | 'custom' | 'percentage';
  /** An enum field's option names, in order (each option's gid is the field's gid + its index). */
  options?: string[];
}

export interface FakeTask {
  gid: string;
  name: string;
  projectGids: string[];
  assigneeGid: string | null;
  completed: boolean;
  completedAt: string | null;
  dueOn: string | null;
  dueAt: string | null;
  startOn: string | null;
  startAt: string | null;
  /**
   * Custom field gid → value: a number for number fields, an option name for enum fields, or null
   * when set on the task but empty.
   */
  customFields: Record<string, number | string | null>;
  /** Tag names (each tag's gid is derived from its name). */
  tags: string[];
  notes: string;
  createdAt: string;
  modifiedAt: string;
}

export const WORKSPACE = { gid: '1100000000000001', name: 'VA workspace' } as const;

type Json = Record<string, unknown>;

export function userJson(user: FakeUser): Json {
  return { gid: user.gid, resource_type: 'user', name: user.name, email: user.email };
}

export function projectJson(project: FakeProject): Json {
  return {
    gid: project.gid,
    resource_type: 'project',
    name: project.name,
    archived: project.archived === true,
    workspace: { gid: project.workspaceGid, resource_type: 'workspace', name: WORKSPACE.name },
  };
}

/** A tag's gid in the fake: a stable number derived from its name. */
export function tagGid(name: string): string {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) % 1_000_000_007;
  return String(1_300_000_000_000_000 + hash);
}

function enumOptionJson(field: FakeCustomField, name: string): Json {
  const index = (field.options ?? []).indexOf(name);
  return { gid: `${field.gid}${index}`, resource_type: 'enum_option', name, enabled: true, color: 'none' };
}

function enumFieldJson(field: FakeCustomField, value?: number | string | null): Json {
  const base: Json = {
    gid: field.gid,
    resource_type: 'custom_field',
    name: field.name,
    type: 'enum',
    resource_subtype: 'enum',
    representation_type: 'enum',
    enum_options: (field.options ?? []).map((o) => enumOptionJson(field, o)),
    enabled: true,
  };
  if (value === undefined) return base;
  const option = typeof value === 'string' && field.options?.includes(value) ? value : null;
  return {
    ...base,
    enum_value: option === null ? null : enumOptionJson(field, option),
    display_value: option,
  };
}

export function customFieldJson(field: FakeCustomField, value?: number | string | null): Json {
  if (field.type === 'enum') return enumFieldJson(field, value);
  if (typeof value === 'string') value = null;
  const base: Json = {
    gid: field.gid,
    resource_type: 'custom_field',
    name: field.name,
    type: 'number',
    resource_subtype: 'number',
    representation_type: 'number',
    format: field.format,
    precision: 0,
    enabled: true,
  };
  if (value === undefined) return base;
  return {
    ...base,
    number_value: value,
    display_value: value === null ? null : field.format === 'duration' ? `${value}m` : String(value),
  };
}

export interface Lookup {
  user(gid: string): FakeUser | undefined;
  project(gid: string): FakeProject | undefined;
  customField(gid: string): FakeCustomField | undefined;
}

export function taskJson(task: FakeTask, look: Lookup, baseUrl: string): Json {
  const assignee = task.assigneeGid ? look.user(task.assigneeGid) : undefined;
  const projects = task.projectGids.map((g) => look.project(g)).filter((p): p is FakeProject => !!p);
  return {
    gid: task.gid,
    resource_type: 'task',
    resource_subtype: 'default_task',
    name: task.name,
    notes: task.notes,
    assignee: assignee ? { gid: assignee.gid, resource_type: 'user', name: assignee.name } : null,
    completed: task.completed,
    completed_at: task.completedAt,
    due_on: task.dueOn,
    due_at: task.dueAt,
    start_on: task.startOn,
    start_at: task.startAt,
    created_at: task.createdAt,
    modified_at: task.modifiedAt,
    memberships: projects.map((p) => ({
      project: { gid: p.gid, resource_type: 'project', name: p.name },
      section: { gid: `${p.gid}9`, resource_type: 'section', name: 'Untitled section' },
    })),
    projects: projects.map((p) => ({ gid: p.gid, resource_type: 'project', name: p.name })),
    custom_fields: Object.entries(task.customFields).flatMap(([gid, value]) => {
      const field = look.customField(gid);
      return field ? [customFieldJson(field, value)] : [];
    }),
    tags: task.tags.map((name) => ({ gid: tagGid(name), resource_type: 'tag', name })),
    workspace: { gid: WORKSPACE.gid, resource_type: 'workspace', name: WORKSPACE.name },
    permalink_url: `${baseUrl}/0/${task.projectGids[0] ?? '0'}/${task.gid}`,
  };
}

export function compactTask(task: FakeTask): Json {
  return { gid: task.gid, resource_type: 'task', name: task.name, resource_subtype: 'default_task' };
}

type FieldTree = Map<string, FieldTree>;

function fieldTree(fields: readonly string[]): FieldTree {
  const root: FieldTree = new Map();
  for (const path of fields) {
    let node = root;
    for (const part of path.split('.')) {
      const next = node.get(part) ?? new Map();
      node.set(part, next);
      node = next;
    }
  }
  return root;
}

/** A nested resource asked for without sub-fields comes back compact: its gid, type and name. */
function compactOf(value: Json): Json {
  if (value.resource_type === 'custom_field') return value;
  const out: Json = {};
  for (const key of ['gid', 'resource_type', 'name']) if (key in value) out[key] = value[key];
  return out;
}

function projectValue(value: unknown, tree: FieldTree): unknown {
  if (Array.isArray(value)) return value.map((v) => projectValue(v, tree));
  if (typeof value !== 'object' || value === null) return value;
  if (tree.size === 0) return compactOf(value as Json);
  return projectFields(value as Json, tree);
}

function projectFields(record: Json, tree: FieldTree): Json {
  const out: Json = {};
  if ('gid' in record) out.gid = record.gid;
  for (const [key, sub] of tree) {
    if (key in record) out[key] = projectValue(record[key], sub);
  }
  return out;
}

/** Asana's `opt_fields`: the gid plus exactly the listed (dotted) fields; without it, `fallback`. */
export function project(
  record: Json,
  optFields: string | null,
  fallback: (r: Json) => Json = (r) => r,
): Json {
  if (!optFields) return fallback(record);
  const fields = optFields
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  return projectFields(record, fieldTree(fields));
}
