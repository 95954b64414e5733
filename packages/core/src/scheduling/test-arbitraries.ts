// Generators for the scheduling property tests (not exported from the package).
import fc from 'fast-check';
import { blockEventId } from '../crypto/ids.js';
import type { BusyInterval, CalendarBlock, Task, TaskDue } from '../domain/types.js';
import {
  formatInstant,
  localDateOf,
  parseInstant,
  Temporal,
  WEEKDAYS,
  type WeeklyHours,
} from '../time/zoned.js';
import type { PlanClient, PlanInput } from './types.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Zones with DST in either hemisphere, half-hour and 45-minute offsets, and a 30-minute DST shift. */
export const ZONES = [
  'Europe/Budapest',
  'Australia/Sydney',
  'America/New_York',
  'UTC',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Europe/London',
];
/** Whole-hour zones: midnight and DST jumps fall on whole hours, so a 15/30/60-minute grid fits. */
export const WHOLE_HOUR_ZONES = [
  'Europe/Budapest',
  'Australia/Sydney',
  'America/New_York',
  'UTC',
  'Europe/London',
];

/** Days on which some zone above changes its clocks in 2026, and one ordinary day. */
const SEAMS = [
  '2026-03-08',
  '2026-03-29',
  '2026-04-05',
  '2026-06-15',
  '2026-10-04',
  '2026-10-25',
  '2026-11-01',
];

const seamInstant = (date: string) => parseInstant(`${date}T00:00:00Z`);

const dayRanges = (step: number) =>
  fc
    .array(
      fc.tuple(
        fc.integer({ min: 0, max: (24 * 60) / step - 1 }),
        fc.integer({ min: 1, max: (10 * 60) / step }),
      ),
      {
        maxLength: 2,
      },
    )
    .map((parts) => {
      const ranges: { startMinute: number; endMinute: number }[] = [];
      let floor = 0;
      for (const [a, len] of [...parts].sort((x, y) => x[0] - y[0])) {
        const startMinute = Math.max(a * step, floor);
        const endMinute = Math.min(startMinute + len * step, 1440);
        if (endMinute > startMinute) ranges.push({ startMinute, endMinute });
        floor = endMinute + step;
      }
      return ranges;
    });

export function arbHours(step: number): fc.Arbitrary<WeeklyHours> {
  const allDay = fc.constant([{ startMinute: 0, endMinute: 1440 }]);
  const office = fc
    .tuple(
      fc.integer({ min: 0, max: (12 * 60) / step }),
      fc.integer({ min: (4 * 60) / step, max: (12 * 60) / step }),
    )
    .map(([a, len]) => [{ startMinute: a * step, endMinute: Math.min(1440, (a + len) * step) }]);
  const day = fc.oneof(
    { weight: 3, arbitrary: dayRanges(step) },
    { weight: 3, arbitrary: office },
    { weight: 1, arbitrary: allDay },
  );
  return fc
    .tuple(...WEEKDAYS.map(() => day))
    .map((days) => Object.fromEntries(WEEKDAYS.map((d, i) => [d, days[i]])) as unknown as WeeklyHours);
}

function arbDue(now: number, zones: readonly string[], grid: number | null): fc.Arbitrary<TaskDue | null> {
  const instant =
    grid === null
      ? fc.integer({ min: -24 * 60, max: 5 * 24 * 60 }).map((m) => now + m * MIN + (m % 7) * 1000)
      : fc.integer({ min: (-6 * 60) / grid, max: (2 * 24 * 60) / grid }).map((k) => now + k * grid * MIN);
  const date = fc
    .tuple(
      grid === null ? fc.integer({ min: -2, max: 4 }) : fc.integer({ min: 0, max: 2 }),
      fc.constantFrom(...zones),
    )
    .map(([d, z]) => Temporal.PlainDate.from(localDateOf(now, z)).add({ days: d }).toString());
  return fc.oneof(
    fc.constant(null),
    date.map((d): TaskDue => ({ kind: 'date', date: d })),
    instant.map((t): TaskDue => ({ kind: 'instant', at: formatInstant(t) })),
  );
}

