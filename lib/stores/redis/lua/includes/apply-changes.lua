--[[
apply_changes(key, clear, at, nd, ns, ni, writes): writes one request's change set into the
session hash `key`, once the calling script has decided it may. From ARGV[at]: nd deleted field
names, then ns (field, JSON) pairs to set, then ni (field, delta) pairs to add; fields carry their
DATA_FIELD prefix. clear: drop every data field first. Sets and computed increments are appended
to `writes` (field, value pairs the caller writes with one `hset_all`). Returns the ARGV index
after the increments.

Increments: an integer delta on an integer value is one HINCRBY (exact). Otherwise they add in
doubles, like JavaScript: a stored value that is missing or not a finite number counts as 0; the
result is written by json_number, so the script never errors on foreign values.

hset_all(key, writes): one HSET per 1000 pairs.
]]
--@include layout
--@include json-number

local function hdel_all(key, fields)
  for i = 1, #fields, 500 do
    redis.call('HDEL', key, unpack(fields, i, math.min(i + 499, #fields)))
  end
end

local function hset_all(key, writes)
  for i = 1, #writes, 1000 do
    redis.call('HSET', key, unpack(writes, i, math.min(i + 999, #writes)))
  end
end

local function apply_changes(key, clear, at, nd, ns, ni, writes)
  if clear then
    local data = {}
    for _, field in ipairs(redis.call('HKEYS', key)) do
      if string.sub(field, 1, #DATA_FIELD) == DATA_FIELD then data[#data + 1] = field end
    end
    hdel_all(key, data)
  end
  if nd > 0 then
    local deleted = {}
    for i = 0, nd - 1 do deleted[#deleted + 1] = ARGV[at + i] end
    hdel_all(key, deleted)
    at = at + nd
  end
  for i = 0, 2 * ns - 1 do writes[#writes + 1] = ARGV[at + i] end
  at = at + 2 * ns
  for i = 0, ni - 1 do
    local field = ARGV[at + 2 * i]
    local delta = tonumber(ARGV[at + 2 * i + 1]) or 0
    local added = false
    -- Integer deltas on integer values: HINCRBY, one call, exact in 64 bits. It refuses (and
    -- leaves untouched) floats, foreign text and overflow; those take the double path below.
    if delta == math.floor(delta) and math.abs(delta) < 9007199254740992 then
      added = type(redis.pcall('HINCRBY', key, field, string.format('%d', delta))) == 'number'
    end
    if not added then
      local stored = tonumber(redis.call('HGET', key, field) or '')
      if not finite(stored) then stored = 0 end
      writes[#writes + 1] = field
      writes[#writes + 1] = json_number(stored + delta)
    end
  end
  return at + 2 * ni
end
