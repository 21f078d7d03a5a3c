#!/bin/sh
# --fix-cortex-a53-843419 on aarch64, under qemu-aarch64. seq.s holds the
# erratum's sequences (ADRP on 0xff8 or 0xffc of a page, three and four
# instruction forms, a store, one that relaxation changes), one lookalike
# that is not the erratum and one in data ($d); main.c runs them and prints
# what they compute and whether each site became a branch.
#  - without the option nothing changes; with it the sites branch to
#    patches and the program computes the same values;
#  - --threads=1 gives the same bytes; GNU ld's =full spelling is accepted;
#  - the sequences in an archive member are found and patched too;
#  - with 136 MiB of code between seq.o and main (far.s), thunk islands
#    are placed and the patches go next to seq.o's island, mid-.text;
#  - a real C program (the link suite's libc case) runs the same with it.
# usage: run.sh BUILD
set -u
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$(dirname "$0")" && pwd)
. "$SRC/../lib.sh"
use_target aarch64
link() { $CC -static -B"$BUILD/" "$@" 2>link.log || { sed 's/^/    | /' link.log; return 1; }; }
# check LABEL BIN EXPECTED-FILE
check() {
  if qemu-aarch64 "./$2" >"$2.out" 2>&1 && cmp -s "$2.out" "$3"; then
    pass "$1"
  else
    fail "$1:"; diff "$3" "$2.out" | sed 's/^/    | /'
  fi
}
sym() { aarch64-linux-gnu-nm "$1" | awk -v s="$2" '$3 == s { print "0x" $1 }'; }
# the target of the B at symbol SYM
branch_to() { aarch64-linux-gnu-objdump -d "$1" | awk -v s="<$2>:" '$2 == s { f = 1; next } f && /\tb\t/ { print "0x" $(NF - 1); exit }'; }

$CC -c "$SRC/seq.s" -o seq.o && $CC -c "$SRC/far.s" -o far.o && $CC -O2 -c "$SRC/main.c" -o main.o ||
  { echo "FAIL: compile"; exit 1; }
sed 's/(branch)/(original)/; s/, branch)/, original)/' "$SRC/expected" >unpatched

link main.o seq.o -o plain && check "without the option: no site changes" plain unpatched
if link main.o seq.o -o fixed -Wl,--fix-cortex-a53-843419; then
  check "--fix-cortex-a53-843419: sites branch to patches, same values" fixed "$SRC/expected"
  link main.o seq.o -o fixed1 -Wl,--fix-cortex-a53-843419,--threads=1 && cmp -s fixed fixed1 &&
    pass "--threads=1: the same bytes" || fail "--threads=1 output differs"
  link main.o seq.o -o fixedf -Wl,--fix-cortex-a53-843419=full && cmp -s fixed fixedf &&
    pass "--fix-cortex-a53-843419=full: the same bytes" || fail "=full output differs"
  link main.o seq.o -o fixedn -Wl,--fix-cortex-a53-843419,--no-fix-cortex-a53-843419 &&
    check "--no-fix-cortex-a53-843419 undoes it" fixedn unpatched
  # each patch: the moved instruction, then a branch back to the one after the site
  for s in site_three site_four site_store; do
    at=$(sym fixed $s) to=$(branch_to fixed $s)
    back=$(aarch64-linux-gnu-objdump -d --start-address=$((to)) --stop-address=$((to + 8)) fixed |
      awk '/\tb\t/ { print "0x" $(NF - 1) }')
    [ -n "$to" ] && [ -n "$back" ] && [ $((back)) = $((at + 4)) ] &&
      pass "$s: patch at $to branches back to $s + 4" ||
      fail "$s: patch at '$to' branches back to '$back', not $at + 4"
  done
fi

# the sequences in an archive member: its mapping symbols are read too
rm -f libseq.a && aarch64-linux-gnu-ar rcs libseq.a seq.o &&
  link main.o -L. -lseq -o fixedar -Wl,--fix-cortex-a53-843419 &&
  check "sequences in an archive member are patched" fixedar "$SRC/expected" ||
  fail "archive member link"

# thunk islands: seq.o's group ends with an island, and its patches follow it
if link seq.o far.o main.o -o farfix -Wl,--fix-cortex-a53-843419; then
  check "with thunk islands: sites patched, same values" farfix "$SRC/expected"
  at=$(sym farfix site_three) to=$(branch_to farfix site_three) filler=$(sym farfix far_filler)
  [ -n "$to" ] && [ $((to)) -gt $((at)) ] && [ $((to)) -lt $((filler)) ] &&
    pass "with thunk islands: the patch sits before the filler, near its site ($to)" ||
    fail "with thunk islands: patch at '$to', site $at, filler $filler"
  rm -f farfix
fi

# a real program: the link suite's libc case
cp "$SRC/../link/libc/main.c" libc.c 2>/dev/null && $CC -O2 -c libc.c -o libc.o &&
  link libc.o -lm -o libc0 && link libc.o -lm -o libc1 -Wl,--fix-cortex-a53-843419 &&
  check "a libc-heavy program runs the same with the fix" libc1 "$SRC/../link/libc/expected" ||
  fail "libc program with the fix"

[ "$fails" = 0 ]