function arbTasks(args: { now: number; clients: PlanClient[]; grid: number | null; maxTasks: number }) {
  const { now, clients, grid } = args;
  const zones = clients.map((c) => c.timezone);
  const estimate =
    grid === null
      ? fc.oneof(
          { weight: 1, arbitrary: fc.constant(null) },
          { weight: 12, arbitrary: fc.integer({ min: 0, max: 400 }) },
        )
      : fc.integer({ min: 1, max: 4 }).map((k) => k * grid);
  const one = fc.record({
    clientId: fc.constantFrom(...clients.map((c) => c.id), ...(grid === null ? ['stranger'] : [])),
    estimateMinutes: estimate,
    tracked: grid === null ? fc.option(fc.integer({ min: 0, max: 400 }), { freq: 4 }) : fc.constant(null),
    due: arbDue(now, zones, grid),
    startOn: fc.oneof(
      { weight: 3, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: arbDue(now, zones, grid) },
    ),
    priority: fc.integer({ min: 0, max: 3 }),
    status:
      grid === null
        ? fc.constantFrom<Task['status']>(
            'open',
            'open',
            'open',
            'open',
            'completed',
            'deleted',
            'unassigned',
          )
        : fc.constant<Task['status']>('open'),
  });
  return fc.array(one, { minLength: grid === null ? 0 : 1, maxLength: args.maxTasks }).map((list) =>
    list.map(
      (t, i): Task => ({
        id: `t${i}`,
        clientId: t.clientId,
        name: `Task ${i}`,
        url: null,
        status: t.status,
        estimateMinutes: t.estimateMinutes,
        trackedMinutes: t.tracked ?? null,
        due: t.due,
        startOn: t.startOn,
        priority: { urgent: t.priority >= 2, important: t.priority % 2 === 1 },
        modifiedAt: null,
      }),
    ),
  );
}

function arbBusy(now: number, grid: number | null): fc.Arbitrary<BusyInterval[]> {
  const step = grid ?? 1;
  const one = fc
    .record({
      at: fc.integer({ min: (-24 * 60) / step, max: ((grid === null ? 4 : 2) * 24 * 60) / step }),
      len: fc.oneof(
        fc.integer({ min: 1, max: ((grid === null ? 8 : 3) * 60) / step }),
        fc.constant((24 * 60) / step),
      ),
      seconds: grid === null ? fc.integer({ min: 0, max: 59 }) : fc.constant(0),
    })
    .map(({ at, len, seconds }) => {
      const start = now + at * step * MIN + seconds * 1000;
      return { start: formatInstant(start), end: formatInstant(start + len * step * MIN), source: 'meeting' };
    });
  return fc.array(one, { maxLength: grid === null ? 12 : 5 });
}

/** Blocks that may already be on the calendar: past, future, moved by the VA, of unknown tasks. */
function arbBlocks(now: number, taskIds: string[], clients: PlanClient[]): fc.Arbitrary<CalendarBlock[]> {
  const one = fc.record({
    task: fc.constantFrom(...taskIds, 'gone'),
    client: fc.constantFrom(...clients.map((c) => c.id), 'stranger'),
    chunk: fc.integer({ min: 1, max: 4 }),
    at: fc.integer({ min: -12 * 4, max: 4 * 24 * 4 }),
    len: fc.integer({ min: 1, max: 12 }),
    movedByVa: fc.boolean(),
  });
  const oddity = fc.record({
    kind: fc.constantFrom('zero-length', 'reversed', 'unreadable', 'twin', 'fractional-chunk'),
    base: one,
    pick: fc.nat(),
  });
  return fc
    .tuple(fc.array(one, { maxLength: 8 }), fc.array(oddity, { maxLength: 2 }))
    .map(([list, oddities]) => {
      const byId = new Map<string, CalendarBlock>();
      const make = (b: (typeof list)[number], chunk: number): CalendarBlock => {
        const start = now + b.at * 15 * MIN;
        return {
          id: blockEventId(b.client, b.task, chunk),
          taskId: b.task,
          clientId: b.client,
          chunk,
          start: formatInstant(start),
          end: formatInstant(start + b.len * 15 * MIN),
          title: `[x] ${b.task}`,
          movedByVa: b.movedByVa,
        };
      };
      for (const b of list) {
        const block = make(b, b.chunk);
        byId.set(block.id, block);
      }
      const valid = [...byId.values()];
      // Blocks no plan can use (edited by hand, or corrupt): they must never stop the plan.
      const odd = oddities.map(({ kind, base, pick }, i): CalendarBlock => {
        const b = make(base, 5 + i);
        const twin = valid[pick % Math.max(1, valid.length)];
        switch (kind) {
          case 'zero-length':
            return { ...b, end: b.start };
          case 'reversed':
            return { ...b, start: b.end, end: b.start };
          case 'unreadable':
            return pick % 2 === 0 ? { ...b, start: 'soon' } : { ...b, end: '2026-02-30T09:00:00Z' };
          case 'twin':
            return twin ? { ...b, id: twin.id } : b;
          case 'fractional-chunk':
            return { ...b, chunk: 5.5 + i };
        }
        return b;
      });
      return [...valid, ...odd];
    });
}

