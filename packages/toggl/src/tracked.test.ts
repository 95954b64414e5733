import type { TaskRef, TimeEntry } from '@vahub/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { togglClientSection } from './config.js';
import { buildToggl, clientYaml, parseTogglConfig } from './test-support/build.js';
import { FakeToggl, seedScenario, type TogglScenario } from './testing/index.js';
import { trackedMinutes } from './tracked.js';

const URL = 'https://app.asana.com/0/1207000000000001/1209000000000101';
const tasks: TaskRef[] = [
  { id: '1209000000000101', url: URL, name: 'Landing page copy' },
  { id: '1209000000000102', url: null, name: 'Newsletter' },
  { id: '1209000000000103', url: null, name: 'Invoices' },
  { id: '1209000000000104', url: null, name: 'Invoices ' },
];
const rules = (over: object = {}) =>
  togglClientSection.parse({ workspaceId: 1, clientId: 2, trackedTime: over }).trackedTime!;

let next = 0;
function entry(description: string, minutes: number, over: Partial<TimeEntry> = {}): TimeEntry {
  next += 1;
  return {
    id: String(next),
    workspaceId: '1',
    projectId: null,
    taskId: null,
    description,
    start: '2026-12-01T09:00:00.000Z',
    stop: '2026-12-01T10:00:00.000Z',
    durationSeconds: minutes * 60,
    billable: true,
    tags: [],
    ...over,
  };
}

describe('trackedMinutes', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');

  it('matches by link, by #id, and by the exact name unless two tasks share it', () => {
    const got = trackedMinutes(
      [
        entry(`Landing page ${URL}`, 25),
        entry('Landing page copy', 20),
        entry('#1209000000000102 draft', 15),
        entry('  newsletter ', 5),
        entry('Invoices', 30),
        entry('Something else', 45),
        entry('Newsletter', 60, { deleted: true }),
      ],
      tasks,
      rules(),
      now,
    );
    expect(Object.fromEntries(got)).toEqual({
      '1209000000000101': 45,
      '1209000000000102': 20,
      '1209000000000103': 0,
      '1209000000000104': 0,
    });
  });

  it('matchName: false keeps to links and ids; an idPattern captures a house rule', () => {
    const entries = [entry('Newsletter', 10), entry('[T-1209000000000103] month end', 40)];
    expect(trackedMinutes(entries, tasks, rules({ matchName: false }), now).get('1209000000000102')).toBe(0);
    const custom = rules({ matchName: false, idPattern: '\\[T-(\\d+)\\]' });
    expect(trackedMinutes(entries, tasks, custom, now).get('1209000000000103')).toBe(40);
  });

  it('a running entry counts up to now', () => {
    const running = entry('Newsletter', 0, {
      durationSeconds: -1,
      stop: null,
      start: '2026-12-01T11:15:00Z',
    });
    expect(trackedMinutes([running], tasks, rules(), now).get('1209000000000102')).toBe(45);
  });

  it('a bad idPattern names the fix', () => {
    for (const idPattern of ['[unclosed', 'no-group']) {
      const parsed = togglClientSection.safeParse({
        workspaceId: 1,
        clientId: 2,
        trackedTime: { idPattern },
      });
      expect(parsed.error?.issues[0]?.path).toEqual(['trackedTime', 'idPattern']);
      expect(parsed.error?.issues[0]?.message).toMatch(/valid regular expression with one capture group/);
    }
  });
});

describe('TogglTimeSource.trackedMinutesByTask through the fake', () => {
  let fake: FakeToggl;
  let s: TogglScenario;
  beforeEach(async () => {
    fake = new FakeToggl();
    await fake.start();
    s = seedScenario(fake);
  });
  afterEach(() => fake.stop());

  it('sums the client’s matched time in the window; null for a client without trackedTime', async () => {
    const wid = s.workspace.id;
    const config = parseTogglConfig(
      [
        clientYaml('koala-co', `{ workspaceId: ${wid}, clientId: ${s.koala.id}, trackedTime: {} }`),
        clientYaml('wombat', `{ workspaceId: ${wid}, clientId: ${s.wombat.id} }`),
      ].join(''),
      fake.env(),
    );
    const time = buildToggl(config).ports.time;
    const at = (iso: string) => Date.parse(iso);
    fake.seedEntries([
      {
        workspace_id: wid,
        project_id: s.koalaSite.id,
        description: `Copy ${URL}`,
        start: at('2026-12-01T09:00:00Z'),
        stop: at('2026-12-01T09:50:00Z'),
      },
      {
        workspace_id: wid,
        project_id: s.koalaAdmin.id,
        description: 'Newsletter',
        start: at('2026-12-02T09:00:00Z'),
        stop: at('2026-12-02T09:20:00Z'),
      },
      // Before the window, and another client's time: neither counts.
      {
        workspace_id: wid,
        project_id: s.koalaSite.id,
        description: URL,
        start: at('2026-11-01T09:00:00Z'),
        stop: at('2026-11-01T10:00:00Z'),
      },
      {
        workspace_id: wid,
        project_id: s.wombatApp.id,
        description: URL,
        start: at('2026-12-01T11:00:00Z'),
        stop: at('2026-12-01T12:00:00Z'),
      },
    ]);
    const window = { start: '2026-11-20T00:00:00.000Z', end: '2026-12-03T00:00:00.000Z' };
    const got = await time.trackedMinutesByTask?.('koala-co', tasks, window);
    expect(got && Object.fromEntries(got)).toEqual({
      '1209000000000101': 50,
      '1209000000000102': 20,
      '1209000000000103': 0,
      '1209000000000104': 0,
    });
    expect(await time.trackedMinutesByTask?.('wombat', tasks, window)).toBeNull();
  });
});
