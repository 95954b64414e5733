import type { Redis } from 'ioredis';
import { scriptCommand } from '../redis/script-command.js';

// The scripts behind `addThrottled` (queues.ts): the quiet-period marker, and the check that finds a
// throttled job queued and not started yet (which the task mirror's write also runs, to join it).

/** KEYS[1]: a quiet-period marker; ARGV[1]: the window. Sets it unless it is there; `{set, its ttl in ms}`. */
const MARK = `
local set = redis.call('SET', KEYS[1], '1', 'PX', ARGV[1], 'NX')
return {set and 1 or 0, redis.call('PTTL', KEYS[1])}`;

/**
 * A Lua function for scripts: `queuedJob(dedupKey, jobKeyPrefix)` is the id of the job a throttled
 * job's deduplication key names when that job is there and not started yet (BullMQ sets
 * `processedOn` as it takes a job, before its processor runs), else nil: then only BullMQ's add knows
 * what to do. `throttledJobKeys` gives both keys; the task mirror's write uses it to join its replan.
 */
export const QUEUED_JOB_LUA = `
local function queuedJob(dedupKey, jobKeyPrefix)
  local id = redis.call('GET', dedupKey)
  if not id then return nil end
  local job = redis.call('HMGET', jobKeyPrefix .. id, 'timestamp', 'processedOn')
  if job[1] and not job[2] then return id end
  return nil
end`;

/** KEYS[1]: a throttled job's deduplication key; ARGV[1]: its queue's key prefix (see `QUEUED_JOB_LUA`). */
const QUEUED = `${QUEUED_JOB_LUA}
return queuedJob(KEYS[1], ARGV[1])`;

/** Where a throttled job of a key is found in Redis: what `QUEUED_JOB_LUA` reads. */
export interface ThrottledJobKeys {
  dedupKey: string;
  jobKeyPrefix: string;
}

/** Mark a quiet period's start unless one is running: `[1 if this call set it, its ttl in ms]`. */
export function markQuiet(redis: Redis, marker: string, windowMs: number): Promise<[number, number]> {
  return scriptCommand<[number, number]>(redis, 'vahubMarkQuiet', MARK, 1)(marker, windowMs);
}

/** The id of the throttled job at `keys` when it is queued and not started yet; null otherwise. */
export function queuedJob(redis: Redis, keys: ThrottledJobKeys): Promise<string | null> {
  return scriptCommand<string | null>(redis, 'vahubQueuedRun', QUEUED, 1)(keys.dedupKey, keys.jobKeyPrefix);
}
