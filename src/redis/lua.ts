/**
 * The Lua script behind `RedisBreakerStore` (the budget's is in budget-lua.ts). Each store
 * operation is **one** script run (EVALSHA), so it is atomic: Redis runs a script to completion
 * before any other command.
 *
 * Numbers leave the scripts as strings formatted with `%.17g` (a Lua number returned as an
 * integer reply would be truncated, and Redis formats numeric arguments with only 14 digits),
 * so times with fractions of a millisecond survive the round trip exactly.
 */

/**
 * The circuit breaker, a line-by-line port of `MemoryBreakerStore` (see src/breaker/store.ts
 * for the rules it implements).
 *
 * KEYS: 1 = state hash, 2 = window (a list `"bits:time"` newest first for count windows, a hash
 * of per-bucket counters `c<slot> f<slot> s<slot>` plus the head index `h` for time windows).
 *
 * ARGV: 1 op (`acquire` | `record` | `read` | `reset`), 2 now (`''`: the server's `TIME`),
 * 3 recoveryTimeout, 4 halfOpenMaxCalls, 5 successThreshold, 6 failureThreshold,
 * 7 window type (`''` | `count` | `time`), 8 window size, 9 buckets, 10 maxAge (`inf`),
 * 11 minimumThroughput, 12 failureRateThreshold (`''`: unset), 13 slowCallRateThreshold,
 * 14 key TTL ms, 15 rules fingerprint, 16 permit, 17 outcome (`''`: none),
 * 18 generation of the deferred successes, 19 their count, 20 ms since the last of them.
 *
 * Returns: state, generation, since, consecutiveFailures, calls, failures, slowCalls, probes,
 * probeSuccesses, admitted (0/1), retryAfter, now, rules mismatch (0/1), then one
 * `from, to, at` triple per transition made, oldest first.
 */
