/**
 * The Lua script behind `RedisBudgetStore` (one script run per sync: atomic). Numbers leave it
 * as `%.17g` strings, like the breaker script's (see lua.ts).
 */

/**
 * The retry budget's exchange, made idempotent: each store instance (a "client") sends its
 * **cumulative** counts per bucket rather than deltas, and the script adds to the shared
 * totals only what exceeds what that client reported before. A request that times out on the
 * client but still runs later, or runs twice, therefore never counts twice; and after Redis
 * lost its data (a restart), the next request of every client restores its counts.
 *
 * Both hashes are rings of `BUDGET_SPAN` (11) slots per bucket grid, like `MemoryBudgetStore`:
 * fields `<width>:b<slot>` (the bucket index the slot holds), `<width>:f<slot>` (first
 * attempts), `<width>:r<slot>` (retries).
 *
 * KEYS: 1 = shared totals, 2 = this client's reported counts.
 * ARGV: 1 bucket width (field prefix), 2 newest bucket, 3 TTL ms, 4..14 cumulative first
 * attempts per bucket (oldest first), 15..25 cumulative retries.
 * Returns 22 strings: the shared first-attempt totals of the 11 buckets, then the retry totals.
 */
export const BUDGET_LUA = `
local SPAN = 11
local function fmt(x) return string.format('%.17g', x) end
local w, newest, ttl = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local out = {}
local wrote = false
for i = 0, SPAN - 1 do
  local b = newest - SPAN + 1 + i
  local s = b % SPAN
  local kb, kf, kr = w .. ':b' .. s, w .. ':f' .. s, w .. ':r' .. s
  local sh = redis.call('HMGET', KEYS[1], kb, kf, kr)
  local held = tonumber(sh[1])
  local tf, tr = 0, 0
  if held == nil or held <= b then
    if held == b then tf, tr = tonumber(sh[2]) or 0, tonumber(sh[3]) or 0 end
    local ch = redis.call('HMGET', KEYS[2], kb, kf, kr)
    local mine = tonumber(ch[1])
    if mine == nil or mine <= b then
      local cf, cr = 0, 0
      if mine == b then cf, cr = tonumber(ch[2]) or 0, tonumber(ch[3]) or 0 end
      local nf, nr = tonumber(ARGV[4 + i]) or 0, tonumber(ARGV[4 + SPAN + i]) or 0
      if nf > cf or nr > cr then
        if nf > cf then tf = tf + nf - cf; cf = nf end
        if nr > cr then tr = tr + nr - cr; cr = nr end
        redis.call('HSET', KEYS[2], kb, fmt(b), kf, fmt(cf), kr, fmt(cr))
        redis.call('HSET', KEYS[1], kb, fmt(b), kf, fmt(tf), kr, fmt(tr))
        wrote = true
      end
    end
  end
  out[i + 1] = fmt(tf)
  out[SPAN + i + 1] = fmt(tr)
end
if wrote then
  for _, key in ipairs(KEYS) do
    if redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, ttl) end
  end
end
return out
`;
