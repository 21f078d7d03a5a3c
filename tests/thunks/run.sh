#!/bin/sh
# aarch64 range-extension thunks: prog.c puts functions 256 MiB apart, so
# calls and a tail call between them, in both directions, go through the
# thunk islands after .text and after .farcode. The program must print
# expected.txt; the branches must really target thunks (adrp/add/br x16);
# --threads=1 must give the same bytes. The output is a ~260 MB file of
# mostly zeros, removed at the end.
# usage: run.sh BUILD
set -u
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$(dirname "$0")" && pwd)
CC="aarch64-linux-gnu-gcc -specs /usr/lib/aarch64-linux-musl/musl-gcc.specs"
command -v aarch64-linux-gnu-gcc >/dev/null && command -v qemu-aarch64 >/dev/null ||
  { echo "aarch64 toolchain or qemu-aarch64 missing: skipped"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
fails=0
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1"; fails=$((fails + 1)); }

$CC -O2 -c "$SRC/prog.c" -o prog.o || { echo "FAIL: compile"; exit 1; }
aarch64-linux-gnu-objdump -dr prog.o >prog.o.dis
grep -q 'R_AARCH64_JUMP26.*near_square' prog.o.dis && grep -q 'R_AARCH64_CALL26.*far_poly' prog.o.dis ||
  { echo "FAIL: test setup: prog.o lacks the expected CALL26/JUMP26 relocations"; exit 1; }

if $CC -static -B"$BUILD/" prog.o -o prog 2>log; then
  pass "link"
else
  fail "link"; sed 's/^/    | /' log
  exit 1
fi
out=$(qemu-aarch64 ./prog 2>&1)
if [ "$out" = "$(cat "$SRC/expected.txt")" ]; then
  pass "run: output as expected"
else
  fail "run: got:"; echo "$out" | sed 's/^/    | /'
fi

# every far call lands on a thunk: adrp x16 / add x16 / br x16
aarch64-linux-gnu-objdump -d prog >prog.dis
nthunks=$(awk '/adrp\tx16,/ { a = 1; next } a && /add\tx16, x16,/ { b = 1; a = 0; next }
               b && /br\tx16/ { n++ } { a = 0; b = 0 } END { print n + 0 }' prog.dis)
main_at=$(aarch64-linux-gnu-nm prog | awk '$3 == "main" { print $1 }')
tail_at=$(aarch64-linux-gnu-nm prog | awk '$3 == "far_tail" { print $1 }')
islands=$(aarch64-linux-gnu-objdump -d prog | awk '/<far_tail>:/ { f = 1 } f && /\tb\t/ { print $NF; exit }')
if [ "$nthunks" -ge 8 ] && [ $((0x$tail_at - 0x$main_at)) -gt $((1 << 27)) ]; then
  pass "$nthunks thunks; far_tail at 0x$tail_at, main at 0x$main_at"
else
  fail "thunks: $nthunks (want >= 8), far_tail 0x$tail_at, main 0x$main_at"
fi
# far_tail's tail call (b near_square) must go to a thunk, not to near_square
case "$islands" in
  *near_square*) fail "far_tail branches straight to near_square: $islands" ;;
  *) pass "far_tail's tail call goes through a thunk ($islands)" ;;
esac

if $CC -static -B"$BUILD/" -Wl,--threads=1 prog.o -o prog1 2>log && cmp -s prog prog1; then
  pass "--threads=1 output is byte-identical"
else
  fail "--threads=1 output differs"
fi
rm -f prog prog1
[ "$fails" = 0 ]
