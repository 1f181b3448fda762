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

Increments: see includes/apply-changes.lua.
]]
--@include layout
--@include session-state
--@include apply-changes

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

-- Every field written goes into one HSET at the end: metadata, sets, computed increments.
local writes = { META_FIELD .. 'expiresAt', ARGV[2], META_FIELD .. 'lastSeenAt', ARGV[3] }
if ARGV[4] ~= '' then
  writes[#writes + 1] = META_FIELD .. 'ttl'
  writes[#writes + 1] = ARGV[4]
end
local clear = ARGV[5] == '1' and result == APPLIED
local at = apply_changes(key, clear, 10, tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8]), writes)
if result == CREATED then
  for i = 0, 2 * ncreate - 1 do writes[#writes + 1] = ARGV[at + i] end
end
hset_all(key, writes)
redis.call('HINCRBY', key, VERSION_FIELD, 1)
redis.call('PEXPIRE', key, ARGV[1])
return { result, tonumber(redis.call('HGET', key, VERSION_FIELD)) }
