import type { BusyInterval, Task } from '@vahub/core';
import type { Redis } from 'ioredis';
import { QUEUED_JOB_LUA, type ThrottledJobKeys } from '../queues/throttle-scripts.js';
import { bounded, DEFAULT_REDIS_TIMEOUT_MS } from '../redis/bounded.js';
import { scriptCommand } from '../redis/script-command.js';
import { HashMirror, type MirrorStamp } from './hash-mirror.js';
import { mirroredBusy, mirroredTask } from './mirror-schemas.js';

export interface MirrorOptions {
  redis: Redis;
  /** @defaultValue "vahub" */
  prefix?: string;
  timeoutMs?: number;
  now?: () => number;
}

/**
 * KEYS[1]: the "replan owed" marker; KEYS[2..]: the mirrors' hashes, the task's own first when ARGV[2]
 * (its JSON) is not empty; ARGV[1]: its id. Writes only what differs; returns 1 when a replan is owed
 * (this call changed what a plan reads, or an earlier change has not been planned yet), else 0. With
 * ARGV[3] and ARGV[4] (the replan job's keys, `ThrottledJobKeys`), an owed replan whose job is
 * queued and not started yet is joined: its id is returned instead of 1 (it reads this write).
 * `modifiedAt` is written but not counted as a change: every edit in the app moves it (a comment, the
 * notes) and no plan reads it. A JSON string cannot hold an unescaped quote, so `"modifiedAt":` is
 * only ever the key itself.
 */
const SETTLE = `${QUEUED_JOB_LUA}
local function planned(json)
  return (string.gsub(string.gsub(json, '"modifiedAt":"[^"]*",?', ''), '"modifiedAt":null,?', ''))
end
local from = 2
local changed = 0
if ARGV[2] ~= '' then
  local old = redis.call('HGET', KEYS[2], ARGV[1])
  if old ~= ARGV[2] then
    redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
    if not old or planned(old) ~= planned(ARGV[2]) then changed = 1 end
  end
  from = 3
end
for i = from, #KEYS do changed = changed + redis.call('HDEL', KEYS[i], ARGV[1]) end
if changed > 0 then
  redis.call('SET', KEYS[1], '1')
elseif redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
if ARGV[3] and ARGV[3] ~= '' then
  local queued = queuedJob(ARGV[3], ARGV[4])
  if queued then return queued end
end
return 1`;

/** What a task's write leaves owed: no replan, a replan to ask for, or one already queued that reads it. */
export type Settled = { owed: false } | { owed: true; joined: string | null };

/**
 * Each client's open tasks, so a replan reads Redis instead of every project again. A task event
 * re-reads its task and `put`s it (or `remove`s it when it is no longer open); a sweep or the
 * reconcile job `replace`s a client's whole set.
 */
export class TaskMirror {
  constructor(private readonly options: MirrorOptions) {}

  async put(clientId: string, tasks: readonly Task[]): Promise<void> {
    await this.of(clientId).put(tasks.map((task) => ({ id: task.id, item: task })));
  }

  async remove(clientId: string, taskIds: readonly string[]): Promise<void> {
    await this.of(clientId).remove(taskIds);
  }

  /**
   * Bring every client's mirror to one task in one command, atomically: put in its own client's
   * (when it is open), taken out of the others' (a task moved between clients' projects, or one
   * completed or gone). What a task event does: one command, not one per client nor a MULTI's four.
   * Returns whether a replan is owed: true when this changed what a plan reads, and until `planning` is
   * called, so a retry of an event whose first try changed the mirror but failed before asking for
   * its replan still asks (at-least-once); false for an event that changed nothing vahub keeps
   * (Asana sends events for fields vahub ignores) with every earlier change planned.
   */
  async settle(taskId: string, open: Task | null, clientIds: readonly string[]): Promise<boolean> {
    return (await this.settleJoining(taskId, open, clientIds, null)).owed;
  }

  /**
   * `settle`, and when a replan is owed and its job (`replanJob`: `addThrottled`'s keys of it) is
   * queued, not started, that job's id as `joined`: it reads the mirror after this write, so the
   * caller need not ask (the ask would only join it, at the cost of a command of its own). `joined`
   * is null when the caller must ask (no such job, or it has started).
   */
  async settleJoining(
    taskId: string,
    open: Task | null,
    clientIds: readonly string[],
    replanJob: ThrottledJobKeys | null,
  ): Promise<Settled> {
    const others = clientIds.filter((id) => id !== open?.clientId).map((id) => this.key(id));
    const keys = [this.owedKey(), ...(open ? [this.key(open.clientId), ...others] : others)];
    const json = open ? JSON.stringify(open) : '';
    const join = replanJob ? [replanJob.dedupKey, replanJob.jobKeyPrefix] : [];
    const owed = await bounded(
      scriptCommand<number | string>(this.options.redis, 'vahubSettleTask', SETTLE)(
        keys.length,
        ...keys,
        taskId,
        json,
        ...join,
      ),
      {
        ms: this.options.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS,
        what: `a task mirror write (task ${taskId})`,
      },
    );
    if (owed === 0) return { owed: false };
    return { owed: true, joined: typeof owed === 'string' ? owed : null };
  }

