import {
  type PlanInput,
  type PlanResult,
  planSchedule,
  // From source: see scheduling.bench.ts.
} from '../packages/core/src/index.js';
import {
  edfGreedy,
  enginePieces,
  type Judged,
  judge,
  MINUTE,
  maxOnTimeMinutes,
  readInput,
  switchesPerDay,
} from './scheduling-reference.js';
import { calendarOf, lcg, qualityInstance } from './scheduling-workload.js';

/**
 * How well the engine plans when there is more (or less) work than time, beside references
 * computed in the same run on the same instances: earliest deadline first with preemption (EDF)
 * over the same free time, and a max-flow upper bound for on-time minutes. Ten generated fortnights
 * at each load (total estimates over free working time). For each: late tasks, on-time minutes,
 * what one added 30-minute meeting moves (the blocks it hits, and the others a deadline needed),
 * and context switches per day, without and with batching (`adjacent`, 10-minute breaks).
 */
const LOADS = [0.8, 1.0, 1.5, 2.5];
const SEEDS = 10;
const DEADLINE_DRIVEN = new Set(['made-room', 'after-deadline', 'reshuffled-for-deadlines']);

interface Meeting {
  /** Tasks late (by the engine's report) before and after the meeting. */
  lateBefore: number;
  lateAfter: number;
  hit: number;
  movedHit: number;
  deadlineDriven: number;
  other: number;
  deleted: number;
  created: number;
}

/** Adds a 30-minute meeting over one of the first three days' blocks and plans again. */
function addMeeting(input: PlanInput, first: PlanResult, seed: number): Meeting {
  const rand = lcg(seed);
  const now = Date.parse(input.now);
  const early = calendarOf(first).filter((b) => Date.parse(b.start) < now + 3 * 86_400_000);
  const target = early[Math.floor(rand() * early.length)];
  const lateIn = (r: PlanResult) => r.shortfalls.filter((x) => x.late !== undefined).length;
  if (!target) {
    const late = lateIn(first);
    return {
      lateBefore: late,
      lateAfter: late,
      hit: 0,
      movedHit: 0,
      deadlineDriven: 0,
      other: 0,
      deleted: 0,
      created: 0,
    };
  }
  const start = Date.parse(target.start) + Math.floor(rand() * 3) * 15 * MINUTE;
  const meeting = { start: new Date(start).toISOString(), end: new Date(start + 30 * MINUTE).toISOString() };
  const buffer = input.settings.bufferMinutes * MINUTE;
  const hitIds = new Set(
    calendarOf(first)
      .filter((b) => Date.parse(b.start) < start + 30 * MINUTE + buffer && start - buffer < Date.parse(b.end))
      .map((b) => b.id),
  );
  const second = planSchedule({ ...input, busy: [...input.busy, meeting], blocks: calendarOf(first) });
  const out: Meeting = {
    lateBefore: lateIn(first),
    lateAfter: lateIn(second),
    hit: hitIds.size,
    movedHit: 0,
    deadlineDriven: 0,
    other: 0,
    deleted: 0,
    created: 0,
  };
  for (const m of second.move) {
    if (hitIds.has(m.id)) out.movedHit++;
    else if (DEADLINE_DRIVEN.has(m.reason)) out.deadlineDriven++;
    else out.other++;
  }
  for (const d of second.delete) {
    out.deleted++;
    if (!hitIds.has(d.block.id) && !DEADLINE_DRIVEN.has(d.reason)) out.other++;
  }
  out.created = second.create.length;
  return out;
}

interface Row {
  load: number;
  tasks: number;
  engine: Judged;
  edf: Judged;
  /** The engine with `batching: adjacent` and a 10-minute break between clients. */
  batched: Judged;
  bound: number;
  meeting: Meeting;
  /** Context switches per day, and switches with less than 10 minutes between the two blocks. */
  switches: { engine: number; batched: number; edf: number; tightEngine: number; tightBatched: number };
}

const BATCHED = { batching: 'adjacent' as const, clientBreakMinutes: 10 };

function measure(load: number, seed: number): Row {
  const input = qualityInstance(seed, load);
  const ref = readInput(input);
  const now = Date.parse(input.now);
  const plan = planSchedule(input);
  const batched = planSchedule({ ...input, settings: { ...input.settings, ...BATCHED } });
  const edf = edfGreedy(ref);
  const clientOf = new Map(ref.tasks.map((t) => [t.id, t.clientId]));
  const blocksOf = (pieces: Map<string, { start: number; end: number }[]>) =>
    [...pieces].flatMap(([id, list]) => list.map((p) => ({ ...p, clientId: clientOf.get(id) ?? '' })));
  const zone = input.va.timezone;
  const gap = BATCHED.clientBreakMinutes * MINUTE;
  const plain = switchesPerDay(blocksOf(enginePieces(plan, now)), zone, gap);
  const kept = switchesPerDay(blocksOf(enginePieces(batched, now)), zone, gap);
  return {
    load,
    tasks: ref.tasks.length,
    engine: judge(ref, enginePieces(plan, now)),
    edf: judge(ref, edf),
    batched: judge(ref, enginePieces(batched, now)),
    bound: maxOnTimeMinutes(ref),
    meeting: addMeeting(input, plan, seed),
    switches: {
      engine: plain.perDay,
      batched: kept.perDay,
      edf: switchesPerDay(blocksOf(edf), zone, gap).perDay,
      tightEngine: plain.tight,
      tightBatched: kept.tight,
    },
  };
}

