/**
 * Deletes a session and tells whose it was, so the caller can drop it from that user's index.
 *
 * KEYS[1]  the session hash
 *
 * Reply: [1, userId or nil] destroyed, [0] absent, [-1] the key held something that was not a
 * session (deleted all the same: it sits in our key space).
 */
export const DESTROY_SESSION_SCRIPT = `
local key = KEYS[1]
local kind = redis.call('TYPE', key)['ok']
if kind == 'none' then return {0} end
if kind ~= 'hash' or redis.call('HEXISTS', key, 'm:createdAt') == 0 then
  redis.call('DEL', key)
  return {-1}
end
local userId = redis.call('HGET', key, 'm:userId')
redis.call('DEL', key)
return {1, userId}
`;
