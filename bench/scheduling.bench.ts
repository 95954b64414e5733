import {
  type BusyInterval,
  type PlanInput,
  type PlanResult,
  parseInstant,
  planSchedule,
  type Task,
  type WeeklyHours,
  workingWindows,
  // From source: `npm run bench` runs without the `vahub-source` condition, so '@vahub/core' would
  // load whatever stale dist/ a build last left behind.
} from '../packages/core/src/index.js';

/**
 * The scheduling engine planning 2,000 tasks of 50 clients against 5,000 busy intervals over a
 * 30-day horizon (crossing the European DST change), and the same at half size to show how the
 * cost grows. Baselines in the same run: parsing and sorting the input (the floor any planner
 * pays), and a naive planner that marks the horizon minute by minute and scans it from the start
 * for every task (the obvious implementation).
 */
const ROUNDS = 5;
const MINUTE = 60_000;
const NOW = '2026-03-09T06:00:00Z'; // Monday 07:00 in Budapest; 30 days later is past 2026-03-29
const ZONES = ['Australia/Sydney', 'Europe/London', 'America/New_York', 'Asia/Kolkata', 'Europe/Budapest'];
const RANGE = { startMinute: 8 * 60 + 30, endMinute: 17 * 60 + 30 };
const HOURS: WeeklyHours = {
  mon: [RANGE],
  tue: [RANGE],
  wed: [RANGE],
  thu: [RANGE],
  fri: [RANGE],
  sat: [],
  sun: [],
};
const DAY = [{ startMinute: 0, endMinute: 24 * 60 }];
const ALWAYS: WeeklyHours = { mon: DAY, tue: DAY, wed: DAY, thu: DAY, fri: DAY, sat: DAY, sun: DAY };
const SETTINGS = {
  bufferMinutes: 10,
  minBlockMinutes: 30,
  maxBlockMinutes: 120,
  horizonDays: 30,
  earliestStartMinutes: 15,
};

/** A small deterministic generator, so every run measures the same work. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

function workload(tasks: number, clients: number, busy: number, hours: WeeklyHours): PlanInput {
  const rand = lcg(tasks * 7 + busy);
  const now = parseInstant(NOW);
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
      remainingMinutes: rand() < 0.2 ? Math.floor(rand() * 90) : null,
      due:
        r < 0.02
          ? { kind: 'date', date: day(-1) }
          : r < 0.7
            ? { kind: 'date', date: day(1 + Math.floor(rand() * 40)) }
            : r < 0.8
              ? { kind: 'instant', at: new Date(now + rand() * 30 * 86_400_000).toISOString() }
              : null,
      startOn: rand() < 0.1 ? { kind: 'date', date: day(Math.floor(rand() * 20)) } : null,
      priority: Math.floor(rand() * 4),
      modifiedAt: null,
    });
  }
  // The VA's own calendar and the shared ones it watches list the same meetings many times over:
  // two meetings each weekday, each on many calendars with its own start and length, plus the
  // odd all-day event; busy time covers about a third of the working day.
  const slots: number[] = [];
  for (let d = 0; d < 30; d++) {
    const day = now - 6 * 3_600_000 + d * 86_400_000; // midnight UTC
    const weekday = new Date(day).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    for (let k = 0; k < 2; k++) slots.push(day + (7 + k * 5 + Math.floor(rand() * 8) / 4) * 3_600_000);
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
    now: NOW,
    va: { timezone: 'Europe/Budapest', workingHours: hours },
    settings: SETTINGS,
    clients: Array.from({ length: clients }, (_, i) => ({
      id: `client-${i}`,
      name: `Client ${i}`,
      timezone: ZONES[i % ZONES.length] as string,
    })),
    tasks: list,
    busy: intervals,
    blocks: [],
  };
}

/** Floor: what any planner must do, read the instants and sort tasks and busy time. */
function floor(input: PlanInput): number {
  const busy = input.busy
    .map((b) => [parseInstant(b.start), parseInstant(b.end)] as const)
    .sort((a, b) => a[0] - b[0]);
  const tasks = [...input.tasks].sort((a, b) => b.priority - a.priority || (a.id < b.id ? -1 : 1));
  return busy.length + tasks.length;
}

/**
 * Naive: one flag per minute of the horizon; busy minutes (with buffer) and non-working minutes
 * marked one by one; tasks by deadline, each scanning from the first minute for free runs.
 */
