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
local kind = redis.call('TYPE', key)['ok']
if kind == 'none' then return 0 end
if kind ~= 'hash' or redis.call('HEXISTS', key, 'm:createdAt') == 0 then return -1 end
redis.call('HSET', key, 'm:expiresAt', ARGV[2], 'm:lastSeenAt', ARGV[3])
if ARGV[4] ~= '' then redis.call('HSET', key, 'm:ttl', ARGV[4]) end
redis.call('PEXPIRE', key, ARGV[1])
return 1
`;
