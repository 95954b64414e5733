import {
  type BusyInterval,
  type CalendarBlock,
  type PlanInput,
  type PlanResult,
  type Task,
  Temporal,
  toCalendarBlock,
  type WeeklyHours,
  // From source: see scheduling.bench.ts.
} from '../packages/core/src/index.js';
import { MINUTE, readInput } from './scheduling-reference.js';

/** The blocks a plan leaves on the calendar: the next plan's input. */
export const calendarOf = (r: PlanResult): CalendarBlock[] =>
  [...r.keep, ...r.move, ...r.create].map(toCalendarBlock);

/** A small deterministic generator, so every run measures the same work. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

const ZONE = 'Europe/Budapest';

/** Most work has no priority; some is urgent, important or both. */
function priorityOf(r: number): Task['priority'] {
  return { urgent: r < 0.2 || (r >= 0.8 && r < 0.9), important: r >= 0.6 && r < 0.9 };
}
const CLIENT_ZONES = ['Australia/Sydney', 'Europe/London', 'America/New_York', 'Europe/Budapest'];
/** The example config's week: a lunch break Monday to Thursday, a short Friday. */
const LONG = [
  { startMinute: 8 * 60 + 30, endMinute: 12 * 60 + 30 },
  { startMinute: 13 * 60 + 15, endMinute: 17 * 60 },
];
export const HOURS: WeeklyHours = {
  mon: LONG,
  tue: LONG,
  wed: LONG,
  thu: LONG,
  fri: [{ startMinute: 8 * 60 + 30, endMinute: 13 * 60 }],
  sat: [],
  sun: [],
};
export const SETTINGS = {
  bufferMinutes: 10,
  minBlockMinutes: 30,
  maxBlockMinutes: 120,
  horizonDays: 14,
  earliestStartMinutes: 15,
};

/** Monday 30 November 2026, 08:00 in Budapest: the demo's morning. */
export const NOW = '2026-11-30T07:00:00Z';

const wall = (date: Temporal.PlainDate, minute: number) =>
  date.toZonedDateTime({
    timeZone: ZONE,
    plainTime: new Temporal.PlainTime(Math.floor(minute / 60), minute % 60),
  }).epochMilliseconds;

/**
 * One VA's next two weeks with more or less work than time: six clients, one to three meetings a
 * working day, and tasks (30 to 240 minutes; most due within the fortnight by date or instant, a
 * few overdue, some without a deadline, some with a start date) until their estimates add up to
 * `load` times the free working time.
 */
export function qualityInstance(seed: number, load: number): PlanInput {
  const rand = lcg(seed * 7919 + Math.round(load * 100));
  const today = Temporal.PlainDate.from('2026-11-30');
  const busy: BusyInterval[] = [];
  for (let d = 0; d < SETTINGS.horizonDays; d++) {
    const date = today.add({ days: d });
    if (date.dayOfWeek > 5) continue;
    const meetings = 1 + Math.floor(rand() * 3);
    for (let k = 0; k < meetings; k++) {
      const startMinute = 8 * 60 + 30 + Math.floor(rand() * 30) * 15;
      const start = wall(date, startMinute);
      const length = (2 + Math.floor(rand() * 5)) * 15;
      busy.push({
        start: new Date(start).toISOString(),
        end: new Date(start + length * MINUTE).toISOString(),
        source: 'meeting',
      });
    }
  }
  const clients = Array.from({ length: 6 }, (_, i) => ({
    id: `client-${i}`,
    name: `Client ${i}`,
    timezone: CLIENT_ZONES[i % CLIENT_ZONES.length] as string,
  }));
  const base: PlanInput = {
    now: NOW,
    va: { timezone: ZONE, workingHours: HOURS },
    settings: SETTINGS,
    clients,
    tasks: [],
    busy,
    blocks: [],
  };
  const ref = readInput(base);
  const capacity = ref.free.reduce((sum, f) => sum + f.end - f.start, 0);
  const tasks: Task[] = [];
  let total = 0;
  for (let i = 0; total < load * capacity; i++) {
    const estimate = (2 + Math.floor(rand() * 15)) * 15;
    const kind = rand();
    const day = today.add({ days: 1 + Math.floor(rand() * (SETTINGS.horizonDays - 1)) });
    const due: Task['due'] =
      kind < 0.05
        ? { kind: 'date', date: today.subtract({ days: 1 + Math.floor(rand() * 5) }).toString() }
        : kind < 0.6
          ? { kind: 'date', date: day.toString() }
          : kind < 0.85
            ? {
                kind: 'instant',
                at: new Date(wall(day, 9 * 60 + Math.floor(rand() * 32) * 15)).toISOString(),
              }
            : null;
    const startOn: Task['startOn'] =
      rand() < 0.1 ? { kind: 'date', date: today.add({ days: Math.floor(rand() * 7) }).toString() } : null;
    tasks.push({
      id: `t${String(i).padStart(4, '0')}`,
      clientId: `client-${Math.floor(rand() * clients.length)}`,
      name: `Task ${i}`,
      url: null,
      status: 'open',
      estimateMinutes: estimate,
      trackedMinutes: null,
      due,
      startOn,
      priority: priorityOf(rand()),
      modifiedAt: null,
    });
    total += estimate * MINUTE;
  }
  return { ...base, tasks };
}

