import type { FakeClient, FakeProject, FakeTask, FakeWorkspace } from './fake-store.js';
import type { FakeToggl } from './fake-toggl.js';

/** A VA's workspace with two customers, the example most tests start from. */
export interface TogglScenario {
  workspace: FakeWorkspace;
  koala: FakeClient;
  wombat: FakeClient;
  /** Koala's two projects, Wombat's one, and one with no client. */
  koalaSite: FakeProject;
  koalaAdmin: FakeProject;
  wombatApp: FakeProject;
  internal: FakeProject;
  koalaSiteTask: FakeTask;
}

export function seedScenario(fake: FakeToggl): TogglScenario {
  const workspace = fake.addWorkspace({ name: 'Vera VA', default_currency: 'AUD', default_hourly_rate: 55 });
  const koala = fake.addClient(workspace.id, { name: 'Koala Co Pty Ltd' });
  const wombat = fake.addClient(workspace.id, { name: 'Wombat Works' });
  const koalaSite = fake.addProject(workspace.id, { name: 'Koala website', client_id: koala.id, rate: 70 });
  const koalaAdmin = fake.addProject(workspace.id, { name: 'Koala admin', client_id: koala.id });
  const wombatApp = fake.addProject(workspace.id, { name: 'Wombat app', client_id: wombat.id });
  const internal = fake.addProject(workspace.id, { name: 'Internal', billable: false });
  const koalaSiteTask = fake.addTask(koalaSite, { name: 'Landing page copy', estimated_seconds: 7200 });
  return { workspace, koala, wombat, koalaSite, koalaAdmin, wombatApp, internal, koalaSiteTask };
}
