// The demo's week (apps/demo/src: seed-asana, seed-google, the example config), rebuilt here for
// the scheduling tests: core may not import apps. Shared by the scheduling tests only.
import type { Task } from '../domain/types.js';
import { task, weekly } from './test-fixtures.js';
import type { PlanInput } from './types.js';

const cet = (local: string) => new Date(`${local}:00+01:00`).toISOString();

/** Monday 30 November 2026, 08:00 in Budapest; Koala in Sydney, Thames in London, Hudson in New York. */
export function demoWeek(settings: Partial<PlanInput['settings']> = {}): PlanInput {
  const t = (fields: Partial<Task> & { id: string; clientId: string; name: string }) =>
    task({ estimateMinutes: fields.clientId === 'thames-studio' ? 45 : 60, ...fields });
  return {
    now: '2026-11-30T07:00:00Z',
    va: {
      timezone: 'Europe/Budapest',
      workingHours: weekly({ 'mon-thu': '08:30-12:30, 13:15-17:00', fri: '08:30-13:00' }),
    },
    settings: {
      bufferMinutes: 10,
      minBlockMinutes: 30,
      maxBlockMinutes: 120,
      horizonDays: 14,
      earliestStartMinutes: 15,
      ...settings,
    },
    clients: [
      { id: 'koala-co', name: 'Koala Co Pty Ltd', timezone: 'Australia/Sydney' },
      { id: 'thames-studio', name: 'Thames Studio Ltd', timezone: 'Europe/London' },
      { id: 'hudson-legal', name: 'Hudson Legal LLC', timezone: 'America/New_York' },
    ],
    tasks: [
      t({
        id: '1',
        clientId: 'koala-co',
        name: 'Schedule December social posts',
        estimateMinutes: 150,
        due: { kind: 'date', date: '2026-12-01' },
      }),
      t({
        id: '2',
        clientId: 'koala-co',
        name: 'Reconcile November receipts',
        estimateMinutes: 90,
        due: { kind: 'date', date: '2026-12-04' },
      }),
      t({ id: '3', clientId: 'koala-co', name: 'Draft the January newsletter' }),
      t({
        id: '4',
        clientId: 'thames-studio',
        name: 'Update the portfolio page',
        estimateMinutes: 60,
        due: { kind: 'date', date: '2026-12-02' },
      }),
      t({
        id: '6',
        clientId: 'thames-studio',
        name: 'Book the venue for the winter showcase',
        due: { kind: 'date', date: '2026-12-03' },
      }),
      t({
        id: '8',
        clientId: 'hudson-legal',
        name: 'Prepare the engagement letters',
        estimateMinutes: 180,
        due: { kind: 'date', date: '2026-12-04' },
      }),
      t({
        id: '9',
        clientId: 'hudson-legal',
        name: 'File the intake call notes',
        estimateMinutes: 30,
        due: { kind: 'instant', at: '2026-12-01T22:00:00Z' },
      }),
      t({
        id: '10',
        clientId: 'hudson-legal',
        name: 'Year-end compliance checklist',
        estimateMinutes: 240,
        due: { kind: 'date', date: '2026-11-27' },
      }),
    ],
    busy: [
      {
        start: cet('2026-11-30T09:00'),
        end: cet('2026-11-30T10:00'),
        source: 'Weekly planning with Koala Co',
      },
      { start: cet('2026-11-30T15:00'), end: cet('2026-11-30T15:30'), source: 'Thames Studio check-in' },
      { start: cet('2026-12-01T10:30'), end: cet('2026-12-01T12:00'), source: 'Hudson Legal intake call' },
      { start: cet('2026-12-02T13:15'), end: cet('2026-12-02T14:00'), source: 'Dentist' },
      { start: cet('2026-12-03T16:00'), end: cet('2026-12-03T17:00'), source: 'Hudson Legal weekly' },
    ],
    blocks: [],
  };
}
