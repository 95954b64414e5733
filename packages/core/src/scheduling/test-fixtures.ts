// Shared by the scheduling tests only (not exported from the package).
import { blockEventId } from '../crypto/ids.js';
import type { CalendarBlock, Task } from '../domain/types.js';
import { endOfLocalDate, parseInstant, Temporal, WEEKDAYS, type WeeklyHours } from '../time/zoned.js';
import { invalidViolations, judgeInvalid } from './test-invalid.js';
import type { PlanInput, PlanResult } from './types.js';

const MIN = 60_000;

/** `weekly({ 'mon-fri': '09:00-17:00', sat: '10:00-12:00, 13:00-14:00' })`: unlisted days are off. */
export function weekly(spec: Record<string, string>): WeeklyHours {
  const week = Object.fromEntries(WEEKDAYS.map((d) => [d, []])) as unknown as WeeklyHours;
  const clock = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  for (const [key, text] of Object.entries(spec)) {
    const [a, b] = key.split('-') as [string, string | undefined];
    const from = WEEKDAYS.indexOf(a as (typeof WEEKDAYS)[number]);
    const to = b === undefined ? from : WEEKDAYS.indexOf(b as (typeof WEEKDAYS)[number]);
    const ranges = text.split(',').map((r) => {
      const [s, e] = r.trim().split('-') as [string, string];
      return { startMinute: clock(s), endMinute: clock(e) };
    });
    for (let d = from; d <= to; d++) week[WEEKDAYS[d] as (typeof WEEKDAYS)[number]] = ranges;
  }
  return week;
}

export function task(fields: Partial<Task> & { id: string }): Task {
  return {
    clientId: 'koala-co',
    name: `Task ${fields.id}`,
    url: null,
    status: 'open',
    estimateMinutes: 60,
    trackedMinutes: null,
    due: null,
    startOn: null,
    priority: { urgent: false, important: false },
    modifiedAt: null,
    ...fields,
  };
}

/** A block of vahub's for `taskId`'s chunk, with its deterministic id (client `koala-co` by default). */
export function block(
  fields: Partial<CalendarBlock> & { taskId: string; chunk: number; start: string; end: string },
): CalendarBlock {
  const clientId = fields.clientId ?? 'koala-co';
  return {
    id: blockEventId(clientId, fields.taskId, fields.chunk),
    clientId,
    title: `[Koala Co] Task ${fields.taskId}`,
    movedByVa: false,
    ...fields,
  };
}

export const CLIENTS = [
  { id: 'koala-co', name: 'Koala Co', timezone: 'Australia/Sydney' },
  { id: 'hudson-legal', name: 'Hudson Legal', timezone: 'America/New_York' },
  { id: 'danube', name: 'Danube Kft', timezone: 'Europe/Budapest' },
];

export function planInput(fields: Partial<PlanInput> = {}): PlanInput {
  return {
    now: '2026-04-06T06:00:00Z',
    va: { timezone: 'Europe/Budapest', workingHours: weekly({ 'mon-fri': '09:00-17:00' }) },
    settings: {
      bufferMinutes: 10,
      minBlockMinutes: 30,
      maxBlockMinutes: 120,
      horizonDays: 7,
      earliestStartMinutes: 0,
    },
    clients: CLIENTS,
    tasks: [],
    busy: [],
    blocks: [],
    ...fields,
  };
}

/** The blocks on the calendar once the plan is carried out, invalid ones left alone included. */
export function finalBlocks(result: PlanResult): CalendarBlock[] {
  return [...plannedBlocks(result), ...result.ignored.map((i) => i.block)];
}

/** The blocks the plan keeps, moves or creates: the usable blocks after the plan. */
export function plannedBlocks(result: PlanResult): CalendarBlock[] {
  const strip = ({ id, taskId, clientId, chunk, start, end, title, movedByVa }: CalendarBlock) => ({
    id,
    taskId,
    clientId,
    chunk,
    start,
    end,
    title,
    movedByVa,
  });
  return [...result.keep, ...result.move, ...result.create].map(strip);
}

export const ms = parseInstant;
export const minutesOf = (b: { start: string; end: string }) => (ms(b.end) - ms(b.start)) / MIN;

/**
 * Whether `[start, end)` lies in working time: each range of each local day, read with Temporal
 * directly (independently of the engine's windows), runs from the instant the VA's wall clock first
 * shows its start to the instant it first shows its end; touching ranges join.
 */
export function insideWorkingHours(hours: WeeklyHours, zone: string, start: number, end: number): boolean {
  return covers(workingSpans(hours, zone, start, end), start, end);
}

