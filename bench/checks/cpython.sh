#!/bin/bash
# checks/cpython.sh BINARY FROZEN-DIR: the interpreter with the pure-Python
# standard library of its source tree (FROZEN-DIR/pyhome/lib/python3.11).
out=$(PYTHONHOME="$2/pyhome" "$1" -c '
import collections, functools, json, re, sys
c = collections.Counter(re.findall(r"\w+", "a b a c b a smelt"))
@functools.lru_cache(None)
def fib(n): return n if n < 2 else fib(n - 1) + fib(n - 2)
class P:
    def __init__(self, x): self.x = x
    def __repr__(self): return "P(%r)" % self.x
def gen():
    yield from range(3)
try:
    1 / 0
except ZeroDivisionError as e:
    err = type(e).__name__
print(sys.version_info[:2], c.most_common(2), fib(90), 2 ** 100 % 97, json.dumps({"k": [1, 2.5, None]}),
      P([1]), list(gen()), err, "{:>6.2f}".format(3.14159), sorted({3, 1, 2}))
' 2>&1) || { st=$?; echo "$out"; exit $st; }
echo "$out"
[ "$out" = "(3, 11) [('a', 3), ('b', 2)] 2880067194370816120 16 {\"k\": [1, 2.5, null]} P([1]) [0, 1, 2] ZeroDivisionError   3.14 [1, 2, 3]" ]
