// `npm run chaos`: the full chaos run, sized by the environment. Its last lines are the counts; it
// exits 1 when any check is off.
//   CHAOS_EVENTS (2000) task changes, CHAOS_ENTRIES (5000) time entries, CHAOS_KILLS (10) SIGKILLs,
//   CHAOS_WORKERS (3), CHAOS_CLIENTS (4), CHAOS_REDIS (restart | flush | none; default restart),
//   CHAOS_TIMEOUTS_PER_MILLE (2: vendor calls left unanswered, each costing the 30 s timeout),
//   CHAOS_LOG (a file for the processes' log lines), CHAOS_SEED (1), CHAOS_SETTLE_S (2400: Asana's 150 calls a minute make 2,000 task events
//   take a quarter of an hour to work off).
import { runChaos } from './chaos.js';
import { failures, summaryLines } from './report.js';

const num = (name: string, fallback: number) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`${name}=${raw}: give a whole number (e.g. ${name}=${fallback})`);
    process.exit(2);
  }
  return n;
};
const text = (name: string, fallback: string) => process.env[name] || fallback;
const redis = text('CHAOS_REDIS', 'restart');
if (!['restart', 'flush', 'none'].includes(redis)) {
  console.error(`CHAOS_REDIS=${redis}: give restart, flush or none`);
  process.exit(2);
}

const result = await runChaos({
  events: num('CHAOS_EVENTS', 2000),
  entries: num('CHAOS_ENTRIES', 5000),
  kills: num('CHAOS_KILLS', 10),
  workers: num('CHAOS_WORKERS', 3),
  clients: num('CHAOS_CLIENTS', 4),
  redis: redis as 'restart' | 'flush' | 'none',
  seed: num('CHAOS_SEED', 1),
  faults: {
    serverErrors: 0.1,
    rateLimits: 0.05,
    timeouts: num('CHAOS_TIMEOUTS_PER_MILLE', 2) / 1000,
    stalls: 0.02,
  },
  settleMs: num('CHAOS_SETTLE_S', 2400) * 1000,
  handleSignals: true,
  ...(text('CHAOS_LOG', '') ? { logFile: text('CHAOS_LOG', '') } : {}),
  log: (line) => console.log(`[chaos] ${new Date().toISOString().slice(11, 19)} ${line}`),
});
for (const p of result.verdict.problems) console.log(`[chaos] problem: ${p}`);
const off = failures(result);
if (off.length > 0) console.log(`[chaos] FAILED: ${off.join(', ')}`);
for (const line of summaryLines(result)) console.log(line);
process.exit(off.length === 0 ? 0 : 1);
