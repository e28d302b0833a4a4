/*
 * The Lua run inside Redis. Every script reads the clock with Redis `TIME`, never the caller's: callers on several
 * machines (or one with a skewed clock) must see one timeline, and a script that reads TIME and then writes is
 * replicated by its effects (Redis ≥ 5 default, the only mode in 7), so replicas agree too.
 *
 * Times inside the scripts are integer microseconds since the epoch (≈1.8e15 < 2^53, exact in Lua's doubles).
 * Numbers turned into strings go through string.format('%.0f'): Lua's tostring keeps only 14 digits.
 */

/** shared helpers, prepended to each script */
const PRELUDE = `
local function clock()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local function s(n) return string.format('%.0f', n) end
-- keys shared by callers with different windows or lease times: the key lives as long as its longest need
local function keep_for(key, ms)
  if redis.call('PTTL', key) < ms then redis.call('PEXPIRE', key, s(ms)) end
end
-- Asia/Shanghai has been UTC+8 all year since 1991 (no daylight saving), so the Beijing day is plain arithmetic
local BEIJING_OFFSET_US = 8 * 3600 * 1000000
local DAY_US = 86400 * 1000000
local function beijing_day(now) return math.floor((now + BEIJING_OFFSET_US) / DAY_US) end
local function next_beijing_midnight(now) return (beijing_day(now) + 1) * DAY_US - BEIJING_OFFSET_US end
`;

/**
 * Checks every limit of one reservation and records all of them, or none.
 * KEYS[i] belongs to check i of ARGV[1] (JSON {id, guard: us, checks: [...]}), the last key is the counting-since marker:
 *   {k:'log', w:[[limit, spanUs], ...]}  sliding log (ZSET of reservation times): at most limit in any (t-span, t]
 *   {k:'cap', n:limit}                   Beijing-day counter (HASH d = day number, n = count)
 *   {k:'lease', n:limit, ttl:us, poll:us} concurrency: ZSET lease id → expiry time
 * A rate window no longer than \`guard\` that reaches back before the marker refuses until it no longer does (Redis lost
 * its counts: a restart without persistence must not let a burst through).
 * Returns {1, now} when reserved, or {0, now, retryAt, i1, i2 ...} naming the checks that refused (1-based) and the
 * earliest time all of them could have room again.
 */
export const ACQUIRE_LUA = `${PRELUDE}
local now = clock()
local spec = cjson.decode(ARGV[1])
-- when Redis began counting under this prefix; missing after a restart without persistence (or a first start)
local marker = KEYS[#spec.checks + 1]
local since = tonumber(redis.call('GET', marker))
if not since then
  redis.call('SET', marker, s(now))
  since = now
end
local retry_at = 0
local refused = {}
local function refuse(i, at)
  refused[#refused + 1] = i
  if at > retry_at then retry_at = at end
end

for i, c in ipairs(spec.checks) do
  local key = KEYS[i]
  if c.k == 'log' then
    local longest = 0
    for _, w in ipairs(c.w) do if w[2] > longest then longest = w[2] end end
    -- an entry at e counts in (t - span, t]; once e <= now - longest it counts in no window of this key
    redis.call('ZREMRANGEBYSCORE', key, '-inf', s(now - longest))
    for _, w in ipairs(c.w) do
      local limit, span = w[1], w[2]
      local from = '(' .. s(now - span)
      local count = redis.call('ZCOUNT', key, from, '+inf')
      if span <= spec.guard and now - since < span then
        -- the window reaches back before Redis began counting: what was sent then is unknown, so assume it full
        refuse(i, since + span)
      elseif count >= limit then
        -- the window has room again once all but limit-1 of its entries have left it: the (count-limit+1)-th
        -- oldest leaves at its time + span
        local e = redis.call('ZRANGEBYSCORE', key, from, '+inf', 'WITHSCORES', 'LIMIT', count - limit, 1)
        refuse(i, tonumber(e[2]) + span)
      end
    end
  elseif c.k == 'cap' then
    local day = beijing_day(now)
    local held = redis.call('HMGET', key, 'd', 'n')
    local count = 0
    if tonumber(held[1]) == day then count = tonumber(held[2]) or 0 end
    if count >= c.n then refuse(i, next_beijing_midnight(now)) end
  elseif c.k == 'lease' then
    -- a lease whose holder crashed simply expires here
    redis.call('ZREMRANGEBYSCORE', key, '-inf', s(now))
    if redis.call('ZCARD', key) >= c.n then
      local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
      -- a holder usually releases long before its lease expires: ask again after the poll interval at the latest
      refuse(i, math.min(tonumber(first[2]), now + c.poll))
    end
  else
    return redis.error_reply('unknown check kind ' .. tostring(c.k))
  end
end

if #refused > 0 then
  local answer = {0, s(now), s(retry_at)}
  for _, i in ipairs(refused) do answer[#answer + 1] = i end
  return answer
end

for i, c in ipairs(spec.checks) do
  local key = KEYS[i]
  local member = spec.id .. '#' .. i
  if c.k == 'log' then
    local longest = 0
    for _, w in ipairs(c.w) do if w[2] > longest then longest = w[2] end end
    redis.call('ZADD', key, s(now), member)
    keep_for(key, math.ceil(longest / 1000) + 1000)
  elseif c.k == 'cap' then
    local day = beijing_day(now)
    if tonumber(redis.call('HGET', key, 'd')) ~= day then
      redis.call('HSET', key, 'd', s(day), 'n', 0)
    end
    redis.call('HINCRBY', key, 'n', 1)
    -- the counter vanishes at Beijing midnight; the day field makes a late expiry harmless
    redis.call('PEXPIREAT', key, s(next_beijing_midnight(now) / 1000))
  elseif c.k == 'lease' then
    redis.call('ZADD', key, s(now + c.ttl), member)
    keep_for(key, math.ceil(c.ttl / 1000) + 1000)
  end
end
return {1, s(now)}
`;

