/** The fake Toggl's data: what a workspace holds, in Toggl's own field names. */

export interface FakeWorkspace {
  id: number;
  name: string;
  organization_id: number;
  default_hourly_rate: number | null;
  default_currency: string;
}

export interface FakeClient {
  id: number;
  wid: number;
  name: string;
  archived: boolean;
}

export interface FakeProject {
  id: number;
  workspace_id: number;
  client_id: number | null;
  name: string;
  active: boolean;
  billable: boolean;
  rate: number | null;
  currency: string | null;
}

export interface FakeTask {
  id: number;
  workspace_id: number;
  project_id: number;
  name: string;
  active: boolean;
  estimated_seconds: number | null;
}

export interface FakeTag {
  id: number;
  workspace_id: number;
  name: string;
}

export interface FakeEntry {
  id: number;
  workspace_id: number;
  project_id: number | null;
  task_id: number | null;
  user_id: number;
  billable: boolean;
  /** Epoch ms. */
  start: number;
  /** Epoch ms; null while running. */
  stop: number | null;
  description: string;
  tags: string[];
  /** Last modification, epoch ms. */
  at: number;
  /** Epoch ms when deleted; the entry stays for `since` reads. */
  deletedAt: number | null;
}

export type EntryChange = 'created' | 'updated' | 'deleted';

/** Toggl's instant format: seconds precision with an explicit offset. */
export function togglTime(ms: number, offsetMinutes = 0): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${sign}${hh}:${mm}`;
}

/** Seconds; negative while running (v9 writes the negated start, as v8 did). */
export function durationOf(e: FakeEntry): number {
  return e.stop === null ? -Math.floor(e.start / 1000) : Math.round((e.stop - e.start) / 1000);
}

/** A v9 time entry as JSON, with the legacy aliases Toggl still sends beside the new names. */
export function entryJson(e: FakeEntry, tags: ReadonlyMap<string, number>) {
  return {
    id: e.id,
    workspace_id: e.workspace_id,
    wid: e.workspace_id,
    project_id: e.project_id,
    pid: e.project_id,
    task_id: e.task_id,
    tid: e.task_id,
    user_id: e.user_id,
    uid: e.user_id,
    billable: e.billable,
    start: togglTime(e.start),
    stop: e.stop === null ? null : togglTime(e.stop),
    duration: durationOf(e),
    description: e.description,
    tags: [...e.tags],
    tag_ids: e.tags.map((t) => tags.get(t)).filter((id): id is number => id !== undefined),
    duronly: false,
    at: togglTime(e.at),
    server_deleted_at: e.deletedAt === null ? null : togglTime(e.deletedAt),
    permissions: null,
  };
}

export class FakeStore {
  readonly workspaces = new Map<number, FakeWorkspace>();
  readonly clients = new Map<number, FakeClient>();
  readonly projects = new Map<number, FakeProject>();
  readonly tasks = new Map<number, FakeTask>();
  readonly tags = new Map<number, FakeTag>();
  readonly entries = new Map<number, FakeEntry>();
  /** Toggl ids are large; starting high catches code that assumes 32-bit ids. */
  private nextId = 4_100_000_000;

  constructor(
    private readonly now: () => number,
    private readonly onChange: (action: EntryChange, entry: FakeEntry) => void,
  ) {}

  id(): number {
    this.nextId += 1;
    return this.nextId;
  }

  /** Tag name → id for a workspace, creating tags on first use as Toggl does. */
  tagIds(workspaceId: number, names: readonly string[] = []): Map<string, number> {
    const byName = new Map<string, number>();
    for (const t of this.tags.values()) if (t.workspace_id === workspaceId) byName.set(t.name, t.id);
    for (const name of names) {
      if (byName.has(name)) continue;
      const tag = { id: this.id(), workspace_id: workspaceId, name };
      this.tags.set(tag.id, tag);
      byName.set(name, tag.id);
    }
    return byName;
  }

  addEntry(init: Partial<FakeEntry> & { workspace_id: number; start: number }, silent = false): FakeEntry {
    const entry: FakeEntry = {
      id: init.id ?? this.id(),
      project_id: null,
      task_id: null,
      user_id: 1,
      billable: true,
      stop: init.start + 3_600_000,
      description: '',
      tags: [],
      at: this.now(),
      deletedAt: null,
      ...init,
    };
    this.tagIds(entry.workspace_id, entry.tags);
    this.entries.set(entry.id, entry);
    if (!silent) this.onChange('created', entry);
    return entry;
  }

  updateEntry(id: number, patch: Partial<Omit<FakeEntry, 'id'>>): FakeEntry {
    const entry = this.live(id);
    Object.assign(entry, patch, { at: this.now() });
    this.tagIds(entry.workspace_id, entry.tags);
    this.onChange('updated', entry);
    return entry;
  }

  deleteEntry(id: number): FakeEntry {
    const entry = this.live(id);
    entry.deletedAt = this.now();
    entry.at = entry.deletedAt;
    this.onChange('deleted', entry);
    return entry;
  }

  private live(id: number): FakeEntry {
    const entry = this.entries.get(id);
    if (!entry || entry.deletedAt !== null) throw new Error(`fake toggl: no live time entry ${id}`);
    return entry;
  }
}
