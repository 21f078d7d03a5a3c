#!/bin/sh
# Static PIE for one target: prog.c, compiled -fPIE, linked
#  - by smelt-cc -static-pie, and
#  - by smelt with the arguments gcc and clang pass for -static-pie
#    (-static -pie --no-dynamic-linker -z text, rcrt1.o, crtbeginS.o),
# must print `expected` (its data is full of pointers that only load-time
# relocation makes right), be ET_DYN with PT_DYNAMIC and no PT_INTERP,
# carry only R_*_RELATIVE relocations (as many as DT_RELACOUNT says), load
# away from 0 and, where the kernel randomizes (natively), somewhere else
# each run. --threads=1 gives the same bytes. Linked with crt1.o, which
# does not relocate, the same program must not work: the test depends on
# the relocations. C++ exceptions unwind in a static PIE too.
# usage: run.sh BUILD ARCH     ARCH: x86_64 | i386 | aarch64
# Exit status: 0 all passed, 1 some failure, 77 toolchain for ARCH missing.
set -u
BUILD=$(cd "$1" && pwd)
ARCH=$2 LABEL=$2
SRC=$(cd "$(dirname "$0")" && pwd)
. "$SRC/../lib.sh"
use_target $ARCH
REL=RELA
[ $ARCH != i386 ] || REL=REL
G=$(dirname "$($GCC -print-libgcc-file-name)")
[ -f $M/rcrt1.o ] || { echo "no $M/rcrt1.o"; exit 77; }
# check LABEL BIN: its stdout is `expected`
check() {
  if $RUN "./$2" >"$2.out" 2>"$2.err" && cmp -s "$2.out" "$SRC/expected"; then
    pass "$1"
  else
    fail "$1"; diff "$SRC/expected" "$2.out" | show /dev/stdin; show "$2.err" 5
  fi
}
# pie BIN: an ET_DYN static PIE whose relocations rcrt1.o can apply
pie() {
  readelf -hW "$1" | grep -q 'Type: *DYN' || { echo "not ET_DYN"; return 1; }
  segs=$(readelf -lW "$1" | awk '$1 == "INTERP" || $1 == "DYNAMIC" { print $1 }' | tr '\n' ' ')
  [ "$segs" = "DYNAMIC " ] || { echo "segments: '$segs', want DYNAMIC only"; return 1; }
  readelf -dW "$1" | grep -q 'FLAGS_1.*PIE' || { echo "no DF_1_PIE"; return 1; }
  count=$(readelf -dW "$1" | awk -v t="(${REL}COUNT)" '$2 == t { print $3 }')
  all=$(readelf -rW "$1" | grep -c '^[0-9a-f]')
  rel=$(readelf -rW "$1" | grep -c "_RELATIVE")
  [ -n "$count" ] && [ "$count" -gt 0 ] && [ "$count" = "$all" ] && [ "$all" = "$rel" ] ||
    { echo "${REL}COUNT '$count', $all relocations, $rel relative"; return 1; }
  if readelf -aW "$1" 2>&1 >/dev/null | grep -q .; then
    echo "readelf warns:"; readelf -aW "$1" 2>&1 >/dev/null | head -3; return 1
  fi
}
base() { $RUN "./$1" 2>&1 >/dev/null | awk '/^base/ { print $2 }'; }

$CC -O2 -fPIE -c "$SRC/prog.c" -o prog.o 2>cc.log || { fail "compile prog.c"; show cc.log; exit 1; }

# --- smelt-cc -static-pie
if "$BUILD/$ARCH-linux-musl-smelt-cc" -static-pie -O2 "$SRC/prog.c" -o cc_pie -pthread 2>link.log; then
  check "smelt-cc -static-pie runs" cc_pie
  why=$(pie cc_pie) && pass "smelt-cc -static-pie: ET_DYN, PT_DYNAMIC, only relative relocations" ||
    fail "smelt-cc -static-pie: $why"
else
  fail "smelt-cc -static-pie link"; show link.log
fi

# --- what gcc -static-pie and clang -static-pie pass to the linker
pie_link() {
  out=$1; shift
  "$BUILD/smelt" -static -pie --no-dynamic-linker -z text -m $EMUL -o "$out" "$@" \
    $M/rcrt1.o $M/crti.o $G/crtbeginS.o prog.o --start-group $G/libgcc.a $M/libc.a --end-group \
    $G/crtendS.o $M/crtn.o 2>link.log || { show link.log; return 1; }
}
if pie_link ld_pie; then
  check "-static -pie with rcrt1.o runs" ld_pie
  why=$(pie ld_pie) && pass "-static -pie: ET_DYN, PT_DYNAMIC, only relative relocations" ||
    fail "-static -pie: $why"
  pie_link ld_pie1 --threads=1 && cmp -s ld_pie ld_pie1 && pass "--threads=1: the same bytes" ||
    fail "--threads=1 output differs"
  b1=$(base ld_pie)
  [ -n "$b1" ] && [ $((b1)) != 0 ] && pass "loaded at $b1, not at its link address 0" ||
    fail "load address '$b1'"
  if [ -z "$RUN" ] && [ "$(cat /proc/sys/kernel/randomize_va_space 2>/dev/null)" != 0 ]; then
    b2=$(base ld_pie) b3=$(base ld_pie)
    [ "$b1" != "$b2" ] || [ "$b1" != "$b3" ] && pass "each run loads elsewhere ($b1 $b2 $b3)" ||
      fail "three runs loaded at $b1"
  fi
else
  fail "-static -pie link"
fi

# --- crt1.o does not relocate: the same link must then not work
"$BUILD/smelt" -static -pie -m $EMUL -o norel $M/crt1.o $M/crti.o $G/crtbeginS.o prog.o \
  --start-group $G/libgcc.a $M/libc.a --end-group $G/crtendS.o $M/crtn.o 2>link.log ||
  { fail "link with crt1.o"; show link.log; }
if $RUN ./norel >norel.out 2>/dev/null && cmp -s norel.out "$SRC/expected"; then
  fail "without load-time relocation (crt1.o) the program still works: the test shows nothing"
else
  pass "without load-time relocation (crt1.o) the program fails"
fi

# --- C++ exceptions: the unwinder finds the FDEs of a relocated image
if [ -x "$($GCC -print-prog-name=cc1plus)" ]; then
  if "$BUILD/$ARCH-linux-musl-smelt-cc" -static-pie -O2 "$SRC/../cc/exceptions.cc" -lsupc++ \
    -o exc 2>x.log; then
    if $RUN ./exc >exc.out 2>&1 && cmp -s exc.out "$SRC/../cc/exceptions.expected" &&
      readelf -hW exc | grep -q 'Type: *DYN'; then
      pass "C++ exceptions in a static PIE"
    else
      fail "C++ exceptions in a static PIE"; show exc.out
    fi
  else
    fail "link exceptions.cc -static-pie"; show x.log
  fi
else
  echo "SKIP: $ARCH: C++ exceptions (no cc1plus for $GCC)"
fi

[ "$fails" = 0 ]