/** Each range of each local day that meets `[from, to)`, as `[start, end)` instants. */
export function workingSpans(hours: WeeklyHours, zone: string, from: number, to: number): [number, number][] {
  const at = (date: Temporal.PlainDate, minute: number) =>
    minute === 1440
      ? date.add({ days: 1 }).toZonedDateTime({ timeZone: zone }).epochMilliseconds
      : date.toZonedDateTime({
          timeZone: zone,
          plainTime: new Temporal.PlainTime(Math.floor(minute / 60), minute % 60),
        }).epochMilliseconds;
  const local = (ms: number) =>
    Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone).toPlainDate();
  const spans: [number, number][] = [];
  const last = local(to).add({ days: 1 });
  for (
    let date = local(from).subtract({ days: 1 });
    Temporal.PlainDate.compare(date, last) <= 0;
    date = date.add({ days: 1 })
  ) {
    for (const r of hours[WEEKDAYS[date.dayOfWeek - 1] as (typeof WEEKDAYS)[number]]) {
      spans.push([at(date, r.startMinute), at(date, r.endMinute)]);
    }
  }
  return spans;
}

/** Whether `spans` (touching ones joining) cover all of `[start, end)`. */
export function covers(spans: readonly [number, number][], start: number, end: number): boolean {
  let cursor = start;
  for (;;) {
    const next = spans.find(([s, e]) => s <= cursor && cursor < e);
    if (!next) return false;
    cursor = next[1];
    if (cursor >= end) return true;
  }
}

/**
 * Everything a plan must satisfy whatever the input. Returns the violations found (empty: none).
 */
export function violations(input: PlanInput, result: PlanResult): string[] {
  const out: string[] = [];
  const now = ms(input.now);
  const s = input.settings;
  const earliest = ms(result.window.earliest);
  const horizonEnd = ms(result.window.horizonEnd);
  if (earliest < now + s.earliestStartMinutes * MIN) out.push('earliest before now + earliestStartMinutes');
  const inputIds = new Set(input.blocks.map((b) => b.id));
  const tally = (list: CalendarBlock[]) => {
    const count = new Map<string, number>();
    for (const b of list) count.set(b.id, (count.get(b.id) ?? 0) + 1);
    return count;
  };
  const given = tally([...input.blocks]);
  const seen = tally([
    ...result.keep,
    ...result.move,
    ...result.delete.map((d) => d.block),
    ...result.ignored.map((i) => i.block),
  ]);
  for (const id of inputIds)
    if (seen.get(id) !== given.get(id)) out.push(`input block ${id} appears ${seen.get(id) ?? 0} times`);
  for (const id of seen.keys())
    if (!inputIds.has(id)) out.push(`kept/moved/deleted ${id} was not an input block`);
  for (const c of result.create) {
    if (inputIds.has(c.id)) out.push(`created ${c.id} reuses an existing id`);
    if (c.id !== blockEventId(c.clientId, c.taskId, c.chunk)) out.push(`created ${c.id} is not blockEventId`);
  }
  out.push(...invalidViolations(input, result));
  const invalid = judgeInvalid(input);
  const valid = input.blocks.filter((b) => !invalid.has(b));
  const byId = new Map(valid.map((b) => [b.id, b]));
  const configured = new Set(input.clients.map((c) => c.id));
  const taskOf = new Map(input.tasks.map((t) => [t.id, t]));
  // Blocks of a client not in the configuration stay as they are while their task is open there.
  const foreign = (b: CalendarBlock) => {
    const t = taskOf.get(b.taskId);
    return !configured.has(b.clientId) && t?.status === 'open' && t.clientId === b.clientId;
  };
  const untouchable = (b: CalendarBlock) => b.movedByVa || ms(b.start) < now || foreign(b);
  for (const b of valid) {
    if (!untouchable(b)) continue;
    const kept = result.keep.find((k) => k.id === b.id);
    if (!kept || kept.start !== b.start || kept.end !== b.end || kept.title !== b.title)
      out.push(`fixed ${b.id} was touched`);
  }
  const tasks = new Map(input.tasks.map((t) => [t.id, t]));
  const finals = plannedBlocks(result);
  for (const b of finals) {
    const t = tasks.get(b.taskId);
    const original = byId.get(b.id);
    if (original && untouchable(original)) continue;
    if (t?.status !== 'open') out.push(`${b.id} stays for a task that is not open`);
  }
  const movable = finals.filter((b) => !(byId.get(b.id) && untouchable(byId.get(b.id) as CalendarBlock)));
  const sorted = [...finals].sort((a, b) => ms(a.start) - ms(b.start));
  for (let i = 0; i < sorted.length; i++) {
    for (
      let j = i + 1;
      j < sorted.length && ms((sorted[j] as CalendarBlock).start) < ms((sorted[i] as CalendarBlock).end);
      j++
    ) {
      const [a, b] = [sorted[i] as CalendarBlock, sorted[j] as CalendarBlock];
      if (movable.includes(a) || movable.includes(b)) out.push(`${a.id} overlaps ${b.id}`);
    }
  }
  const fresh = [...result.create, ...result.move];
  for (const b of [...fresh, ...result.keep.filter((k) => k.keptBecause === 'still-valid')]) {
    const [start, end] = [ms(b.start), ms(b.end)];
    const len = (end - start) / MIN;
    if (len < s.minBlockMinutes || len > s.maxBlockMinutes) out.push(`${b.id} is ${len} min long`);
    if (start < now) out.push(`${b.id} starts in the past`);
    if (!insideWorkingHours(input.va.workingHours, input.va.timezone, start, end))
      out.push(`${b.id} outside working hours`);
    for (const busy of input.busy) {
      if (start < ms(busy.end) + s.bufferMinutes * MIN && ms(busy.start) - s.bufferMinutes * MIN < end) {
        out.push(`${b.id} ${b.start}–${b.end} within the buffer of busy ${busy.start}–${busy.end}`);
      }
    }
  }
  // A block only shortened keeps its start, which may lie between now and the earliest start.
  const shortened = (b: CalendarBlock) =>
    result.move.some(
      (m) => m.id === b.id && m.reason === 'less-time-needed' && ms(m.from.start) === ms(m.start),
    );
  for (const b of fresh) {
    if ((ms(b.start) < earliest && !shortened(b)) || ms(b.end) > horizonEnd)
      out.push(`${b.id} placed outside [earliest, horizon)`);
    if ((ms(b.end) - ms(b.start)) % MIN !== 0) out.push(`${b.id} is not whole minutes`);
  }
  return out;
}

