import type { LoggedRequest } from '@vahub/testkit';
import { type ServiceWorld, startServiceWorld } from '../../test/support/service-world.js';
import { PLANNER, WINDOW_MS } from './pipeline-knobs.js';
import {
  asanaDelivery,
  bareEnv,
  bareTasks,
  type Hook,
  post,
  reconciled,
  startBare,
  stopProcess,
  takeAsanaHooks,
} from './service-bench.js';

// The pipeline bench's world at one rate: the service world beside the bare pipeline, and what the
// fakes saw when.

/** Watch the fakes: when each task is first read at the task app and its first block written. */
export function watch(w: ServiceWorld) {
  const firstRead = new Map<string, number>();
  const blockAt = new Map<string, number>();
  /** Every block write (insert, move, delete) the calendar fake accepted, and every request, when it came. */
  const writes: number[] = [];
  const calls: number[] = [];
  w.asana.server.on('request', (r: LoggedRequest) => {
    const gid = r.method === 'GET' ? /\/tasks\/(\d+)$/.exec(r.path)?.[1] : undefined;
    if (gid && !firstRead.has(gid)) firstRead.set(gid, Date.now());
  });
  w.google.server.on('request', (r: LoggedRequest) => {
    calls.push(Date.now());
    if (r.method === 'GET' || r.status >= 300) return;
    writes.push(Date.now());
    const props = (r.json as { extendedProperties?: { private?: Record<string, string> } } | null)
      ?.extendedProperties?.private;
    const gid = props?.vahubTask;
    if (gid && !blockAt.has(gid)) blockAt.set(gid, Date.now());
  });
  return { firstRead, blockAt, writes, calls };
}

export type Seen = ReturnType<typeof watch>;

export interface PipelineWorld {
  w: ServiceWorld;
  /** The service's replan window (`VAHUB_REPLAN_WINDOW_MS`). */
  windowMs: number;
  hooks: Hook[];
  seen: Seen;
  /** The bare pipeline's receiver. */
  bareUrl: string;
  /** The bare pipeline's worker process. */
  barePid: number | undefined;
  /** Stop the bare processes, then the service world. */
  stop(): Promise<void>;
}

/**
 * The service world (the planner apart unless `PLANNER` says otherwise), reconciled, its Asana hooks
 * taken from the fake, and the bare pipeline's two processes beside it, warmed; stopped again if any
 * of that fails.
 */
export async function startPipelineWorld(): Promise<PipelineWorld> {
  const w = await startServiceWorld({
    workers: 1,
    ...(PLANNER === 'apart' ? { planner: 'apart' } : {}),
    ...(WINDOW_MS ? { env: { VAHUB_REPLAN_WINDOW_MS: WINDOW_MS } } : {}),
  });
  const windowMs = Number(w.env.VAHUB_REPLAN_WINDOW_MS);
  const bare: {
    receiver?: Awaited<ReturnType<typeof startBare>>;
    worker?: Awaited<ReturnType<typeof startBare>>;
  } = {};
  const stop = async () => {
    if (bare.receiver) await stopProcess(bare.receiver.child);
    if (bare.worker) await stopProcess(bare.worker.child);
    await w.stop();
  };
  try {
    await reconciled(w);
    const hooks = await takeAsanaHooks(w);
    const env = bareEnv(w, hooks[0]!);
    bare.receiver = await startBare('receiver', env);
    bare.worker = await startBare('worker', env);
    const seen = watch(w);
    const bareUrl = bare.receiver.url!;
    // Warm both (JIT, connections): a few events each, not counted.
    for (let i = 0; i < 10; i++) {
      const [g] = bareTasks(w, 1, 'warm bare');
      await post(bareUrl, asanaDelivery(hooks[0]!, g!, 'added'));
    }
    return { w, windowMs, hooks, seen, bareUrl, barePid: bare.worker?.child.pid, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
