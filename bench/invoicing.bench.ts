import {
  type BillingConfig,
  type BuildInvoiceInput,
  billingSchema,
  buildInvoiceDraft,
  type Period,
  periodContaining,
  type TimeEntry,
  // From source: `npm run bench` runs without the `vahub-source` condition, so '@vahub/core' would
  // load whatever stale dist/ a build last left behind.
} from '../packages/core/src/index.js';

/**
 * The invoicing engine over 100,000 time entries across 100 clients (1,000 each, one month), with
 * the clients' settings varied: rounding modes, per entry/line, every grouping, rate overrides,
 * retainers, four currencies (JPY in whole yen), five zones, tax rates on half the targets. The
 * entries are one person's and overlap heavily (1,000 entries of up to 3 h in a month, about 1,400
 * overlaps per client): the worst case for the overlap pass, which real time rarely is. Baselines
 * in the same run: summing the durations with plain integers (the floor), and parsing the starts
 * plus filtering by period and billable flag (the unavoidable part of any implementation).
 */
const CLIENTS = 100;
const PER_CLIENT = 1_000;
const ROUNDS = 5;
const ZONES = ['Australia/Sydney', 'Europe/London', 'America/New_York', 'Asia/Kolkata', 'UTC'];
const CURRENCIES = ['AUD', 'GBP', 'USD', 'JPY'];
const GROUPINGS = ['project', 'task', 'day', 'description', 'single'];

/** A small deterministic generator, so every run measures the same work. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

function makeClient(i: number, rand: () => number): BuildInvoiceInput {
  const zone = ZONES[i % ZONES.length] as string;
  const period: Period = periodContaining('month', Date.UTC(2026, 10, 15), zone);
  const billing: BillingConfig = billingSchema.parse({
    currency: CURRENCIES[i % CURRENCIES.length],
    hourlyRate: `${40 + (i % 30)}.${String(i % 100).padStart(2, '0')}25`,
    projectRates: { [`${i}01`]: '70.00' },
    taskRates: { [`${i}011`]: '90.1234' },
    rounding: {
      minutes: [0, 6, 15][i % 3],
      mode: ['up', 'down', 'nearest'][i % 3],
      per: i % 2 ? 'entry' : 'line',
    },
    grouping: GROUPINGS[i % GROUPINGS.length],
    ...(i % 4 === 0 ? { retainer: { hours: 20, amount: '1000.00', rollover: true } } : {}),
  });
  const span = period.end - period.start;
  const entries: TimeEntry[] = [];
  for (let n = 0; n < PER_CLIENT; n++) {
    const start = period.start - 86_400_000 + Math.floor(rand() * (span + 2 * 86_400_000));
    const project = `${i}0${Math.floor(rand() * 4)}`;
    entries.push({
      id: `${i}-${n}`,
      workspaceId: '1',
      projectId: project,
      taskId: rand() < 0.5 ? `${project}${Math.floor(rand() * 3)}` : null,
      description: ['Inbox', 'Posts', 'Calls', 'Bookkeeping', ''][n % 5] as string,
      start: new Date(start).toISOString(),
      stop: null,
      durationSeconds: rand() < 0.01 ? -1 : Math.floor(rand() * 3 * 3600),
      billable: rand() < 0.9,
      tags: rand() < 0.05 ? ['invoiced'] : [],
    });
  }
  return {
    clientId: `client-${i}`,
    billing,
    target: {
      contactId: '717f2bfc-c6d4-41fd-b238-3f2f0c0cf777',
      accountCode: '200',
      taxType: 'OUTPUT',
      ...(i % 2 ? { tax: { ratePercent: '10' } } : {}),
    },
    period,
    entries,
    names: { projects: { [`${i}01`]: 'Social media', [`${i}02`]: 'Inbox' } },
  };
}

function best(fn: () => number): { ms: number; check: number } {
  let ms = Number.POSITIVE_INFINITY;
  let check = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const t = performance.now();
    check = fn();
    ms = Math.min(ms, performance.now() - t);
  }
  return { ms, check };
}

export default async function run(): Promise<void> {
  const rand = lcg(42);
  const clients = Array.from({ length: CLIENTS }, (_, i) => makeClient(i, rand));
  const total = CLIENTS * PER_CLIENT;

  const bare = best(() => {
    let seconds = 0;
    for (const c of clients)
      for (const e of c.entries) if (e.durationSeconds > 0) seconds += e.durationSeconds;
    return seconds;
  });
  const filtered = best(() => {
    let seconds = 0;
    for (const c of clients) {
      for (const e of c.entries) {
        const start = Date.parse(e.start);
        if (e.billable && e.durationSeconds >= 0 && start >= c.period.start && start < c.period.end) {
          seconds += e.durationSeconds;
        }
      }
    }
    return seconds;
  });
  let overlaps = 0;
  const engine = best(() => {
    let drafts = 0;
    overlaps = 0;
    for (const c of clients) {
      const result = buildInvoiceDraft(c);
      if (result.draft) drafts += 1;
      overlaps += result.overlaps.length;
    }
    return drafts;
  });

  const rate = (ms: number) => Math.round(total / (ms / 1000)).toLocaleString('en-US');
  console.log(`${total.toLocaleString('en-US')} entries, ${CLIENTS} clients, best of ${ROUNDS}`);
  console.log(
    `  engine:        ${engine.ms.toFixed(1)} ms  ${rate(engine.ms)} entries/s  (${engine.check} drafts, ${overlaps.toLocaleString('en-US')} overlaps)`,
  );
  console.log(`  bare sum:      ${bare.ms.toFixed(2)} ms  ${rate(bare.ms)} entries/s`);
  console.log(`  parse+filter:  ${filtered.ms.toFixed(2)} ms  ${rate(filtered.ms)} entries/s`);
  console.log(`  ratio engine / bare sum:     ${(engine.ms / bare.ms).toFixed(0)}×`);
  console.log(`  ratio engine / parse+filter: ${(engine.ms / filtered.ms).toFixed(1)}×`);
}
