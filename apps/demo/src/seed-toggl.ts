import { Temporal } from '@vahub/core';
import type { FakeToggl } from '@vahub/toggl/testing';

interface DemoEntry {
  project: number;
  task?: number;
  description: string;
  /** Local wall-clock time in the client's zone. */
  start: string;
  /** null: the timer is still running. */
  stop: string | null;
  billable?: boolean;
}

const SYDNEY = 'Australia/Sydney';
const LONDON = 'Europe/London';
const NEW_YORK = 'America/New_York';

/**
 * Koala Co (retainer: 20 h a month), October 2026. The first entry starts at 00:30 on 1 October in
 * Sydney, still 30 September in UTC: it belongs to October, as the client reads it.
 */
const KOALA: DemoEntry[] = [
  {
    project: 190001,
    description: 'Late-night post scheduling',
    start: '2026-10-01T00:30',
    stop: '2026-10-01T02:10',
  },
  {
    project: 190001,
    description: 'October content calendar',
    start: '2026-10-02T09:00',
    stop: '2026-10-02T12:20',
  },
  {
    project: 190002,
    description: 'Receipts and reconciliation',
    start: '2026-10-06T13:00',
    stop: '2026-10-06T15:05',
  },
  { project: 190001, description: 'Instagram campaign', start: '2026-10-09T10:00', stop: '2026-10-09T13:40' },
  {
    project: 190002,
    description: 'Payroll preparation',
    start: '2026-10-14T09:15',
    stop: '2026-10-14T11:45',
  },
  { project: 190001, description: 'Community replies', start: '2026-10-20T14:00', stop: '2026-10-20T17:10' },
  {
    project: 190002,
    description: 'Tidy the shared drive',
    start: '2026-10-23T09:00',
    stop: '2026-10-23T11:00',
    billable: false,
  },
  {
    project: 190002,
    description: 'Month-end bookkeeping',
    start: '2026-10-27T10:00',
    stop: '2026-10-27T13:55',
  },
  { project: 190001, description: 'Halloween posts', start: '2026-10-30T12:00', stop: '2026-10-30T14:50' },
  {
    project: 190001,
    description: 'Advent calendar posts',
    start: '2026-11-16T09:00',
    stop: '2026-11-16T10:30',
  },
];

/** Thames Studio (weekly), the week of 23–29 November 2026; one timer left running on Sunday night. */
const THAMES: DemoEntry[] = [
  { project: 190101, description: 'Portfolio refresh', start: '2026-10-15T10:00', stop: '2026-10-15T12:00' },
  {
    project: 190101,
    task: 1901011,
    description: 'Case study: Riverside Café',
    start: '2026-11-23T09:00',
    stop: '2026-11-23T10:47',
  },
  {
    project: 190101,
    description: 'Homepage copy edits',
    start: '2026-11-24T14:00',
    stop: '2026-11-24T15:12',
  },
  {
    project: 190102,
    task: 1901021,
    description: 'Call venues',
    start: '2026-11-25T10:00',
    stop: '2026-11-25T11:33',
  },
  {
    project: 190101,
    task: 1901011,
    description: 'Case study photos',
    start: '2026-11-26T15:30',
    stop: '2026-11-26T16:10',
  },
  {
    project: 190102,
    description: 'Showcase guest list',
    start: '2026-11-27T09:30',
    stop: '2026-11-27T10:05',
  },
  { project: 190102, description: 'Showcase budget', start: '2026-11-29T21:30', stop: null },
];

/**
 * Hudson Legal (exact time), October 2026. The last entry starts at 23:30 on 31 October in New York,
 * already 1 November in UTC: billed whole in October, where it started.
 */
const HUDSON: DemoEntry[] = [
  {
    project: 190201,
    description: 'Engagement letter templates',
    start: '2026-10-05T09:00:00',
    stop: '2026-10-05T10:23:17',
  },
  {
    project: 190201,
    description: 'Court filing preparation',
    start: '2026-10-08T13:30',
    stop: '2026-10-08T15:45',
  },
  {
    project: 190202,
    description: 'Client intake calls',
    start: '2026-10-15T10:00',
    stop: '2026-10-15T10:52:40',
  },
  {
    project: 190201,
    description: 'Discovery document index',
    start: '2026-10-22T16:00',
    stop: '2026-10-22T18:30',
  },
  {
    project: 190202,
    description: 'Billing records clean-up',
    start: '2026-10-29T09:10',
    stop: '2026-10-29T11:07:05',
  },
  { project: 190201, description: 'Late filing', start: '2026-10-31T23:30', stop: '2026-11-01T00:40' },
];

function at(local: string, zone: string): number {
  return Temporal.PlainDateTime.from(local).toZonedDateTime(zone).epochMilliseconds;
}

/** Workspaces, customers, projects and tasks with the example config's ids, then the entries. */
export function seedToggl(fake: FakeToggl): { entries: number } {
  fake.addWorkspace({ id: 4242, name: 'Réka VA', default_currency: 'AUD' });
  fake.addWorkspace({ id: 5151, name: 'Hudson Legal (client workspace)', default_currency: 'USD' });
  fake.addClient(4242, { id: 9001, name: 'Koala Co Pty Ltd' });
  fake.addClient(4242, { id: 9002, name: 'Thames Studio Ltd' });
  fake.addClient(5151, { id: 9100, name: 'Hudson Legal LLC' });
  fake.addProject(4242, { id: 190001, client_id: 9001, name: 'Social media management' });
  fake.addProject(4242, { id: 190002, client_id: 9001, name: 'Bookkeeping' });
  const portfolio = fake.addProject(4242, { id: 190101, client_id: 9002, name: 'Portfolio website' });
  const events = fake.addProject(4242, { id: 190102, client_id: 9002, name: 'Events' });
  fake.addTask(portfolio, { id: 1901011, name: 'Case studies' });
  fake.addTask(events, { id: 1901021, name: 'Showcase venue' });
  fake.addProject(5151, { id: 190201, client_id: 9100, name: 'Contracts and filings' });
  fake.addProject(5151, { id: 190202, client_id: 9100, name: 'Client intake' });
  const entries = [
    ...KOALA.map((e) => ({ e, zone: SYDNEY, workspace: 4242 })),
    ...THAMES.map((e) => ({ e, zone: LONDON, workspace: 4242 })),
    ...HUDSON.map((e) => ({ e, zone: NEW_YORK, workspace: 5151 })),
  ];
  fake.seedEntries(
    entries.map(({ e, zone, workspace }) => ({
      workspace_id: workspace,
      project_id: e.project,
      task_id: e.task ?? null,
      description: e.description,
      start: at(e.start, zone),
      stop: e.stop === null ? null : at(e.stop, zone),
      billable: e.billable ?? true,
    })),
  );
  return { entries: entries.length };
}
