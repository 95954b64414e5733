// Lua run atomically in Redis: every process decides on the same counts, by Redis's own clock (so
// workers with skewed clocks still agree). Keys of one provider and key share a {hash tag}.

/**
 * KEYS: calls (zset: member → grant ms), flight (zset: lease → expiry ms), pause (string: until ms).
 * ARGV: member, leaseMs, concurrency (0 = none), n windows, then limit and windowMs per window, then
 * batch and holdMs.
 * Returns {waitMs, why, now, granted}: waitMs 0 means granted; why 1 = paused, 2 = too many in
 * flight (waitMs is the latest a lease can last), 3 = a window is full. `granted` places: `batch`
 * when the key has no cap in flight and every window would stay at most half full with them (each
 * counted as if made `holdMs` from now, the latest the caller may use it), else 1.
 */
export const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local paused = tonumber(redis.call('GET', KEYS[3]) or '0')
if paused > now then return {paused - now, 1, now} end
local conc = tonumber(ARGV[3])
if conc > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  if redis.call('ZCARD', KEYS[2]) >= conc then
    local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
    return {math.max(1, tonumber(first[2]) - now), 2, now}
  end
end
local n = tonumber(ARGV[4])
local batch = tonumber(ARGV[5 + n * 2])
local hold = tonumber(ARGV[6 + n * 2])
if conc > 0 then batch = 1 end
local longest = 0
local wait = 0
for i = 0, n - 1 do
  local limit = tonumber(ARGV[5 + i * 2])
  local win = tonumber(ARGV[6 + i * 2])
  if win > longest then longest = win end
  local inside = redis.call('ZCOUNT', KEYS[1], '(' .. (now - win), '+inf')
  if (inside + batch) * 2 > limit then batch = 1 end
  if inside >= limit then
    -- The window frees a place when the (inside - limit + 1)th oldest call inside it leaves.
    local e = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (now - win), '+inf', 'WITHSCORES', 'LIMIT', inside - limit, 1)
    local w = tonumber(e[2]) + win - now
    if w > wait then wait = w end
  end
end
if wait > 0 then return {wait, 3, now} end
if batch < 1 then batch = 1 end
if longest > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - longest)
  if batch == 1 then
    redis.call('ZADD', KEYS[1], now, ARGV[1])
  else
    for i = 1, batch do redis.call('ZADD', KEYS[1], now + hold, ARGV[1] .. ':' .. i) end
  end
  redis.call('PEXPIRE', KEYS[1], longest + hold + 1000)
end
if conc > 0 then
  local lease = tonumber(ARGV[2])
  redis.call('ZADD', KEYS[2], now + lease, ARGV[1])
  redis.call('PEXPIRE', KEYS[2], lease + 1000)
end
return {0, 0, now, batch}
`;

/** KEYS: flight. ARGV: member, leaseMs. Extends a lease this holder still has; 1 if it did. */
export const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) + 1000)
  return 1
end
return 0
`;

/**
 * KEYS: calls. ARGV: windowMs, vendor's used count (its limit less what it says remains), score
 * offset (ms from now), tag. Adds the calls the vendor counted that vahub did not make, so they
 * hold places in the window too.
 */
export const SYNC = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local win = tonumber(ARGV[1])
local used = redis.call('ZCOUNT', KEYS[1], '(' .. (now - win), '+inf')
local missing = math.min(tonumber(ARGV[2]) - used, 10000)
local at = math.min(now, now + tonumber(ARGV[3]))
for i = 1, missing do
  redis.call('ZADD', KEYS[1], at, 'ext:' .. ARGV[4] .. ':' .. i)
end
if missing > 0 and redis.call('PTTL', KEYS[1]) < win then redis.call('PEXPIRE', KEYS[1], win + 1000) end
return math.max(missing, 0)
`;

/** KEYS: pause. ARGV: ms. Pauses the key until now + ms, unless it is paused longer already. */
export const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs > current then redis.call('SET', KEYS[1], untilMs, 'PX', tonumber(ARGV[1]) + 1000) end
return untilMs
`;
