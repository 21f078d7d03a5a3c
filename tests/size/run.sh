#!/bin/sh
# Size features end to end: --gc-sections, SHF_MERGE string merging,
# --icf=safe|all and --no-rosegment / -z noseparate-code. Programs whose
# output would change under a wrong fold or a wrong gc are linked and run.
# usage: run.sh BUILD [ARCH]
set -u
BUILD=$(cd "$1" && pwd)
ARCH=${2:-x86_64}
SRC=$(cd "$(dirname "$0")" && pwd)
. "$SRC/../lib.sh"
use_target $ARCH
link() { $CC -static -B"$BUILD/" "$@"; }
expect() { # name file expected-text
  if [ "$(cat "$2")" = "$3" ]; then pass "$1"; else fail "$1"; echo "got:"; cat "$2"; fi
}

CFLAGS="-O1 -fno-inline -ffunction-sections -fdata-sections"
$CC $CFLAGS -c "$SRC/icf_main.c" "$SRC/icf_other.c" "$SRC/gc_main.c"

# --gc-sections
link gc_main.o -o gc_off
link -Wl,--gc-sections -Wl,--print-gc-sections gc_main.o -o gc_on 2>gc.log
$RUN ./gc_on >out
expect "gc: program runs, constructors kept" out "used 42"
grep -q 'UNUSED-MARKER' gc_off && pass "gc off keeps the unused function" || fail "gc off"
grep -q 'UNUSED-MARKER' gc_on && fail "gc on kept the unused function's string" ||
  pass "gc on drops the unused function and its string"
grep -q 'removing unused section .*gc_main.o:(.text.unused_function)' gc.log &&
  pass "--print-gc-sections names the section" || { fail "--print-gc-sections"; head gc.log; }
[ "$(stat -c %s gc_on)" -lt "$(stat -c %s gc_off)" ] && pass "gc output is smaller" ||
  fail "gc output is not smaller"
fdes() { readelf --debug-dump=frames "$1" 2>/dev/null | grep -c ' FDE '; }
[ "$(fdes gc_on)" -lt "$(fdes gc_off)" ] && pass "FDEs of dead functions dropped" ||
  fail "FDE count did not drop ($(fdes gc_off) -> $(fdes gc_on))"

# string merging across objects (always on)
link icf_main.o icf_other.o -o icf_none
$RUN ./icf_none >out
expect "merge + no icf" out "calls 4 4 6
pointers to add1 and add1_copy equal: 0
fp results 11 21
same string, same address: 1
a string both objects contain"
[ "$(grep -c 'a string both objects contain' icf_none)" = 1 ] &&
  [ "$(grep -ao 'a string both objects contain' icf_none | wc -l)" = 1 ] &&
  pass "the shared string is stored once" || fail "the shared string is stored more than once"

# --icf=safe: functions whose address is taken keep distinct addresses
link -Wl,--icf=safe -Wl,--print-icf-sections icf_main.o icf_other.o -o icf_safe 2>safe.log
$RUN ./icf_safe >out
expect "icf=safe keeps function pointer identity" out "calls 4 4 6
pointers to add1 and add1_copy equal: 0
fp results 11 21
same string, same address: 1
a string both objects contain"
grep -q 'removing identical section .*icf_other.o:(.text.greeting_there)' safe.log &&
  pass "icf=safe folds identical gcc-built functions" || { fail "icf=safe folded nothing"; cat safe.log; }
grep -q 'text.add1_copy' safe.log && fail "icf=safe folded an address-taken function" ||
  pass "icf=safe leaves address-taken functions alone"
grep -q 'text.twice_' safe.log && fail "icf=safe folded functions calling different targets" ||
  pass "different relocation targets do not fold"

# --icf=all folds everything identical, to a fixpoint
link -Wl,--icf=all -Wl,--print-icf-sections icf_main.o icf_other.o -o icf_all 2>all.log
$RUN ./icf_all >out
expect "icf=all output" out "calls 4 4 6
pointers to add1 and add1_copy equal: 1
fp results 11 21
same string, same address: 1
a string both objects contain"
grep -q 'removing identical section .*icf_main.o:(.text.twice_b)' all.log &&
  pass "icf=all folds callers once their callees fold" || { fail "icf=all fixpoint"; cat all.log; }
grep -q 'text.twice_c' all.log && fail "icf=all folded twice_c (calls add2)" ||
  pass "icf=all keeps a caller of a different function"
link -Wl,--icf=all -Wl,--threads=1 icf_main.o icf_other.o -o icf_all1
cmp -s icf_all icf_all1 && pass "icf output identical across --threads" || fail "icf output differs across --threads"

# --no-rosegment: read-only data joins the text segment
link gc_main.o -o sep
link -Wl,--no-rosegment gc_main.o -o nosep
link -Wl,-z,noseparate-code gc_main.o -o nosep2
loads() { readelf -lW "$1" | grep -c ' LOAD '; }
$RUN ./nosep >out
expect "--no-rosegment output runs" out "used 42"
[ "$(loads nosep)" -lt "$(loads sep)" ] && pass "fewer PT_LOADs ($(loads sep) -> $(loads nosep))" ||
  fail "--no-rosegment did not reduce PT_LOADs"
[ "$(stat -c %s nosep)" -lt "$(stat -c %s sep)" ] &&
  pass "--no-rosegment saves $(($(stat -c %s sep) - $(stat -c %s nosep))) bytes" || fail "no size saving"
cmp -s nosep nosep2 && pass "-z noseparate-code is the same as --no-rosegment" || fail "-z noseparate-code differs"
for f in sep nosep; do
  readelf -lW $f | awk '$1 == "LOAD" && $7 ~ /W/ && $7 ~ /E/ { bad = 1 } END { exit bad }' &&
    pass "$f: no W+X segment" || fail "$f has a W+X segment"
done

echo "$fails failure(s)"
[ "$fails" = 0 ]
