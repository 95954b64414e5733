// A worker process for the rate limiter tests: many callers acquiring places from one Redis-backed
// limiter, logging each grant's instant (Redis's clock) and the calls in flight, in Redis.
import { RedisRateLimiter } from '../limits/redis-limiter.js';
import { createRedis } from '../redis/connection.js';

interface Plan {
  redisUrl: string;
  prefix: string;
  policy: { windows: { limit: number; windowMs: number }[]; concurrency?: number };
  callers: number;
  callsEach: number;
  holdMs: number;
  leaseMs?: number;
  /** Acquire and never release, then exit: a process that dies with calls in flight. */
  dieHolding?: boolean;
}

const plan = JSON.parse(process.env.LIMITER_PLAN ?? '{}') as Plan;
const redis = createRedis(plan.redisUrl);
const log = `${plan.prefix}:test:grants`;
const flight = `${plan.prefix}:test:flight`;
const peak = `${plan.prefix}:test:peak`;
const limiter = new RedisRateLimiter({
  redis,
  prefix: plan.prefix,
  policies: { 'test-vendor': plan.policy },
  maxWaitMs: 120_000,
  ...(plan.leaseMs ? { leaseMs: plan.leaseMs } : {}),
  onAcquire: ({ grantedAt }) => void redis.rpush(log, String(grantedAt)),
});
const ENTER = `local n = redis.call('INCR', KEYS[1]) if n > tonumber(redis.call('GET', KEYS[2]) or '0') then redis.call('SET', KEYS[2], n) end return n`;

async function caller(): Promise<void> {
  for (let i = 0; i < plan.callsEach; i++) {
    const release = await limiter.acquire({ provider: 'test-vendor', key: 'tenant-1', operation: 'call' });
    if (plan.dieHolding) continue;
    await redis.eval(ENTER, 2, flight, peak);
    // The vendor call this place is for.
    await new Promise((resolve) => setTimeout(resolve, plan.holdMs));
    await redis.decr(flight);
    release();
  }
}

await Promise.all(Array.from({ length: plan.callers }, caller));
if (plan.dieHolding) {
  process.stdout.write('holding\n');
  // Exit without releasing: the leases must lapse on their own.
  process.exit(0);
}
await redis.quit();
