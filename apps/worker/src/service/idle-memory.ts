import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface IdleMemoryOptions {
  /** How often the event loop's busy share is read. @defaultValue 5_000 */
  everyMs?: number;
  /** A period busy below this share counts as idle. @defaultValue 0.02 */
  idleBelow?: number;
  /** Idle periods in a row, after work, before the full collection. @defaultValue 3 */
  idlePeriods?: number;
  /** The full collection. @defaultValue V8's `gc()` (see `exposedGc`) */
  gc?: () => void;
  /** Told after each collection (tests, a debug log line). */
  onCollect?: () => void;
}

/**
 * V8's `gc()`: the global one when the process runs with `--expose-gc`, else the flag is set now
 * and the function taken from a fresh context (as Jest's leak detection does).
 */
export function exposedGc(): () => void {
  const global = (globalThis as { gc?: () => void }).gc;
  if (global) return global;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * Give memory back once the process goes idle after work. V8 keeps the heap it grew to under load
 * until a major collection, which an idle process has no reason to run; so after a busy period
 * followed by `idlePeriods` quiet ones (the event loop busy under `idleBelow` of the time), run one
 * full collection. Once per idle spell: a process that stays idle is not collected again.
 */
export function collectWhenIdle(options: IdleMemoryOptions = {}): { stop(): void } {
  const everyMs = options.everyMs ?? 5_000;
  const idleBelow = options.idleBelow ?? 0.02;
  const idlePeriods = options.idlePeriods ?? 3;
  const gc = options.gc ?? exposedGc();
  let last = performance.eventLoopUtilization();
  // Start-up is work too: compiling and building leave garbage behind.
  let worked = true;
  let quiet = 0;
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    if (busy >= idleBelow) {
      worked = true;
      quiet = 0;
      return;
    }
    quiet += 1;
    if (!worked || quiet < idlePeriods) return;
    worked = false;
    quiet = 0;
    gc();
    options.onCollect?.();
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
