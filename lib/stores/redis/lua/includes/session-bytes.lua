--[[
session_bytes(key, clear, at, nd, ns, ni): the bytes the session's data would take as one JSON
object once the change set at ARGV[at] (laid out as for apply_changes) is applied: what the
module's `maxSessionBytes` counts (2 for the braces, then per key its JSON-quoted name, its JSON
value and 2 for the colon and comma). Reads the stored fields (one HGETALL); writes nothing.
]]
--@include layout
--@include json-number

-- Bytes of JSON.stringify(name): quotes, plus the escapes of '"', '\' and control characters.
local function json_name_bytes(name)
  local extra = 0
  for c in string.gmatch(name, '[%z\1-\31"\\]') do
    if c == '"' or c == '\\' or c == '\b' or c == '\f' or c == '\n' or c == '\r' or c == '\t' then
      extra = extra + 1
    else
      extra = extra + 5
    end
  end
  return #name + 2 + extra
end

local function session_bytes(key, clear, at, nd, ns, ni)
  local values = {}
  if not clear then
    local stored = redis.call('HGETALL', key)
    for i = 1, #stored, 2 do
      if string.sub(stored[i], 1, #DATA_FIELD) == DATA_FIELD then values[stored[i]] = stored[i + 1] end
    end
  end
  for i = 0, nd - 1 do values[ARGV[at + i]] = nil end
  at = at + nd
  for i = 0, ns - 1 do values[ARGV[at + 2 * i]] = ARGV[at + 2 * i + 1] end
  at = at + 2 * ns
  for i = 0, ni - 1 do
    local field = ARGV[at + 2 * i]
    local stored = tonumber(values[field] or '')
    if not finite(stored) then stored = 0 end
    values[field] = json_number(stored + (tonumber(ARGV[at + 2 * i + 1]) or 0))
  end
  local total = 2
  for field, json in pairs(values) do
    total = total + json_name_bytes(string.sub(field, #DATA_FIELD + 1)) + #json + 2
  end
  return total
end