function naive(input: PlanInput): number {
  const now = parseInstant(input.now);
  const start = Math.ceil((now + SETTINGS.earliestStartMinutes * MINUTE) / MINUTE) * MINUTE;
  const end = now + SETTINGS.horizonDays * 86_400_000;
  const size = (end - start) / MINUTE;
  const free = new Uint8Array(size);
  for (const w of workingWindows(input.va.workingHours, input.va.timezone, start, end)) {
    for (let t = w.start; t < w.end; t += MINUTE) free[(t - start) / MINUTE] = 1;
  }
  for (const b of input.busy) {
    const from = Math.max(start, Date.parse(b.start) - SETTINGS.bufferMinutes * MINUTE);
    const to = Math.min(end, Date.parse(b.end) + SETTINGS.bufferMinutes * MINUTE);
    for (let t = from; t < to; t += MINUTE) free[Math.floor((t - start) / MINUTE)] = 0;
  }
  const due = (t: Task) =>
    t.due === null ? '9999' : t.due.kind === 'date' ? t.due.date : t.due.at.slice(0, 10);
  const tasks = [...input.tasks].sort((a, b) =>
    due(a) < due(b) ? -1 : due(a) > due(b) ? 1 : b.priority - a.priority,
  );
  let placed = 0;
  for (const task of tasks) {
    let need = Math.max(SETTINGS.minBlockMinutes, task.remainingMinutes ?? task.estimateMinutes ?? 0);
    for (let m = 0; m < size && need > 0; m++) {
      if (!free[m]) continue;
      let run = 0;
      while (m + run < size && free[m + run] && run < SETTINGS.maxBlockMinutes && run < need) run++;
      if (run < SETTINGS.minBlockMinutes && run < need) {
        m += run;
        continue;
      }
      for (let k = 0; k < run; k++) free[m + k] = 0;
      need -= run;
      placed += run;
      m += run - 1;
    }
  }
  return placed;
}

function best<T>(fn: () => T): { ms: number; value: T } {
  let ms = Number.POSITIVE_INFINITY;
  let value = fn();
  for (let r = 0; r < ROUNDS; r++) {
    const t = performance.now();
    value = fn();
    ms = Math.min(ms, performance.now() - t);
  }
  return { ms, value };
}

const calendarOf = (r: PlanResult) => [...r.keep, ...r.move, ...r.create];
const minutesIn = (r: PlanResult) =>
  calendarOf(r).reduce((sum, b) => sum + (parseInstant(b.end) - parseInstant(b.start)) / MINUTE, 0);

interface Row {
  n: number;
  engine: number;
  replan: number;
  naive: number;
  floor: number;
}

function measure(label: string, input: PlanInput): Row {
  const base = best(() => floor(input));
  const slow = best(() => naive(input));
  const engine = best(() => planSchedule(input));
  const again = { ...input, blocks: calendarOf(engine.value).map(({ why: _why, ...b }) => b) };
  const replan = best(() => planSchedule(again));
  const changed = replan.value.create.length + replan.value.move.length + replan.value.delete.length;
  console.log(
    `${label}: engine ${engine.ms.toFixed(1)} ms (${engine.value.create.length} blocks, ${minutesIn(engine.value)} min, ` +
      `${engine.value.shortfalls.length} tasks short) | replan of its own result ${replan.ms.toFixed(1)} ms ` +
      `(${changed} changes) | naive minute scan ${slow.ms.toFixed(1)} ms (${slow.value} min) | ` +
      `floor (parse + sort) ${base.ms.toFixed(1)} ms`,
  );
  return {
    n: input.tasks.length + input.busy.length,
    engine: engine.ms,
    replan: replan.ms,
    naive: slow.ms,
    floor: base.ms,
  };
}

function growth(what: string, half: Row, full: Row): void {
  console.log(
    `${what}: naive / engine ${(full.naive / full.engine).toFixed(1)}x, engine / floor ${(full.engine / full.floor).toFixed(1)}x; ` +
      `from ${half.n} to ${full.n} tasks + intervals (x${(full.n / half.n).toFixed(1)}): engine x${(full.engine / half.engine).toFixed(2)}, ` +
      `replan x${(full.replan / half.replan).toFixed(2)}, naive x${(full.naive / half.naive).toFixed(2)}`,
  );
}

export default async function run(): Promise<void> {
  // Office hours: the calendar holds only a slice of the backlog, so most tasks are reported short.
  const half = measure(
    '1000 tasks / 25 clients / 2500 busy, 30 days, office hours',
    workload(1_000, 25, 2_500, HOURS),
  );
  const full = measure(
    '2000 tasks / 50 clients / 5000 busy, 30 days, office hours',
    workload(2_000, 50, 5_000, HOURS),
  );
  growth('office hours', half, full);
  // Round the clock: room for most of the backlog, so placing and chunking dominate.
  const roomyHalf = measure(
    '1000 tasks / 25 clients / 2500 busy, 30 days, round the clock',
    workload(1_000, 25, 2_500, ALWAYS),
  );
  const roomyFull = measure(
    '2000 tasks / 50 clients / 5000 busy, 30 days, round the clock',
    workload(2_000, 50, 5_000, ALWAYS),
  );
  growth('round the clock', roomyHalf, roomyFull);
}
