--[[
Applies one request's change set to a session the app did not read first (a handler that only
writes), in one round trip: it checks here what a load would have checked (the session is alive
and stays within the size limit), reckons the new expiry from the stored metadata, then writes as
apply-session.lua does. Never creates a session.

KEYS[1]  the session hash
ARGV[1]  now (epoch ms); ARGV[2] the module's idle timeout, ARGV[3] its absolute timeout (ms)
ARGV[4]  most bytes the data may take as one JSON object (see includes/session-bytes.lua)
ARGV[5]  '1' to drop every data field first, else '0'
ARGV[6]  D, the number of deleted fields; ARGV[7] S, of set pairs; ARGV[8] I, of increment pairs
ARGV[9...]  D field names, S (field, JSON) pairs, I (field, delta) pairs, as for apply-session.lua

Reply: { result, ... }. result 1 applied, then: the version after this write, createdAt,
expiresAt (texts), the session's own ttl or false, its userId or false. 0 absent, or past its idle
or absolute expiry (nothing written). -1 the key holds something that is not a session (nothing
written). -2 too large, then the bytes the data would take (nothing written).
]]
--@include layout
--@include session-state
--@include apply-changes
--@include session-bytes

local TOO_LARGE, FOREIGN, ABSENT, APPLIED = -2, -1, 0, 1

local key = KEYS[1]
local state = session_state(key)
if state == 'absent' then return { ABSENT } end
if state == 'foreign' then return { FOREIGN } end

local now, idle, absolute = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local meta = redis.call('HMGET', key, META_FIELD .. 'createdAt', META_FIELD .. 'expiresAt',
  META_FIELD .. 'ttl', META_FIELD .. 'userId')
local created, expires, ttl = tonumber(meta[1]), tonumber(meta[2]), tonumber(meta[3] or '')
if not (finite(created) and finite(expires)) then return { FOREIGN } end
-- The rules of session/expiry.ts: a session's own ttl replaces the idle timeout and may stretch
-- the absolute one.
local deadline = created + math.max(absolute, ttl or 0)
if expires <= now or deadline <= now then return { ABSENT } end

local clear = ARGV[5] == '1'
local nd, ns, ni = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
if ns + ni > 0 then
  local bytes = session_bytes(key, clear, 9, nd, ns, ni)
  if bytes > tonumber(ARGV[4]) then return { TOO_LARGE, bytes } end
end

local expires_at = math.min(now + (ttl or idle), deadline)
local writes = { META_FIELD .. 'expiresAt', json_number(expires_at), META_FIELD .. 'lastSeenAt', ARGV[1] }
apply_changes(key, clear, 9, nd, ns, ni, writes)
hset_all(key, writes)
redis.call('HINCRBY', key, VERSION_FIELD, 1)
redis.call('PEXPIRE', key, math.max(1, math.ceil(expires_at - now)))
-- Read back last, as apply-session.lua does: it re-arms tracking of the key on this connection.
local version = tonumber(redis.call('HGET', key, VERSION_FIELD))
return { APPLIED, version, meta[1], json_number(expires_at), meta[3] or false, meta[4] or false }
