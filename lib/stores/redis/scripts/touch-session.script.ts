/**
 * Extends a session's expiry and updates its expiry metadata, leaving its data untouched.
 *
 * KEYS[1]  the session hash
 * ARGV[1]  ms until the session expires (>= 1), for PEXPIRE
 * ARGV[2]  expiresAt, ARGV[3] lastSeenAt (epoch ms), ARGV[4] the session's ttl, or '' to keep it
 *
 * Reply: 1 touched, 0 absent, -1 the key holds something that is not a session (left as it is).
 */
export const TOUCH_SESSION_SCRIPT = `
local key = KEYS[1]
local marked = redis.pcall('HEXISTS', key, 'm:createdAt')
if type(marked) == 'table' or marked == 0 then
  if redis.call('EXISTS', key) == 0 then return 0 end
  return -1
end
if ARGV[4] ~= '' then
  redis.call('HSET', key, 'm:expiresAt', ARGV[2], 'm:lastSeenAt', ARGV[3], 'm:ttl', ARGV[4])
else
  redis.call('HSET', key, 'm:expiresAt', ARGV[2], 'm:lastSeenAt', ARGV[3])
end
redis.call('PEXPIRE', key, ARGV[1])
return 1
`;
