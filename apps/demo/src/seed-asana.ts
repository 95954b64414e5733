import type { FakeAsana } from '@vahub/asana/testing';

/** The VA's personal access token in the fake: the only Asana credential vahub needs. */
export const DEMO_ASANA_TOKEN = '2/1209000000000001/demo-personal-access-token';

const PROJECTS: Record<string, string> = {
  '1207000000000001': 'Koala Co — social & admin',
  '1207000000000002': 'Thames Studio — website',
  '1207000000000003': 'Thames Studio — events',
  '1207000000000004': 'Hudson Legal — practice support',
};

interface DemoTask {
  project: string;
  name: string;
  dueOn?: string;
  dueAt?: string;
  estimate?: number;
  assignee?: 'va' | 'colleague';
  completed?: boolean;
}

/**
 * A VA's week as of Monday 30 November 2026, 08:00 in Budapest. Due dates are read in each client's
 * zone: Koala's "due 1 Dec" ends at 14:00 on 1 Dec for the VA (Sydney is 13 h ahead, on summer
 * time since October); Hudson's "due 30 Nov" ends at 06:00 on 1 Dec in Budapest.
 */
const TASKS: DemoTask[] = [
  { project: '1207000000000001', name: 'Schedule December social posts', dueOn: '2026-12-01', estimate: 150 },
  { project: '1207000000000001', name: 'Reconcile November receipts', dueOn: '2026-12-04', estimate: 90 },
  { project: '1207000000000001', name: 'Draft the January newsletter' },
  { project: '1207000000000002', name: 'Update the portfolio page', dueOn: '2026-12-02', estimate: 60 },
  {
    project: '1207000000000002',
    name: 'Review the brand guidelines',
    dueOn: '2026-12-03',
    assignee: 'colleague',
  },
  { project: '1207000000000003', name: 'Book the venue for the winter showcase', dueOn: '2026-12-03' },
  { project: '1207000000000003', name: 'Send the November invoice reminders', completed: true },
  { project: '1207000000000004', name: 'Prepare the engagement letters', dueOn: '2026-12-04', estimate: 180 },
  {
    project: '1207000000000004',
    name: 'File the intake call notes',
    dueAt: '2026-12-01T22:00:00Z',
    estimate: 30,
  },
  { project: '1207000000000004', name: 'Year-end compliance checklist', dueOn: '2026-11-27', estimate: 240 },
];

/** Seed the VA, the example config's projects, an "Estimated time" field and the tasks. */
export function seedAsana(fake: FakeAsana): { tasks: number } {
  const va = fake.addUser({ name: 'Réka VA', token: DEMO_ASANA_TOKEN, email: 'reka@example.com' });
  const colleague = fake.addUser({
    name: 'Tom Thames',
    token: '2/1209000000000002/someone-else',
    email: 'tom@thames.example',
  });
  for (const [gid, name] of Object.entries(PROJECTS)) fake.addProject({ gid, name });
  const estimate = fake.addCustomField({ name: 'Estimated time', format: 'duration' });
  for (const t of TASKS) {
    fake.createTask({
      name: t.name,
      projects: [t.project],
      assignee: t.assignee === 'colleague' ? colleague.gid : va.gid,
      completed: t.completed ?? false,
      dueOn: t.dueOn ?? null,
      dueAt: t.dueAt ?? null,
      customFields: t.estimate === undefined ? {} : { [estimate.gid]: t.estimate },
    });
  }
  return { tasks: TASKS.length };
}
