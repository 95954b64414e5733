import type { NameLookup } from '@vahub/core';
import type { TogglClient } from './client.js';
import type { TogglClientSection } from './config.js';
import type { TogglProject, TogglTask } from './mappers.js';

interface Cached<T> {
  at: number;
  value: Promise<T>;
}

/**
 * Project and task names, so invoice lines read "Social media management" rather than "190001". Lists
 * are kept for `ttlMs` per workspace and project: invoicing every client of one workspace asks Toggl
 * for its projects once, as the CLI did before this moved here.
 */
export class TogglNames {
  private readonly projects = new Map<string, Cached<TogglProject[]>>();
  private readonly tasks = new Map<string, Cached<TogglTask[]>>();

  constructor(private readonly options: { client: TogglClient; ttlMs: number; now: () => number }) {}

  async of(input: { section: TogglClientSection; perTask: boolean }): Promise<NameLookup> {
    const wid = String(input.section.workspaceId);
    const listed = await this.cached(this.projects, wid, () => this.options.client.projects(wid));
    const projects: Record<string, string> = {};
    for (const p of listed) projects[p.id] = p.name;
    const tasks: Record<string, string> = {};
    if (input.perTask) {
      const ownIds = new Set(input.section.projectIds.map(String));
      const togglClient = input.section.clientId === undefined ? null : String(input.section.clientId);
      // Active projects only: each list is one of Toggl's few hourly requests, and an archived project
      // (listed for its name) would cost one more at every invoice for tasks no one tracks any more.
      const own = listed.filter(
        (p) =>
          p.active &&
          (p.workspaceId === null || p.workspaceId === wid) &&
          (ownIds.has(p.id) || (togglClient !== null && p.clientId === togglClient)),
      );
      const lists = await Promise.all(
        own.map((p) => this.cached(this.tasks, `${wid}:${p.id}`, () => this.options.client.tasks(wid, p.id))),
      );
      for (const t of lists.flat()) tasks[t.id] = t.name;
    }
    return { projects, tasks };
  }

  /** Each project's Toggl client (null for none), from the workspace's project list kept `ttlMs`. */
  async projectClients(workspaceId: string): Promise<ReadonlyMap<string, string | null>> {
    const listed = await this.cached(this.projects, workspaceId, () =>
      this.options.client.projects(workspaceId),
    );
    return new Map(listed.map((p) => [p.id, p.clientId]));
  }

  /** A fresh list, or the one read (or being read) within `ttlMs`; a failed read is not kept. */
  private cached<T>(map: Map<string, Cached<T>>, key: string, read: () => Promise<T>): Promise<T> {
    const now = this.options.now();
    const hit = map.get(key);
    if (hit && now - hit.at < this.options.ttlMs) return hit.value;
    const value = read();
    map.set(key, { at: now, value });
    value.catch(() => {
      if (map.get(key)?.value === value) map.delete(key);
    });
    return value;
  }
}
