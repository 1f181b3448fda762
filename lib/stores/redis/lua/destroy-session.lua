--[[
Deletes a session and tells whose it was, so the caller can drop it from that user's index.

KEYS[1]  the session hash

Reply: [1, userId or nil] destroyed, [0] absent, [-1] the key held something that was not a
session (deleted all the same: it sits in our key space).
]]
--@include layout
--@include session-state

local DESTROYED, ABSENT, FOREIGN = 1, 0, -1

local key = KEYS[1]
local state = session_state(key)
if state == 'absent' then return { ABSENT } end
if state == 'foreign' then
  redis.call('DEL', key)
  return { FOREIGN }
end
local userId = redis.call('HGET', key, META_FIELD .. 'userId')
redis.call('DEL', key)
return { DESTROYED, userId }