/**
 * The books balance: each open task holds its need before its deadline, or a shortfall says by how
 * much it does not. `fresh` (no blocks in the input): no task holds more than it needs.
 */
export function accountingViolations(input: PlanInput, result: PlanResult, fresh: boolean): string[] {
  const out: string[] = [];
  const now = ms(input.now);
  const zones = new Map(input.clients.map((c) => [c.id, c.timezone]));
  const finals = plannedBlocks(result);
  for (const t of input.tasks) {
    const zone = zones.get(t.clientId);
    if (t.status !== 'open' || zone === undefined) continue;
    const sf = result.shortfalls.filter((x) => x.taskId === t.id);
    if (sf.length > 1) out.push(`${t.id}: ${sf.length} shortfalls`);
    const raw = t.estimateMinutes;
    if (raw === null) {
      if (sf[0]?.reason !== 'estimate-missing')
        out.push(`${t.id}: no estimate but no estimate-missing report`);
      continue;
    }
    // Tracked time is taken off the estimate; without it, the task's block time before now.
    const minutes =
      t.trackedMinutes !== null
        ? Math.floor(Math.ceil(raw) - t.trackedMinutes)
        : Math.floor((Math.ceil(raw) * MIN - pastTime(input, t.id)) / MIN);
    const need = roundedNeed(Math.max(0, minutes), input.settings);
    const deadline = deadlineOf(t, zone);
    let held = 0;
    let onTime = 0;
    for (const b of finals.filter((f) => f.taskId === t.id)) {
      const start = Math.max(ms(b.start), now);
      const end = ms(b.end);
      held += Math.max(0, end - start) / MIN;
      onTime += Math.max(0, Math.min(end, deadline) - start) / MIN;
    }
    if (fresh && held > need) out.push(`${t.id}: holds ${held} min for a need of ${need}`);
    if (onTime >= need) {
      if (sf.length > 0)
        out.push(`${t.id}: reported short (${sf[0]?.reason}) but holds ${onTime}/${need} on time`);
      continue;
    }
    const expected = deadline <= now ? 'deadline-passed' : 'not-enough-free-time';
    const got = sf[0];
    if (!got) out.push(`${t.id}: ${onTime}/${need} min on time and no shortfall`);
    else if (got.reason !== expected || Math.abs(got.missingMinutes - (need - onTime)) > 1e-6) {
      out.push(
        `${t.id}: shortfall ${got.reason} missing ${got.missingMinutes}, expected ${expected} ${need - onTime}`,
      );
    }
  }
  return out;
}

/** Ms of the task's usable input blocks before `now`: ended ones, and the elapsed part of one running. */
export function pastTime(input: PlanInput, taskId: string): number {
  const now = ms(input.now);
  const invalid = judgeInvalid(input);
  let sum = 0;
  for (const b of input.blocks) {
    if (b.taskId !== taskId || invalid.has(b)) continue;
    sum += Math.max(0, Math.min(ms(b.end), now) - ms(b.start));
  }
  return sum;
}

/**
 * The test's own rounding of a need (whole minutes): the smallest length from `need` on that k
 * chunks within [min, max] can sum to, found by counting up.
 */
export function roundedNeed(need: number, s: { minBlockMinutes: number; maxBlockMinutes: number }): number {
  if (need <= 0) return 0;
  for (let len = need; ; len++) {
    for (let k = 1; k * s.minBlockMinutes <= len; k++) if (len <= k * s.maxBlockMinutes) return len;
  }
}

/** The test's own reading of a deadline: `due_at`, or the end of `due_on` in the client's zone. */
export function deadlineOf(t: Task, clientZone: string): number {
  if (t.due === null) return Number.POSITIVE_INFINITY;
  return t.due.kind === 'instant' ? ms(t.due.at) : endOfLocalDate(t.due.date, clientZone);
}