export const BREAKER_LUA = `
-- Redis 3.2-4 need this to write after TIME; from Redis 5 on it is the default (a no-op)
if redis.replicate_commands then redis.replicate_commands() end
local S, W = KEYS[1], KEYS[2]
local function fmt(x) return string.format('%.17g', x) end
local op = ARGV[1]
local now = tonumber(ARGV[2])
if now == nil then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local RT, HMAX, SUCC, FT = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local WT, WSIZE, WB = ARGV[7], tonumber(ARGV[8]), tonumber(ARGV[9])
local MAXAGE = tonumber(ARGV[10]) or math.huge
local MT, FRT, SRT = tonumber(ARGV[11]), tonumber(ARGV[12]), tonumber(ARGV[13])
local TTL, RULES = ARGV[14], ARGV[15]

local h = redis.call('HMGET', S, 'st', 'gen', 'since', 'cf', 'calls', 'fails', 'slow', 'probes', 'ps', 'lpa', 'rules', 'lfa')
-- lfa: when the latest counted failure was recorded (deferred successes older than it keep the streak)
local lfa = tonumber(h[12])
local dirty = false
local st, gen, since, cf, calls, fails, slow, probes, ps, lpa
if h[1] then
  st, gen, since, cf = h[1], tonumber(h[2]), tonumber(h[3]), tonumber(h[4])
  calls, fails, slow = tonumber(h[5]), tonumber(h[6]), tonumber(h[7])
  probes, ps, lpa = tonumber(h[8]), tonumber(h[9]), tonumber(h[10])
else
  st, gen, since, cf, calls, fails, slow, probes, ps, lpa = 'closed', 0, now, 0, 0, 0, 0, 0, 0, now
  if WT ~= '' then redis.call('DEL', W) end
  dirty = true
end
local mismatch = 0
if h[11] and h[11] ~= RULES then mismatch = 1 end

local trans = {}
local function go(to, at)
  trans[#trans + 1] = st; trans[#trans + 1] = to; trans[#trans + 1] = at
  st, gen, since = to, gen + 1, at
  cf, calls, fails, slow, probes, ps, lpa = 0, 0, 0, 0, 0, 0, at
  if WT ~= '' then redis.call('DEL', W) end
  dirty = true
end

local function settle()
  if st == 'half-open' and probes >= HMAX and now >= lpa + RT then go('open', lpa + RT) end
  if st == 'open' and now >= since + RT then go('half-open', since + RT) end
end

-- count window: evict the oldest entry
local function evict()
  local e = redis.call('RPOP', W)
  local bits = tonumber(string.sub(e, 1, 1))
  calls = calls - 1
  if bits % 2 == 1 then fails = fails - 1 end
  if bits >= 2 then slow = slow - 1 end
  dirty = true
end

-- drop what is too old at now; returns the time window's head bucket
local function expire()
  if WT == 'count' then
    if MAXAGE == math.huge then return 0 end
    local limit = now - MAXAGE
    while calls > 0 do
      local e = redis.call('LINDEX', W, -1)
      if not e or tonumber(string.sub(e, 3)) > limit then break end
      evict()
    end
    return 0
  end
  local index = math.floor(now / (WSIZE / WB))
  local head = tonumber(redis.call('HGET', W, 'h'))
  if head ~= nil and index <= head then return head end
  if head == nil or index - head >= WB then
    redis.call('DEL', W)
    calls, fails, slow = 0, 0, 0
  else
    for i = head + 1, index do
      local s = i % WB
      local v = redis.call('HMGET', W, 'c' .. s, 'f' .. s, 's' .. s)
      calls = calls - (tonumber(v[1]) or 0)
      fails = fails - (tonumber(v[2]) or 0)
      slow = slow - (tonumber(v[3]) or 0)
      redis.call('HDEL', W, 'c' .. s, 'f' .. s, 's' .. s)
    end
  end
  redis.call('HSET', W, 'h', fmt(index))
  dirty = true
  return index
end

local function add(failed, isSlow)
  local head = expire()
  if WT == 'count' then
    if calls >= WSIZE then evict() end
    redis.call('LPUSH', W, ((failed and 1 or 0) + (isSlow and 2 or 0)) .. ':' .. fmt(now))
  else
    local s = head % WB
    redis.call('HINCRBY', W, 'c' .. s, 1)
    if failed then redis.call('HINCRBY', W, 'f' .. s, 1) end
    if isSlow then redis.call('HINCRBY', W, 's' .. s, 1) end
  end
  calls = calls + 1
  if failed then fails = fails + 1 end
  if isSlow then slow = slow + 1 end
end

local function tripped()
  return calls >= MT and ((FRT ~= nil and fails / calls >= FRT) or (SRT ~= nil and slow / calls >= SRT))
end

local function recordClosed(outcome)
  local failed = outcome == 'failure' or outcome == 'slow-failure'
  local isSlow = outcome == 'slow-success' or outcome == 'slow-failure'
  if failed then cf, lfa = cf + 1, now else cf = 0 end
  dirty = true
  if WT == '' then
    calls = calls + 1
    if failed then fails = fails + 1 end
    if isSlow then slow = slow + 1 end
    if failed and cf >= FT then go('open', now) end
    return
  end
  add(failed, isSlow)
  -- a plain success cannot raise a rate (unless entries aged out of a time or maxAge window):
  -- otherwise it matters only when it completes minimumThroughput
  local aging = WT == 'time' or MAXAGE ~= math.huge
  if not failed and not isSlow and not aging and calls ~= MT then return end
  if tripped() then go('open', now) end
end

-- successes this process deferred while the breaker was closed (same generation only)
local pgen, pcount = tonumber(ARGV[18]), tonumber(ARGV[19]) or 0
local plast = now - (tonumber(ARGV[20]) or 0)
if pcount > 0 and st == 'closed' and pgen == gen then
  if WT == '' then
    -- the streak ends only if the last deferred success came after the latest failure (another
    -- process's failure recorded meanwhile is newer: the streak it is part of stands)
    if lfa == nil or lfa < plast then cf = 0 end
    calls, dirty = calls + pcount, true
  else
    local n = pcount
    if WT == 'count' and n > WSIZE then n = WSIZE end
    for _ = 1, n do
      recordClosed('success')
      if st ~= 'closed' then break end
    end
  end
end

local admitted, retryAfter = 0, 0
if op == 'acquire' then
  settle()
  if st == 'closed' then
    admitted = 1
  elseif st == 'half-open' and probes < HMAX then
    probes, lpa, admitted, dirty = probes + 1, now, 1, true
  elseif st == 'open' then
    retryAfter = since + RT - now
  end
elseif op == 'record' then
  local permit, outcome = tonumber(ARGV[16]), ARGV[17]
  if outcome ~= '' then
    if st == 'closed' then
      if permit == gen and outcome ~= 'ignored' then recordClosed(outcome) end
    else
      settle()
      if permit == gen and st == 'half-open' and probes > 0 then -- probes 0: a permit reported twice
        probes, dirty = probes - 1, true
        if outcome == 'failure' or outcome == 'slow-failure' or (outcome == 'slow-success' and SRT ~= nil) then
          go('open', now)
        elseif outcome ~= 'ignored' then
          ps = ps + 1
          if ps >= SUCC then go('closed', now) end
        end
      end
    end
  end
elseif op == 'read' then
  settle()
  if st == 'closed' and WT ~= '' then expire() end
elseif op == 'reset' then
  settle()
  local was = st
  go('closed', now)
  if was == 'closed' then
    trans[#trans] = nil; trans[#trans] = nil; trans[#trans] = nil
  end
end

if dirty then
  redis.call('HSET', S, 'st', st, 'gen', fmt(gen), 'since', fmt(since), 'cf', fmt(cf), 'calls', fmt(calls),
    'fails', fmt(fails), 'slow', fmt(slow), 'probes', fmt(probes), 'ps', fmt(ps), 'lpa', fmt(lpa), 'rules', h[11] or RULES,
    'lfa', fmt(lfa or 0))
  redis.call('PEXPIRE', S, TTL)
  if WT ~= '' then redis.call('PEXPIRE', W, TTL) end
end

local out = { st, fmt(gen), fmt(since), fmt(cf), fmt(calls), fmt(fails), fmt(slow), fmt(probes), fmt(ps),
  tostring(admitted), fmt(retryAfter), fmt(now), tostring(mismatch) }
for i = 1, #trans do
  if i % 3 == 0 then out[#out + 1] = fmt(trans[i]) else out[#out + 1] = trans[i] end
end
return out
`;
