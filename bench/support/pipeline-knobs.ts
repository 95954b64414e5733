// The pipeline bench's knobs (environment variables), read once: what bench/pipeline.bench.ts describes.

// biome-ignore lint/suspicious/noUndeclaredEnvVars: a bench knob, not a build input
export const SECONDS = Number(process.env.BENCH_PIPELINE_SECONDS ?? 3);
// biome-ignore lint/suspicious/noUndeclaredEnvVars: a bench knob, not a build input
export const PLANNER = process.env.BENCH_PIPELINE_PLANNER === 'together' ? 'together' : 'apart';
export const PROCESSES =
  PLANNER === 'apart'
    ? 'one worker process and the planner beside it'
    : 'one worker process (replans included)';
// biome-ignore lint/suspicious/noUndeclaredEnvVars: a bench knob, not a build input
export const RATES = (process.env.BENCH_PIPELINE_RATES ?? '50,500').split(',').map(Number);
export const JOBS = 300;
// biome-ignore lint/suspicious/noUndeclaredEnvVars: a bench knob, not a build input
export const ONLY_THROUGHPUT = process.env.BENCH_PIPELINE_ONLY === 'throughput';
/**
 * `stopped`: the planner process is stopped (SIGSTOP) during each throughput round and let go after it,
 * so the worker's own cost is seen apart from the planner's share of the two cores (the replans it
 * owes then run after the round).
 */
export const PLANNER_IN_ROUNDS =
  // biome-ignore lint/suspicious/noUndeclaredEnvVars: a bench knob, not a build input
  process.env.BENCH_PIPELINE_PLANNER_ROUNDS === 'stopped' ? 'stopped' : 'running';
/**
 * The replan window of the bench's service (`VAHUB_REPLAN_WINDOW_MS`): the test world's 300 ms unless
 * set. `5000` is the service's default: a burst's asks then wait for one replan after the window
 * (the first of a quiet period goes at once) instead of one every 300 ms during the burst.
 */
// biome-ignore lint/suspicious/noUndeclaredEnvVars: a bench knob, not a build input
export const WINDOW_MS = process.env.BENCH_PIPELINE_WINDOW_MS;
/** `1`: count the replan adds and checks that reach Redis in each throughput round (Redis MONITOR). */
// biome-ignore lint/suspicious/noUndeclaredEnvVars: a bench knob, not a build input
export const COUNT_ADDS = process.env.BENCH_PIPELINE_COUNT === '1';
/**
 * Unmeasured rounds of each kind (bare, renamed, unchanged) before the measured ones. Every worker's
 * CPU per job keeps falling for a few thousand jobs (JIT), the bare worker's the longest: after one
 * round it was ~1.5 ms, after five ~0.75. The latency part warms the bare worker by 300 more jobs, so
 * with one such round the ratios read lower after it than alone; five bring both starts level.
 */
// biome-ignore lint/suspicious/noUndeclaredEnvVars: a bench knob, not a build input
export const WARM_ROUNDS = Number(process.env.BENCH_PIPELINE_WARM ?? 5);
