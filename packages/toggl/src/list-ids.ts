import type { IdTable } from '@vahub/core';
import type { TogglClient } from './client.js';

/**
 * `vahub ids toggl`: the token's workspaces, and each one's active clients and projects (with the
 * client each project belongs to). Three calls per workspace (one more per 200 projects past the first 200), one for the workspaces.
 */
export async function listTogglIds(client: TogglClient): Promise<IdTable[]> {
  const workspaces = await client.workspaces();
  const tables: IdTable[] = [
    {
      title: 'workspaces',
      configKey: 'clients[].toggl.workspaceId',
      columns: ['id', 'name'],
      rows: workspaces.map((w) => ({ id: w.id, name: w.name })),
    },
  ];
  for (const w of workspaces) {
    const within = `${w.name} (${w.id})`;
    const customers = (await client.clients(w.id)).filter((c) => !c.archived);
    const projects = (await client.projects(w.id)).filter((p) => p.active);
    const nameOf = new Map(customers.map((c) => [c.id, c.name]));
    tables.push(
      {
        title: 'clients',
        configKey: 'clients[].toggl.clientId',
        within,
        columns: ['id', 'name'],
        rows: customers.map((c) => ({ id: c.id, name: c.name })),
      },
      {
        title: 'projects',
        configKey: 'clients[].toggl.projectIds',
        within,
        columns: ['id', 'name', 'client'],
        rows: projects.map((p) => ({
          id: p.id,
          name: p.name,
          client: p.clientId === null ? '' : (nameOf.get(p.clientId) ?? p.clientId),
        })),
      },
    );
  }
  return tables;
}
