--[[
Extends a session's expiry and updates its expiry metadata, leaving its data untouched.

KEYS[1]  the session hash
ARGV[1]  ms until the session expires (>= 1), for PEXPIRE
ARGV[2]  expiresAt, ARGV[3] lastSeenAt (epoch ms), ARGV[4] the session's ttl, or '' to keep it

Reply: 1 touched, 0 absent, -1 the key holds something that is not a session (left as it is).
A touched hash is read once more at the end, which re-arms CLIENT TRACKING NOLOOP on the key (see
apply-session.lua).
]]
--@include layout
--@include session-state

local TOUCHED, ABSENT, FOREIGN = 1, 0, -1

local key = KEYS[1]
local state = session_state(key)
if state == 'absent' then return ABSENT end
if state == 'foreign' then return FOREIGN end
if ARGV[4] ~= '' then
  redis.call('HSET', key, META_FIELD .. 'expiresAt', ARGV[2], META_FIELD .. 'lastSeenAt', ARGV[3],
    META_FIELD .. 'ttl', ARGV[4])
else
  redis.call('HSET', key, META_FIELD .. 'expiresAt', ARGV[2], META_FIELD .. 'lastSeenAt', ARGV[3])
end
redis.call('PEXPIRE', key, ARGV[1])
redis.call('HEXISTS', key, MARKER_FIELD)
return TOUCHED
