#!/bin/sh
# aarch64 range-extension thunks, under qemu-aarch64.
#  prog.c: functions in .farcode, 256 MiB above .text; calls both ways and a
#    tail call go through the islands after .text and after .farcode.
#  mid.c: three regions 128 MiB apart inside one .text; islands sit between
#    input sections in the middle of .text; neighbours partly in reach;
#    a call to an undefined weak symbol.
# Each program must print its expected output, far branches must really go
# through adrp/add/br x16 thunks, and --threads=1 must give the same bytes.
# The outputs are 260-400 MB files, mostly never written; removed at the end.
# usage: run.sh BUILD
set -u
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$(dirname "$0")" && pwd)
. "$SRC/../lib.sh"
use_target aarch64
addr() { aarch64-linux-gnu-nm "$1" | awk -v s="$2" '$3 == s { print "0x" $1 }'; }
# thunks BIN [LO HI]: number of adrp x16 / add x16 / br x16 triples (in [LO, HI))
thunks() {
  n=0
  for at in $(aarch64-linux-gnu-objdump -d "$1" | awk '
      /adrp\tx16,/ { a = 1; next } a && /add\tx16, x16,/ { b = 1; a = 0; next }
      b && /br\tx16/ { sub(":", "", $1); print "0x" $1 } { a = 0; b = 0 }'); do
    [ $# -lt 3 ] || { [ $((at)) -ge $(($2)) ] && [ $((at)) -lt $(($3)) ]; } && n=$((n + 1))
  done
  echo $n
}

# link NAME: compile, link (default threads and --threads=1), run, compare
link() {
  $CC -O2 -c "$SRC/$1.c" -o $1.o || { fail "$1: compile"; return 1; }
  if ! $CC -static -B"$BUILD/" $1.o -o $1 2>log; then
    fail "$1: link"; sed 's/^/    | /' log; return 1
  fi
  out=$(qemu-aarch64 ./$1 2>&1)
  if [ "$out" = "$(cat "$SRC/$1.expected")" ]; then
    pass "$1: output as expected"
  else
    fail "$1: got:"; echo "$out" | sed 's/^/    | /'
  fi
  if $CC -static -B"$BUILD/" -Wl,--threads=1 $1.o -o $1.t1 2>log && cmp -s $1 $1.t1; then
    pass "$1: --threads=1 output is byte-identical"
  else
    fail "$1: --threads=1 output differs"
  fi
  rm -f $1.t1
}

$CC -O2 -c "$SRC/prog.c" -o prog.o
aarch64-linux-gnu-objdump -dr prog.o >prog.o.dis
grep -q 'R_AARCH64_JUMP26.*near_square' prog.o.dis && grep -q 'R_AARCH64_CALL26.*far_poly' prog.o.dis ||
  { echo "FAIL: test setup: prog.o lacks the expected CALL26/JUMP26 relocations"; exit 1; }

if link prog; then
  n=$(thunks prog)
  main_at=$(addr prog main) tail_at=$(addr prog far_tail)
  if [ "$n" -ge 8 ] && [ $((tail_at - main_at)) -gt $((1 << 27)) ]; then
    pass "prog: $n thunks; far_tail at $tail_at, main at $main_at"
  else
    fail "prog: $n thunks (want >= 8), far_tail $tail_at, main $main_at"
  fi
  # far_tail's tail call (b near_square) must go to a thunk, not to near_square
  to=$(aarch64-linux-gnu-objdump -d prog | awk '/<far_tail>:/ { f = 1 } f && /\tb\t/ { print $NF; exit }')
  case "$to" in
    *near_square*|"") fail "prog: far_tail's tail call does not go through a thunk: '$to'" ;;
    *) pass "prog: far_tail's tail call goes through a thunk ($to)" ;;
  esac
  rm -f prog
fi

if link mid; then
  # the island after region A, before region B, serves A's far calls (to C, libc)
  n=$(thunks mid "$(addr mid a_leaf)" "$(addr mid b_leaf)")
  [ "$n" -ge 1 ] && pass "mid: $n thunks between regions A and B" ||
    fail "mid: no thunk island between regions A and B"
  rm -f mid
fi
[ "$fails" = 0 ]