/**
 * Gives back what a reservation took. KEYS[i] belongs to ARGV[1]'s checks[i] (JSON {id, day, checks}):
 *   lease: always (the work is over); log and cap only when ARGV[2] == 'refund' — the message certainly never
 *   reached the provider, so its slot must not hold the recipient back. A cap is refunded only on the day it counted.
 * Returns how many of the leases were still held (0 means they had expired: the work outlived its lease).
 */
export const RELEASE_LUA = `${PRELUDE}
local spec = cjson.decode(ARGV[1])
local refund = ARGV[2] == 'refund'
local held = 0
for i, c in ipairs(spec.checks) do
  local key = KEYS[i]
  local member = spec.id .. '#' .. i
  if c.k == 'lease' then
    held = held + redis.call('ZREM', key, member)
  elseif refund and c.k == 'log' then
    redis.call('ZREM', key, member)
  elseif refund and c.k == 'cap' then
    if redis.call('HGET', key, 'd') == tostring(spec.day) and tonumber(redis.call('HGET', key, 'n') or 0) > 0 then
      redis.call('HINCRBY', key, 'n', -1)
    end
  end
end
return held
`;

/** Extends the leases of a reservation still running. Returns how many were still held. */
export const EXTEND_LUA = `${PRELUDE}
local now = clock()
local spec = cjson.decode(ARGV[1])
local held = 0
for i, c in ipairs(spec.checks) do
  if c.k == 'lease' then
    -- XX: a lease that already expired (and whose place may be taken) is not brought back
    local kept = redis.call('ZADD', KEYS[i], 'XX', 'CH', s(now + c.ttl), spec.id .. '#' .. i)
    if kept == 1 then keep_for(KEYS[i], math.ceil(c.ttl / 1000) + 1000) end
    held = held + kept
  end
end
return held
`;

/** Dedupe claim. KEYS: sent, claim; ARGV: token, ttlMs. {'sent', pttl} | {'claimed'} | {'busy', pttl} */
export const CLAIM_LUA = `
if redis.call('EXISTS', KEYS[1]) == 1 then return {'sent', redis.call('PTTL', KEYS[1])} end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'claimed'} end
return {'busy', redis.call('PTTL', KEYS[2])}
`;

/** After a successful send. KEYS: sent, claim; ARGV: token, windowMs. Returns 1 when the claim was still ours. */
export const RECORD_SENT_LUA = `
redis.call('SET', KEYS[1], '1', 'PX', ARGV[2])
if redis.call('GET', KEYS[2]) == ARGV[1] then return redis.call('DEL', KEYS[2]) end
return 0
`;

/**
 * CLAIM_LUA for a group in one call. KEYS: sent, claim of each item in turn; ARGV: token, ttlMs of each. Returns one
 * answer per item, as CLAIM_LUA's; items run in order, so a key twice in a group is claimed once and then busy.
 */
export const CLAIM_MANY_LUA = `
local out = {}
for i = 1, #KEYS / 2 do
  local sent, claim = KEYS[2 * i - 1], KEYS[2 * i]
  if redis.call('EXISTS', sent) == 1 then out[i] = {'sent', redis.call('PTTL', sent)}
  elseif redis.call('SET', claim, ARGV[2 * i - 1], 'NX', 'PX', ARGV[2 * i]) then out[i] = {'claimed'}
  else out[i] = {'busy', redis.call('PTTL', claim)} end
end
return out
`;

/** RECORD_SENT_LUA for a group in one call. KEYS: sent, claim of each item; ARGV: token, windowMs of each. */
export const RECORD_SENT_MANY_LUA = `
local out = {}
for i = 1, #KEYS / 2 do
  local sent, claim = KEYS[2 * i - 1], KEYS[2 * i]
  redis.call('SET', sent, '1', 'PX', ARGV[2 * i])
  if redis.call('GET', claim) == ARGV[2 * i - 1] then out[i] = redis.call('DEL', claim) else out[i] = 0 end
end
return out
`;

/** Compare-and-delete (redis.io distlock): a claim that expired and was taken by another worker is not ours to free. */
export const RELEASE_CLAIM_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** EXISTS through the same EVALSHA path, so one timeout and one fail-safe answer cover every call */
export const EXISTS_LUA = `return redis.call('EXISTS', KEYS[1])`;
