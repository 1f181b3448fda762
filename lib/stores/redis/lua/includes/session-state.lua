--[[
session_state(key): what a session key holds, for the scripts that may write only into a session
of ours. 'session': a hash with the marker field; 'absent': no key; 'foreign': anything else (a
value of another type, or a hash without the marker).

Common path: one HEXISTS tells a live session. Only when it says no (or errors, on a key that is
not a hash) does EXISTS tell an absent key from a foreign one.
]]
--@include layout

local function session_state(key)
  if redis.pcall('HEXISTS', key, MARKER_FIELD) == 1 then return 'session' end
  if redis.call('EXISTS', key) == 0 then return 'absent' end
  return 'foreign'
end
