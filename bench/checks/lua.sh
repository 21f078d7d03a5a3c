#!/bin/bash
# checks/lua.sh BINARY FROZEN-DIR
out=$("$1" -e '
local t = {}
for i = 1, 100000 do t[i] = i * i end
local s = 0
for _, v in ipairs(t) do s = s + v end
local co = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i * 10) end end)
local ok, err = pcall(error, "boom")
local words = {}
for w in ("the quick brown fox"):gmatch("%a+") do words[#words + 1] = w:upper() end
print(s, co() + co() + co(), ok, err, table.concat(words, "-"),
      string.format("%x %.3f", 255, math.pi), math.floor(2^40), ("ab"):rep(3), utf8.char(955))
' 2>&1) || { st=$?; echo "$out"; exit $st; }
echo "$out"
[ "$out" = "$(printf '333338333350000\t60\tfalse\tboom\tTHE-QUICK-BROWN-FOX\tff 3.142\t1099511627776\tababab\tλ')" ]
