--[[
Adds a session to its user's index and says whether the index is due for pruning.

KEYS[1]  the user's index, a sorted set of session keys scored by createdAt
KEYS[2]  the index size at which the next prune is due (a string; absent: ARGV[3])
ARGV[1]  createdAt (epoch ms), ARGV[2] the session key, ARGV[3] the default prune size

Reply: the index size when it reached the prune size, else 0.
]]

redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
local size = redis.call('ZCARD', KEYS[1])
local due = tonumber(redis.call('GET', KEYS[2])) or tonumber(ARGV[3])
if size >= due then return size end
return 0
