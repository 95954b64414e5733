import type { ClientConfig, NameLookup } from '@vahub/core';
import type { TogglClient } from '@vahub/toggl';

/**
 * Project (and, for clients billed per task, task) names from Toggl, so invoice lines read
 * "Social media management" rather than "190001". A few requests per workspace: Toggl's hourly
 * quota is small, so read them once per run.
 */
export async function togglNames(toggl: TogglClient, clients: readonly ClientConfig[]): Promise<NameLookup> {
  const projects: Record<string, string> = {};
  const tasks: Record<string, string> = {};
  const workspaces = [...new Set(clients.map((c) => String(c.toggl.workspaceId)))];
  const listed = await Promise.all(workspaces.map((wid) => toggl.projects(wid)));
  for (const p of listed.flat()) projects[p.id] = p.name;
  for (const client of clients) {
    if (client.billing.grouping !== 'task') continue;
    const wid = String(client.toggl.workspaceId);
    const own = listed
      .flat()
      .filter(
        (p) =>
          (p.workspaceId === null || p.workspaceId === wid) &&
          (client.toggl.projectIds.map(String).includes(p.id) ||
            (client.toggl.clientId !== undefined && p.clientId === String(client.toggl.clientId))),
      );
    const lists = await Promise.all(own.map((p) => toggl.tasks(wid, p.id)));
    for (const t of lists.flat()) tasks[t.id] = t.name;
  }
  return { projects, tasks };
}