const SPEED_ZONES = [
  'Australia/Sydney',
  'Europe/London',
  'America/New_York',
  'Asia/Kolkata',
  'Europe/Budapest',
];
const OFFICE = { startMinute: 8 * 60 + 30, endMinute: 17 * 60 + 30 };
const OFFICE_HOURS: WeeklyHours = {
  mon: [OFFICE],
  tue: [OFFICE],
  wed: [OFFICE],
  thu: [OFFICE],
  fri: [OFFICE],
  sat: [],
  sun: [],
};
export const SPEED_NOW = '2026-03-09T06:00:00Z'; // Monday 07:00 in Budapest; 30 days later is past 2026-03-29

/**
 * A large backlog for the speed benchmark: `tasks` tasks of `tasks / 40` clients against
 * `2.5 × tasks` busy intervals over a 30-day horizon that crosses the European DST change, office
 * hours. `overdue` is the share of tasks whose deadline has passed. The calendar holds only a slice
 * of the backlog, so most tasks are reported short: the planner's worst case.
 */
export function speedInstance(tasks: number, overdue: number): PlanInput {
  const clients = Math.max(1, Math.round(tasks / 40));
  const busy = Math.round(tasks * 2.5);
  const rand = lcg(tasks * 7 + busy + Math.round(overdue * 1000));
  const now = Date.parse(SPEED_NOW);
  const day = (d: number) => new Date(now + d * 86_400_000).toISOString().slice(0, 10);
  const list: Task[] = [];
  for (let i = 0; i < tasks; i++) {
    const r = rand();
    list.push({
      id: `${1_207_000_000_000_000 + i}`,
      clientId: `client-${i % clients}`,
      name: `Task ${i}`,
      url: null,
      status: 'open',
      estimateMinutes: 15 + Math.floor(rand() * 12) * 15,
      trackedMinutes: null,
      due:
        r < overdue
          ? { kind: 'date', date: day(-1 - Math.floor(rand() * 10)) }
          : r < overdue + (1 - overdue) * 0.7
            ? { kind: 'date', date: day(1 + Math.floor(rand() * 40)) }
            : r < overdue + (1 - overdue) * 0.8
              ? { kind: 'instant', at: new Date(now + rand() * 30 * 86_400_000).toISOString() }
              : null,
      startOn: rand() < 0.1 ? { kind: 'date', date: day(Math.floor(rand() * 20)) } : null,
      priority: priorityOf(rand()),
      modifiedAt: null,
    });
  }
  // The VA's own calendar and the shared ones it watches list the same meetings many times over:
  // two meetings each weekday, each on many calendars with its own start and length, plus the
  // odd all-day event; busy time covers about a third of the working day.
  const slots: number[] = [];
  for (let d = 0; d < 30; d++) {
    const midnight = now - 6 * 3_600_000 + d * 86_400_000;
    const weekday = new Date(midnight).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    for (let k = 0; k < 2; k++) slots.push(midnight + (7 + k * 5 + Math.floor(rand() * 8) / 4) * 3_600_000);
  }
  const intervals: BusyInterval[] = [];
  for (let i = 0; i < busy; i++) {
    const start = (slots[Math.floor(rand() * slots.length)] as number) + Math.floor(rand() * 3) * 10 * MINUTE;
    const length = i % 1000 === 999 ? 24 * 60 : 15 + Math.floor(rand() * 3) * 15;
    intervals.push({
      start: new Date(start).toISOString(),
      end: new Date(start + length * MINUTE).toISOString(),
    });
  }
  return {
    now: SPEED_NOW,
    va: { timezone: 'Europe/Budapest', workingHours: OFFICE_HOURS },
    settings: { ...SETTINGS, horizonDays: 30 },
    clients: Array.from({ length: clients }, (_, i) => ({
      id: `client-${i}`,
      name: `Client ${i}`,
      timezone: SPEED_ZONES[i % SPEED_ZONES.length] as string,
    })),
    tasks: list,
    busy: intervals,
    blocks: [],
  };
}
