import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildToggl, clientYaml, parseTogglConfig } from './test-support/build.js';
import { FakeToggl, seedScenario, type TogglScenario } from './testing/index.js';

let fake: FakeToggl;
let s: TogglScenario;
beforeEach(async () => {
  fake = new FakeToggl();
  await fake.start();
  s = seedScenario(fake);
});
afterEach(() => fake.stop());

describe('listIds', () => {
  it('lists the workspaces, and each one’s active clients and projects with their client', async () => {
    fake.addClient(s.workspace.id, { name: 'Gone Ltd', archived: true });
    fake.addProject(s.workspace.id, { name: 'Finished', client_id: s.koala.id, active: false });
    const other = fake.addWorkspace({ name: 'Side work' });
    const config = parseTogglConfig(
      clientYaml('koala', `{ workspaceId: ${s.workspace.id}, clientId: ${s.koala.id} }`),
      fake.env(),
    );
    const tables = (await buildToggl(config).listIds?.()) ?? [];

    expect(tables.map((t) => [t.title, t.within ?? ''])).toEqual([
      ['workspaces', ''],
      ['clients', `Vera VA (${s.workspace.id})`],
      ['projects', `Vera VA (${s.workspace.id})`],
      ['clients', `Side work (${other.id})`],
      ['projects', `Side work (${other.id})`],
    ]);
    expect(tables[0]?.rows).toEqual([
      { id: String(s.workspace.id), name: 'Vera VA' },
      { id: String(other.id), name: 'Side work' },
    ]);
    expect(tables[1]).toMatchObject({
      configKey: 'clients[].toggl.clientId',
      rows: [
        { id: String(s.koala.id), name: 'Koala Co Pty Ltd' },
        { id: String(s.wombat.id), name: 'Wombat Works' },
      ],
    });
    expect(tables[2]).toMatchObject({
      configKey: 'clients[].toggl.projectIds',
      columns: ['id', 'name', 'client'],
      rows: [
        { id: String(s.koalaSite.id), name: 'Koala website', client: 'Koala Co Pty Ltd' },
        { id: String(s.koalaAdmin.id), name: 'Koala admin', client: 'Koala Co Pty Ltd' },
        { id: String(s.wombatApp.id), name: 'Wombat app', client: 'Wombat Works' },
        { id: String(s.internal.id), name: 'Internal', client: '' },
      ],
    });
    expect(tables[3]?.rows).toEqual([]);
    // One call for the workspaces, two per workspace.
    expect(fake.requests.filter((r) => r.method === 'GET')).toHaveLength(5);
  });
});