  /**
   * A replan is about to read the mirrors: what `settle` changed until now is planned by it. Call it
   * before reading (a change made during the read is owed again), and `owe` if the replan fails.
   */
  async planning(): Promise<void> {
    await bounded(this.options.redis.del(this.owedKey()), {
      ms: this.options.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS,
      what: 'clearing the replan-owed marker',
    });
  }

  /** A replan that read the mirrors did not finish: the changes it took are owed again. */
  async owe(): Promise<void> {
    await bounded(this.options.redis.set(this.owedKey(), '1'), {
      ms: this.options.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS,
      what: 'setting the replan-owed marker',
    });
  }

  async replace(clientId: string, tasks: readonly Task[]): Promise<void> {
    await this.of(clientId).replace(tasks.map((task) => ({ id: task.id, item: task })));
  }

  async list(clientId: string): Promise<Task[]> {
    return this.of(clientId).list();
  }

  async get(clientId: string, taskId: string): Promise<Task | null> {
    return this.of(clientId).get(taskId);
  }

  /** When the client's tasks were last read in full; null if never (read the app, then `replace`). */
  async stamp(clientId: string): Promise<MirrorStamp | null> {
    return this.of(clientId).stamp();
  }

  async clear(clientId: string): Promise<void> {
    await this.of(clientId).clear();
  }

  private key(clientId: string): string {
    return `${this.options.prefix ?? 'vahub'}:mirror:tasks:{${clientId}}`;
  }

  private owedKey(): string {
    return `${this.options.prefix ?? 'vahub'}:mirror:tasks:replan-owed`;
  }

  private of(clientId: string): HashMirror<Task> {
    return new HashMirror({
      ...this.options,
      key: this.key(clientId),
      schema: mirroredTask,
      what: `task (client ${clientId})`,
    });
  }
}

/** One busy interval with the calendar's identity of it (an event id), so changes can replace it. */
export interface MirroredBusy {
  id: string;
  interval: BusyInterval;
}

/** What the busy mirror holds: the intervals of the window last read in full, kept current since. */
export interface BusySnapshot {
  intervals: BusyInterval[];
  /** The window of the last full read; null if there was none. */
  window: { start: string; end: string } | null;
  syncedAt: number | null;
}

/**
 * The VA's busy time (apart from vahub's own blocks). A full read of a window `replace`s it; an
 * incremental calendar sync `put`s changed events and `remove`s cancelled ones.
 */
export class BusyMirror {
  private readonly mirror: HashMirror<BusyInterval>;

  constructor(options: MirrorOptions) {
    this.mirror = new HashMirror({
      ...options,
      key: `${options.prefix ?? 'vahub'}:mirror:{busy}`,
      schema: mirroredBusy,
      what: 'busy interval',
    });
  }

  async put(items: readonly MirroredBusy[]): Promise<void> {
    await this.mirror.put(items.map(({ id, interval }) => ({ id, item: interval })));
  }

  async remove(ids: readonly string[]): Promise<void> {
    await this.mirror.remove(ids);
  }

  async replace(window: { start: string; end: string }, items: readonly MirroredBusy[]): Promise<void> {
    await this.mirror.replace(
      items.map(({ id, interval }) => ({ id, item: interval })),
      window,
    );
  }

  /** The intervals that overlap `window` (all of them without one), in start order. */
  async read(window?: { start: string; end: string }): Promise<BusySnapshot> {
    const [all, stamp] = await Promise.all([this.mirror.list(), this.mirror.stamp()]);
    const from = window ? Date.parse(window.start) : Number.NEGATIVE_INFINITY;
    const to = window ? Date.parse(window.end) : Number.POSITIVE_INFINITY;
    const intervals = all
      .filter((i) => Date.parse(i.start) < to && Date.parse(i.end) > from)
      .sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
    const covers = stamp?.covers;
    return {
      intervals,
      window: covers?.start && covers.end ? { start: covers.start, end: covers.end } : null,
      syncedAt: stamp?.syncedAt ?? null,
    };
  }

  async clear(): Promise<void> {
    await this.mirror.clear();
  }
}
