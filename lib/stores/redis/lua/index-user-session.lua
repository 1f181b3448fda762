--[[
Files a new session in its user's index, under the user rules, in one step; says whether the index
is due for pruning.

KEYS[1]  the user's index, a sorted set of session keys scored by createdAt
KEYS[2]  the index size at which the next prune is due (a string; absent: ARGV[3])
ARGV[1]  createdAt (epoch ms), ARGV[2] the session key, ARGV[3] the default prune size
ARGV[4]  the key this session replaces (a regenerate), or '': filed only while that key is indexed
ARGV[5]  the most sessions the user may keep, or '': the oldest others leave the index

Reply: { FILED, due, evicted... } with due the index size when it reached the prune size (else 0)
and evicted the session keys that left the index (the caller destroys their hashes), or { STALE }
when the replaced key was no longer indexed (the user was logged out everywhere): nothing changed.
]]

local FILED, STALE = 1, -1

local index = KEYS[1]
if ARGV[4] ~= '' then
  if redis.call('ZREM', index, ARGV[4]) == 0 then return { STALE } end
end
redis.call('ZADD', index, ARGV[1], ARGV[2])

local reply = { FILED, 0 }
local limit = tonumber(ARGV[5])
if limit then
  -- Newest first by createdAt, then by key (ZREVRANGE's order): everything past `limit` leaves.
  local excess = redis.call('ZCARD', index) - limit
  if excess > 0 then
    local evicted = redis.call('ZRANGE', index, 0, excess - 1)
    redis.call('ZREMRANGEBYRANK', index, 0, excess - 1)
    for _, key in ipairs(evicted) do reply[#reply + 1] = key end
  end
end

local size = redis.call('ZCARD', index)
local due = tonumber(redis.call('GET', KEYS[2])) or tonumber(ARGV[3])
if size >= due then reply[2] = size end
return reply
