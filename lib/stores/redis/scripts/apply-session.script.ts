/**
 * Applies one request's change set to a session hash and refreshes its expiry, atomically.
 *
 * KEYS[1]  the session hash
 * ARGV[1]  ms until the session expires (>= 1), for PEXPIRE
 * ARGV[2]  expiresAt, ARGV[3] lastSeenAt (epoch ms), ARGV[4] the session's ttl, or '' to keep it
 * ARGV[5]  '1' to drop every data field first, else '0'
 * ARGV[6]  D, the number of deleted fields; ARGV[7] S, of set pairs; ARGV[8] I, of increment pairs;
 *          ARGV[9] C, of create-metadata pairs (0 without `create`)
 * ARGV[10...]  D field names, S (field, JSON) pairs, I (field, delta) pairs, C (field, value) pairs;
 *          fields carry their 'd:' or 'm:' prefix
 *
 * Reply: 2 created, 1 applied to the stored session, 0 absent (nothing written), -1 the key holds
 * something that is not a session (nothing written; with create metadata it is replaced: 2).
 *
 * Increments add in doubles, like JavaScript: a stored value that is missing or not a finite
 * number counts as 0; the result is written as the shortest text that reads back as the same
 * double (integers below 2^53 as plain digits), and as 'null' when not finite (JSON.stringify's
 * answer), so the script never errors on foreign values.
 */
export const APPLY_SESSION_SCRIPT = `
local key = KEYS[1]
local ncreate = tonumber(ARGV[9])
local kind = redis.call('TYPE', key)['ok']
local result = 1
if kind == 'none' then
  if ncreate == 0 then return 0 end
  result = 2
elseif kind ~= 'hash' or redis.call('HEXISTS', key, 'm:createdAt') == 0 then
  if ncreate == 0 then return -1 end
  redis.call('DEL', key)
  result = 2
end

local function hdel_all(fields)
  for i = 1, #fields, 500 do
    redis.call('HDEL', key, unpack(fields, i, math.min(i + 499, #fields)))
  end
end

local function finite(n)
  return n ~= nil and n == n and n ~= math.huge and n ~= -math.huge
end

local function json_number(n)
  if not finite(n) then return 'null' end
  if n == math.floor(n) and math.abs(n) < 9007199254740992 then
    return string.format('%d', n)
  end
  for digits = 15, 16 do
    local text = string.format('%.' .. digits .. 'g', n)
    if tonumber(text) == n then return text end
  end
  return string.format('%.17g', n)
end

if ARGV[5] == '1' and result == 1 then
  local data = {}
  for _, field in ipairs(redis.call('HKEYS', key)) do
    if string.sub(field, 1, 2) == 'd:' then data[#data + 1] = field end
  end
  hdel_all(data)
end

local nd, ns, ni = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local at = 10
if nd > 0 then
  local deleted = {}
  for i = 0, nd - 1 do deleted[#deleted + 1] = ARGV[at + i] end
  hdel_all(deleted)
  at = at + nd
end
for i = 0, ns - 1 do
  redis.call('HSET', key, ARGV[at + 2 * i], ARGV[at + 2 * i + 1])
end
at = at + 2 * ns
for i = 0, ni - 1 do
  local field = ARGV[at + 2 * i]
  local stored = tonumber(redis.call('HGET', key, field) or '')
  if not finite(stored) then stored = 0 end
  redis.call('HSET', key, field, json_number(stored + (tonumber(ARGV[at + 2 * i + 1]) or 0)))
end
at = at + 2 * ni
if result == 2 then
  for i = 0, ncreate - 1 do
    redis.call('HSET', key, ARGV[at + 2 * i], ARGV[at + 2 * i + 1])
  end
end

redis.call('HSET', key, 'm:expiresAt', ARGV[2], 'm:lastSeenAt', ARGV[3])
if ARGV[4] ~= '' then redis.call('HSET', key, 'm:ttl', ARGV[4]) end
redis.call('PEXPIRE', key, ARGV[1])
return result
`;
