--[[
Applies one request's change set to a session hash and refreshes its expiry, atomically.

KEYS[1]  the session hash
ARGV[1]  ms until the session expires (>= 1), for PEXPIRE
ARGV[2]  expiresAt, ARGV[3] lastSeenAt (epoch ms), ARGV[4] the session's ttl, or '' to keep it
ARGV[5]  '1' to drop every data field first, else '0'
ARGV[6]  D, the number of deleted fields; ARGV[7] S, of set pairs; ARGV[8] I, of increment pairs;
         ARGV[9] C, of create-metadata pairs (0 without `create`)
ARGV[10...]  D field names, S (field, JSON) pairs, I (field, delta) pairs, C (field, value) pairs;
         fields carry their DATA_FIELD or META_FIELD prefix

Reply: { result, version }. result: 2 created, 1 applied to the stored session, 0 absent (nothing
written), -1 the key holds something that is not a session (nothing written; with create metadata
it is replaced: 2). version: the session's write counter (VERSION_FIELD) after this write, which
every applied write raises by one (0 when nothing was written).

The last command reads the hash back (HGET of the version): a connection with CLIENT TRACKING
NOLOOP stops tracking a key it writes, and that read tracks it again, so the near-cache of the
writer keeps hearing of the next writer's changes.

Increments: an integer delta on an integer value is one HINCRBY (exact). Otherwise they add in
doubles, like JavaScript: a stored value that is missing or not a finite number counts as 0; the
result is written by json_number, so the script never errors on foreign values.
]]
--@include layout
--@include session-state
--@include json-number

local CREATED, APPLIED, ABSENT, FOREIGN = 2, 1, 0, -1

local key = KEYS[1]
local ncreate = tonumber(ARGV[9])
local result = APPLIED
local state = session_state(key)
if state ~= 'session' then
  if ncreate == 0 then
    if state == 'absent' then return { ABSENT, 0 } end
    return { FOREIGN, 0 }
  end
  if state == 'foreign' then redis.call('DEL', key) end
  result = CREATED
end

local function hdel_all(fields)
  for i = 1, #fields, 500 do
    redis.call('HDEL', key, unpack(fields, i, math.min(i + 499, #fields)))
  end
end

if ARGV[5] == '1' and result == APPLIED then
  local data = {}
  for _, field in ipairs(redis.call('HKEYS', key)) do
    if string.sub(field, 1, #DATA_FIELD) == DATA_FIELD then data[#data + 1] = field end
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

-- Every field written goes into one HSET at the end: sets, computed increments, metadata.
local writes = { META_FIELD .. 'expiresAt', ARGV[2], META_FIELD .. 'lastSeenAt', ARGV[3] }
if ARGV[4] ~= '' then
  writes[#writes + 1] = META_FIELD .. 'ttl'
  writes[#writes + 1] = ARGV[4]
end
for i = 0, 2 * ns - 1 do writes[#writes + 1] = ARGV[at + i] end
at = at + 2 * ns
for i = 0, ni - 1 do
  local field = ARGV[at + 2 * i]
  local delta = tonumber(ARGV[at + 2 * i + 1]) or 0
  local added = false
  -- Integer deltas on integer values: HINCRBY, one call, exact in 64 bits. It refuses (and
  -- leaves untouched) floats, foreign text and overflow; those take the double path below.
  if delta == math.floor(delta) and math.abs(delta) < 9007199254740992 then
    added = type(redis.pcall('HINCRBY', key, field, string.format('%d', delta))) == 'number'
  end
  if not added then
    local stored = tonumber(redis.call('HGET', key, field) or '')
    if not finite(stored) then stored = 0 end
    writes[#writes + 1] = field
    writes[#writes + 1] = json_number(stored + delta)
  end
end
at = at + 2 * ni
if result == CREATED then
  for i = 0, 2 * ncreate - 1 do writes[#writes + 1] = ARGV[at + i] end
end
for i = 1, #writes, 1000 do
  redis.call('HSET', key, unpack(writes, i, math.min(i + 999, #writes)))
end
redis.call('HINCRBY', key, VERSION_FIELD, 1)
redis.call('PEXPIRE', key, ARGV[1])
return { result, tonumber(redis.call('HGET', key, VERSION_FIELD)) }
