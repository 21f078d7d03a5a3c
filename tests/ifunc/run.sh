#!/bin/sh
# IFUNC in a static program for one target: prog.c and other.c (compiled
# -fPIC -fno-plt, and linked from an archive; --defsym names an alias of an
# IFUNC) must print `expected`, and
# `expected.b` with IFUNC_PICK=b (the resolvers choose at run time), when
#  - linked by smelt-cc, and with --gc-sections --icf=all;
#  - linked as a static PIE (x86_64, aarch64; on i386 that link must fail
#    with a message naming the symbol, and write nothing).
# The output has one R_*_IRELATIVE relocation per IFUNC symbol in .symtab,
# EI_OSABI GNU, and --threads=1 gives the same bytes. Linked by GNU ld (whose
# IRELATIVE relocations musl never applies), the program must not work: the
# control that shows the test depends on smelt running the resolvers.
# usage: run.sh BUILD ARCH     ARCH: x86_64 | i386 | aarch64
# Exit status: 0 all passed, 1 some failure, 77 toolchain for ARCH missing.
set -u
BUILD=$(cd "$1" && pwd)
ARCH=$2 LABEL=$2
SRC=$(cd "$(dirname "$0")" && pwd)
. "$SRC/../lib.sh"
use_target $ARCH
SCC="$BUILD/$ARCH-linux-musl-smelt-cc"
ALIAS=-Wl,--defsym=scale_alias=scale
# check LABEL BIN: prints `expected`, and `expected.b` under IFUNC_PICK=b
check() {
  if $RUN "./$2" >"$2.out" 2>"$2.err" && cmp -s "$2.out" "$SRC/expected" &&
    IFUNC_PICK=b $RUN "./$2" >"$2.b" 2>>"$2.err" && cmp -s "$2.b" "$SRC/expected.b"; then
    pass "$1"
  else
    fail "$1"; diff "$SRC/expected" "$2.out" | show /dev/stdin; diff "$SRC/expected.b" "$2.b" |
      show /dev/stdin; show "$2.err" 5
  fi
}
# irel BIN: one IRELATIVE relocation per IFUNC symbol (the --defsym alias
# uses scale's), and EI_OSABI GNU
irel() {
  n=$(readelf -rW "$1" | grep -c '_IRELATIVE')
  s=$(readelf -sW "$1" | awk '$4 == "IFUNC" && $8 != "scale_alias"' | wc -l) # an alias shares
  [ "$n" -gt 0 ] && [ "$n" = "$s" ] || { echo "$n IRELATIVE relocations, $s IFUNC symbols"; return 1; }
  readelf -hW "$1" | grep -q 'OS/ABI: *UNIX - GNU' || { echo "EI_OSABI is not GNU"; return 1; }
}

$CC -O2 -c "$SRC/prog.c" -o prog.o 2>cc.log && $CC -O2 -fPIC -fno-plt -c "$SRC/other.c" -o other.o \
  2>>cc.log && ar rc libother.a other.o || { fail "compile"; show cc.log; exit 1; }

if "$SCC" -O2 prog.o -L. -lother $ALIAS -o prog 2>link.log; then
  check "IFUNC resolved at start-up" prog
  why=$(irel prog) && pass "one IRELATIVE relocation per IFUNC symbol, OS/ABI GNU" ||
    fail "relocations: $why"
  "$SCC" -O2 prog.o -L. -lother $ALIAS -o prog1 -Wl,--threads=1 2>link.log && cmp -s prog prog1 &&
    pass "--threads=1: the same bytes" || fail "--threads=1 output differs"
else
  fail "link"; show link.log
fi

if "$SCC" -O2 prog.o -L. -lother $ALIAS -o gc -Wl,--gc-sections,--icf=all 2>link.log; then
  check "with --gc-sections --icf=all" gc
else
  fail "link --gc-sections --icf=all"; show link.log
fi

if [ "$ARCH" = i386 ]; then
  echo old >pie
  if "$SCC" -static-pie -O2 "$SRC/prog.c" "$SRC/other.c" $ALIAS -o pie 2>pie.log; then
    fail "an i386 static PIE with IFUNCs links"
  elif grep -q 'IFUNC symbol .* cannot be used in an i386 static PIE' pie.log &&
    [ "$(cat pie)" = old ]; then
    pass "i386 static PIE refused, naming the symbol; the old output untouched"
  else
    fail "i386 static PIE: wrong message or output touched"; show pie.log
  fi
elif "$SCC" -static-pie -O2 "$SRC/prog.c" "$SRC/other.c" $ALIAS -o pie 2>pie.log; then
  check "static PIE" pie
  readelf -hW pie | grep -q 'Type: *DYN' && pass "static PIE is ET_DYN" || fail "not ET_DYN"
  # as GNU ld writes a PIE's: at the end of .rela.dyn, no .rela.iplt
  why=$(irel pie) && ! readelf -SW pie | grep -q '\.rela\.iplt' &&
    readelf -rW pie | awk '/^Relocation section/ { sec = $3 } /_IRELATIVE/ { print sec }' |
      sort -u | grep -qx "'.rela.dyn'" &&
    pass "static PIE: one IRELATIVE per IFUNC symbol, in .rela.dyn" ||
    fail "static PIE relocations: $why $(readelf -SW pie | grep -c '\.rela\.iplt') .rela.iplt"
else
  fail "static PIE link"; show pie.log
fi

# --- control: GNU ld leaves the IRELATIVE relocations to a libc that never applies them
if $CC -static -fuse-ld=bfd prog.o other.o $ALIAS -o bfd 2>bfd.log; then
  if timeout 10 $RUN ./bfd >bfd.out 2>/dev/null && cmp -s bfd.out "$SRC/expected"; then
    fail "linked by GNU ld the program works too: the test shows nothing"
  else
    pass "linked by GNU ld the program fails (musl does not apply IRELATIVE)"
  fi
else
  echo "SKIP: $ARCH: GNU ld control (no ld.bfd for $GCC)"
fi

[ "$fails" = 0 ]
