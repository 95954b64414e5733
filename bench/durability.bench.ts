import { type ServiceWorld, startServiceWorld } from '../test/support/service-world.js';
import {
  createTasks,
  drained,
  quotaLifted,
  reconciled,
  taskEventRound,
  until,
} from './support/service-bench.js';

/**
 * Worker throughput with Redis's append-only file on (`appendfsync everysec`, what a production
 * Redis should run with) as a ratio to persistence off, on one private Redis (`RedisServer`) switched
 * between the two with CONFIG SET, the same world and worker process for both, rounds alternating.
 * Each round: 300 `event.task` jobs added at once, timed until the last completed (each reads its
 * task, updates the mirror and asks for a throttled replan; the replans run too). Asana's quota is
 * lifted (see `quotaLifted`). Target ≥ 0.9.
 */

const JOBS = 300;
const ROUNDS = 4;

async function persistence(w: ServiceWorld, on: boolean): Promise<void> {
  if (on) {
    await w.redis.config('SET', 'appendfsync', 'everysec');
    await w.redis.config('SET', 'appendonly', 'yes');
  } else await w.redis.config('SET', 'appendonly', 'no');
  // Turning it on rewrites the file in the background: measure once that is done.
  await until(async () => {
    const info = await w.redis.info('persistence');
    return /aof_rewrite_in_progress:0/.test(info) && /aof_rewrite_scheduled:0/.test(info);
  }, 'AOF rewrite finished');
  const info = await w.redis.info('persistence');
  if (!info.includes(`aof_enabled:${on ? 1 : 0}`)) throw new Error(`bench: AOF not ${on ? 'on' : 'off'}`);
}

async function round(w: ServiceWorld, gids: string[]): Promise<number> {
  const rate = await taskEventRound(w, { count: JOBS, gids, label: 'durability', scope: () => 'bench' });
  await drained(w, 'schedule.replan');
  return rate;
}

export default async function run(): Promise<void> {
  const w = await startServiceWorld({ workers: 1 });
  try {
    const gids = createTasks(w, 100, 'durability');
    await reconciled(w);
    const off: number[] = [];
    const on: number[] = [];
    await quotaLifted(w, async () => {
      await round(w, gids); // warm-up, twice: the first rounds are slower as the process warms
      await round(w, gids);
      for (let r = 0; r < ROUNDS; r++) {
        const aofFirst = r % 2 === 1;
        for (const aof of aofFirst ? [true, false] : [false, true]) {
          await persistence(w, aof);
          (aof ? on : off).push(await round(w, gids));
        }
      }
    });
    const bestOff = Math.max(...off);
    const bestOn = Math.max(...on);
    const f = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
    console.log(
      `worker throughput, ${JOBS} event.task jobs a round, one worker process, ${ROUNDS} rounds each:`,
    );
    console.log(`  AOF off             ${bestOff.toFixed(0).padStart(5)} jobs/s best   (rounds ${f(off)})`);
    console.log(`  AOF everysec        ${bestOn.toFixed(0).padStart(5)} jobs/s best   (rounds ${f(on)})`);
    console.log(
      `  best ${(bestOn / bestOff).toFixed(2)}×, medians ${(median(on) / median(off)).toFixed(2)}×, round by round ${on.map((x, i) => (x / (off[i] ?? 1)).toFixed(2)).join(', ')}`,
    );
    // Rounds drift upward as the process warms, so the ratio that counts is the median of adjacent pairs.
    const pairs = median(on.map((x, i) => x / (off[i] ?? 1)));
    console.log(
      `  ratio (median of pairs) ${pairs.toFixed(2)}× (target ≥ 0.9): ${pairs >= 0.9 ? 'met' : 'missed'}`,
    );
  } finally {
    await w.stop();
  }
}

/** The middle value; the mean of the two middle ones for an even count. */
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};