/** Any input: odd zones, odd seconds, DST days, tasks of unknown clients, closed tasks, odd blocks. */
export function arbPlanInput(opts: { blocks: boolean; maxTasks?: number }): fc.Arbitrary<PlanInput> {
  return fc
    .record({
      seam: fc.constantFrom(...SEAMS),
      hour: fc.integer({ min: -36, max: 36 }),
      second: fc.integer({ min: 0, max: 3599 }),
      vaZone: fc.constantFrom(...ZONES),
      clientZones: fc.array(fc.constantFrom(...ZONES), { minLength: 1, maxLength: 3 }),
      hours: arbHours(15),
      min: fc.constantFrom(15, 20, 30, 45, 60),
      extra: fc.constantFrom(0, 5, 15, 30, 60, 90),
      buffer: fc.constantFrom(0, 5, 10, 15, 30),
      horizonDays: fc.integer({ min: 1, max: 4 }),
      earliest: fc.constantFrom(0, 15, 30),
    })
    .chain((c) => {
      const now = seamInstant(c.seam) + c.hour * HOUR + c.second * 1000;
      const clients = c.clientZones.map((z, i) => ({ id: `c${i}`, name: `Client ${i}`, timezone: z }));
      return fc
        .record({
          tasks: arbTasks({ now, clients, grid: null, maxTasks: opts.maxTasks ?? 7 }),
          busy: arbBusy(now, null),
        })
        .chain(({ tasks, busy }) =>
          (opts.blocks
            ? arbBlocks(
                now,
                tasks.map((t) => t.id),
                clients,
              )
            : fc.constant([])
          ).map((blocks) => ({
            now: formatInstant(now),
            va: { timezone: c.vaZone, workingHours: c.hours },
            settings: {
              bufferMinutes: c.buffer,
              minBlockMinutes: c.min,
              maxBlockMinutes: c.min + c.extra,
              horizonDays: c.horizonDays,
              earliestStartMinutes: c.earliest,
            },
            clients,
            tasks,
            busy,
            blocks,
          })),
        );
    });
}

/**
 * Inputs on a grid of `grid` minutes (15, 30 or 60): every working range, meeting, buffer, deadline,
 * start date and estimate is a multiple of it, and the minimum block is the grid step. On such
 * inputs chunk limits never bind, so "a feasible placement exists" is exactly what the oracle checks.
 */
export function arbGridInput(opts: { releases: boolean; maxTasks: number }): fc.Arbitrary<PlanInput> {
  return fc
    .record({
      grid: fc.constantFrom(15, 30, 60),
      seam: fc.constantFrom(...SEAMS),
      hour: fc.integer({ min: -30, max: 30 }),
      vaZone: fc.constantFrom(...WHOLE_HOUR_ZONES),
      clientZones: fc.array(fc.constantFrom(...WHOLE_HOUR_ZONES), { minLength: 1, maxLength: 2 }),
      maxSteps: fc.integer({ min: 1, max: 3 }),
      bufferSteps: fc.integer({ min: 0, max: 1 }),
      earliestSteps: fc.integer({ min: 0, max: 1 }),
      horizonDays: fc.integer({ min: 1, max: 2 }),
    })
    .chain((c) => {
      const now = seamInstant(c.seam) + c.hour * HOUR;
      const clients = c.clientZones.map((z, i) => ({ id: `c${i}`, name: `Client ${i}`, timezone: z }));
      return fc
        .record({
          hours: arbHours(c.grid),
          tasks: arbTasks({ now, clients, grid: c.grid, maxTasks: opts.maxTasks }),
          busy: arbBusy(now, c.grid),
        })
        .map(({ hours, tasks, busy }) => ({
          now: formatInstant(now),
          va: { timezone: c.vaZone, workingHours: hours },
          settings: {
            bufferMinutes: c.bufferSteps * c.grid,
            minBlockMinutes: c.grid,
            maxBlockMinutes: c.maxSteps * c.grid,
            horizonDays: c.horizonDays,
            earliestStartMinutes: c.earliestSteps * c.grid,
          },
          clients,
          tasks: opts.releases ? tasks : tasks.map((t) => ({ ...t, startOn: null })),
          busy,
          blocks: [],
        }));
    });
}

/** The same input with every list shuffled. */
export function arbShuffled(input: PlanInput): fc.Arbitrary<PlanInput> {
  return fc
    .tuple(
      fc.shuffledSubarray([...input.tasks], { minLength: input.tasks.length }),
      fc.shuffledSubarray([...input.busy], { minLength: input.busy.length }),
      fc.shuffledSubarray([...input.blocks], { minLength: input.blocks.length }),
      fc.shuffledSubarray([...input.clients], { minLength: input.clients.length }),
    )
    .map(([tasks, busy, blocks, clients]) => ({ ...input, tasks, busy, blocks, clients }));
}