const sum = (rows: Row[], f: (r: Row) => number) => rows.reduce((s, r) => s + f(r), 0);
const max = (rows: Row[], f: (r: Row) => number) => rows.reduce((m, r) => Math.max(m, f(r)), 0);
const pad = (v: string | number, n: number) => String(v).padStart(n);
const ratio = (a: number, b: number) => (b === 0 ? (a === 0 ? '1.00' : 'inf') : (a / b).toFixed(2));

export default async function run(): Promise<void> {
  const rows: Row[] = [];
  for (const load of LOADS) for (let seed = 1; seed <= SEEDS; seed++) rows.push(measure(load, seed));
  console.log(
    `${rows.length} instances (${SEEDS} per load); late = tasks with a deadline not placed in full before it (overdue ones included)`,
  );
  console.log(
    `${pad('load', 4)} | ${pad('tasks', 5)} | ${pad('late eng', 8)} ${pad('late EDF', 8)} ${pad('ratio', 5)} ${pad('worse', 5)} | ` +
      `${pad('on-time min eng', 15)} ${pad('EDF', 7)} ${pad('bound', 7)} ${pad('eng/bnd', 7)} ${pad('EDF/bnd', 7)}`,
  );
  for (const load of LOADS) {
    const r = rows.filter((x) => x.load === load);
    const lateEngine = sum(r, (x) => x.engine.late);
    const lateEdf = sum(r, (x) => x.edf.late);
    const onEngine = sum(r, (x) => x.engine.onTimeMinutes);
    const onEdf = sum(r, (x) => x.edf.onTimeMinutes);
    const bound = sum(r, (x) => x.bound);
    console.log(
      `${pad(load.toFixed(1), 4)} | ${pad(
        sum(r, (x) => x.tasks),
        5,
      )} | ${pad(lateEngine, 8)} ${pad(lateEdf, 8)} ` +
        `${pad(ratio(lateEngine, lateEdf), 5)} ${pad(r.filter((x) => x.engine.late > x.edf.late).length, 5)} | ` +
        `${pad(onEngine, 15)} ${pad(onEdf, 7)} ${pad(bound, 7)} ${pad(ratio(onEngine, bound), 7)} ${pad(ratio(onEdf, bound), 7)}`,
    );
  }
  console.log(
    `\n${pad('load', 4)} | ${pad('meeting: hit', 12)} ${pad('moved', 5)} ${pad('deadline', 8)} ${pad('other', 5)} ` +
      `${pad('del', 3)} ${pad('new', 3)} ${pad('late before/after', 17)} | ${pad('switches/day eng', 16)} ${pad('batched', 7)} ${pad('EDF', 5)} | ` +
      `${pad('no break eng', 12)} ${pad('batched', 7)} | ${pad('late batched', 12)} ${pad('eng', 4)}`,
  );
  for (const load of LOADS) {
    const r = rows.filter((x) => x.load === load);
    const mean = (f: (x: Row) => number) => (sum(r, f) / r.length).toFixed(2);
    console.log(
      `${pad(load.toFixed(1), 4)} | ${pad(
        sum(r, (x) => x.meeting.hit),
        12,
      )} ${pad(
        sum(r, (x) => x.meeting.movedHit),
        5,
      )} ` +
        `${pad(
          sum(r, (x) => x.meeting.deadlineDriven),
          8,
        )} ${pad(
          sum(r, (x) => x.meeting.other),
          5,
        )} ` +
        `${pad(
          sum(r, (x) => x.meeting.deleted),
          3,
        )} ${pad(
          sum(r, (x) => x.meeting.created),
          3,
        )} ` +
        `${pad(`${sum(r, (x) => x.meeting.lateBefore)}/${sum(r, (x) => x.meeting.lateAfter)}`, 17)} | ` +
        `${pad(
          mean((x) => x.switches.engine),
          16,
        )} ${pad(
          mean((x) => x.switches.batched),
          7,
        )} ${pad(
          mean((x) => x.switches.edf),
          5,
        )} | ` +
        `${pad(
          sum(r, (x) => x.switches.tightEngine),
          12,
        )} ${pad(
          sum(r, (x) => x.switches.tightBatched),
          7,
        )} | ` +
        `${pad(
          sum(r, (x) => x.batched.late),
          12,
        )} ${pad(
          sum(r, (x) => x.engine.late),
          4,
        )}`,
    );
  }
  const worse = rows.filter((x) => x.engine.late > x.edf.late).length;
  const noisy = rows.filter((x) => x.meeting.other > 0).length;
  const costly = rows.filter((x) => x.batched.late > x.engine.late).length;
  console.log(
    `\ntargets: late ≤ EDF on every instance: ${worse === 0 ? 'met' : `NOT met (${worse} instances)`}; ` +
      `moves from one meeting ≤ hit + deadline-driven on every instance: ${noisy === 0 ? 'met' : `NOT met (${noisy} instances)`} ` +
      `(most deadline-driven moves on one instance: ${max(rows, (x) => x.meeting.deadlineDriven)}); ` +
      `batching never costs a deadline: ${costly === 0 ? 'met' : `NOT met (${costly} instances)`}`,
  );
}
