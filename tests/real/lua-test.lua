-- Script for the lua interpreter (tests/real/run.sh); expected output in lua.expected.
-- Must be deterministic: no addresses, times, hash-order iteration.

print(_VERSION, #arg, arg[1], arg[2])

-- strings
local s = "The quick brown fox jumps over the lazy dog"
print(#s, s:upper(), s:lower():sub(5, 9))
print(s:find("fox"), s:match("(%a+) dog"), select(2, s:gsub("o", "0")))
print(s:rep(2, "|"):len(), ("%d-%s"):format(42, "x"), ("abc"):byte(1, -1))
local words = {}
for w in s:gmatch("%a+") do words[#words + 1] = w end
print(#words, table.concat(words, ","))
print(("hello world"):gsub("(%w+)", "<%1>"))
print(string.reverse("smelt"), string.char(76, 117, 97))
print(utf8.char(72, 228, 8364), utf8.len("Hä€"))

-- numbers and string.format with floats
print(string.format("%.3f %g %5.2e %x %q", math.pi, 1e20, 12345.678, 255, "a\nb"))
print(string.format("%10.4f|%-8d|%+.2f", 2 / 3, 17, -0.005))
print(7 // 2, 7.0 // 2, 7 % -3, -7 % 3, 2 ^ 10, 10 / 4, 3 | 5, 6 & 3, 1 << 62)
print(math.maxinteger + 1 == math.mininteger, math.type(1), math.type(1.0), math.type("1"))
print(math.floor(-3.5), math.ceil(-3.5), math.abs(-7), math.max(3, 9, 1), math.fmod(7, 3))
print(tostring(1e15), tostring(1e16), 0.1 + 0.2 == 0.3, string.format("%.17g", 0.1 + 0.2))
print(tonumber("0x1F"), tonumber("  12  "), tonumber("z", 36), tonumber("1e2"), tonumber("abc"))
print(string.format("%.6f %.6f %.6f", math.sin(1), math.log(100, 10), math.sqrt(2)))

-- tables
local t = {}
for i = 1, 20 do t[i] = (i * 7) % 11 end
table.sort(t)
print(table.concat(t, " "))
table.sort(t, function(a, b) return a > b end)
print(table.concat(t, " ", 1, 5))
table.insert(t, 1, 100); table.remove(t)
print(#t, t[1], select("#", table.unpack(t)))
local keys = {}
for k in pairs({x = 1, y = 2, z = 3, w = 4}) do keys[#keys + 1] = k end
table.sort(keys)
print(table.concat(keys))
print(table.unpack(table.move({1, 2, 3, 4, 5}, 2, 4, 1)))

-- metatables
local V = {}
V.__index = V
V.__add = function(a, b) return setmetatable({x = a.x + b.x, y = a.y + b.y}, V) end
V.__tostring = function(v) return "(" .. v.x .. "," .. v.y .. ")" end
V.__eq = function(a, b) return a.x == b.x and a.y == b.y end
function V.new(x, y) return setmetatable({x = x, y = y}, V) end
function V:len2() return self.x * self.x + self.y * self.y end
local v = V.new(1, 2) + V.new(3, 4)
print(tostring(v), v:len2(), v == V.new(4, 6), rawequal(v, V.new(4, 6)))
local defaults = setmetatable({}, {__index = function(_, k) return k .. "?" end})
print(defaults.foo, rawget(defaults, "foo"))

-- closures
local function counter(start)
	local n = start
	return function(step) n = n + (step or 1); return n end
end
local c1, c2 = counter(0), counter(100)
c1(); c1(5); c2()
print(c1(), c2(), c1(0))
local fns = {}
for i = 1, 3 do fns[i] = function() return i * 10 end end
print(fns[1](), fns[2](), fns[3]())
local function sum(...)
	local acc = 0
	for _, x in ipairs({...}) do acc = acc + x end
	return acc, select("#", ...)
end
print(sum(1, 2, 3, 4.5))

-- coroutines
local gen = coroutine.wrap(function()
	for i = 1, 3 do coroutine.yield(i * i) end
	return "done"
end)
print(gen(), gen(), gen(), gen())
local co = coroutine.create(function(a, b)
	local c = coroutine.yield(a + b)
	local d, e = coroutine.yield(c * 2)
	return d + e
end)
print(coroutine.resume(co, 1, 2))
print(coroutine.resume(co, 10))
print(coroutine.resume(co, 3, 4))
print(coroutine.status(co), coroutine.resume(co))
local function producer()
	return coroutine.create(function()
		for _, w in ipairs({"a", "b", "c"}) do coroutine.yield(w) end
	end)
end
local p, out = producer(), {}
while true do
	local ok, w = coroutine.resume(p)
	if not w then break end
	out[#out + 1] = w
end
print(table.concat(out, "+"), coroutine.isyieldable())

-- pcall / error
print(pcall(error, "plain", 0))
print(select(2, pcall(error, {code = 7})).code)
local ok, msg = pcall(function() local x = nil; return x.field end)
print(ok, (msg:gsub("^.-:%d+: ", "")))
print(pcall(function() error("lvl", 2) end))
print(xpcall(function() error("handled", 0) end, function(m) return "H:" .. m end))
print(select("#", pcall(function() return 1, 2, 3 end)))
local ok2, err2 = pcall(string.rep)
print(ok2, err2)
print(pcall(setmetatable, 1, {}))

-- goto, integer for loops, string <-> number coercions
local n = 0
for i = 10, 1, -3 do n = n + i end
::again:: n = n + 1
if n < 25 then goto again end
print(n, "10" + 5, 10 .. 20, 2^53 == 2^53 + 1)

-- string.pack / unpack
local packed = string.pack("<i4 d s1", -2, 1.5, "hi")
print(#packed, string.unpack("<i4 d s1", packed))

-- io: write and read back a file
local fname = os.tmpname()
local f = assert(io.open(fname, "w"))
for i = 1, 5 do f:write(i, " line ", i * i, "\n") end
f:close()
local total = 0
for line in io.lines(fname) do total = total + tonumber(line:match("(%d+)$")) end
print(total, os.remove(fname))

-- load / string.dump round trip
local chunk = load("local a, b = ...; return a * b")
print(chunk(6, 7), load(string.dump(chunk))(3, 5))
print(load("syntax error here"))

-- garbage collector
local weak = setmetatable({}, {__mode = "k"})
weak[{}] = 1
collectgarbage(); collectgarbage()
print(next(weak))
print("end")
