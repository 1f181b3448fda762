--[[
Takes every session but one out of a user's index, in one step ("log out everywhere"): from then
on no regeneration of those sessions can be filed (see index-user-session.lua's ARGV[4]).

KEYS[1]  the user's index, a sorted set of session keys scored by createdAt
ARGV[1]  the session key to keep, or ''

Reply: the session keys taken out (the caller destroys their hashes).
]]

local index = KEYS[1]
local members = redis.call('ZRANGE', index, 0, -1)
local removed = {}
for _, key in ipairs(members) do
  if key ~= ARGV[1] then removed[#removed + 1] = key end
end
for i = 1, #removed, 500 do
  redis.call('ZREM', index, unpack(removed, i, math.min(i + 499, #removed)))
end
return removed
