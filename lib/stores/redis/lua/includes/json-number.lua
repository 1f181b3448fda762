--[[
Numbers as JavaScript writes them in JSON.

finite(n): true for a number that is neither nil, NaN nor infinite.
json_number(n): the shortest text that reads back as the same double (integers below 2^53 as
plain digits), or 'null' when n is not finite (JSON.stringify's answer).
]]

local function finite(n)
  return n ~= nil and n == n and n ~= math.huge and n ~= -math.huge
end

local function json_number(n)
  if not finite(n) then return 'null' end
  if n == math.floor(n) and math.abs(n) < 9007199254740992 then
    return string.format('%d', n)
  end
  for digits = 15, 16 do
    local text = string.format('%.' .. digits .. 'g', n)
    if tonumber(text) == n then return text end
  end
  return string.format('%.17g', n)
end
