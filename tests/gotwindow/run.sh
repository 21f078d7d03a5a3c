#!/bin/sh
# The aarch64 -fpic GOT window: programs reaching N distinct symbols through
# the GOT (more than the 4096 slots LD64_GOTPAGE_LO15 can address once N is
# past 4096) must link and print the checksum the generator predicts.
# -fpic and -fPIC objects are mixed; the definitions live in an archive.
# usage: run.sh BUILD [N...]
set -u
BUILD=$(cd "$1" && pwd)
shift
SRC=$(cd "$(dirname "$0")" && pwd)
[ $# -gt 0 ] || set -- 1000 4095 4097 5000 20000
. "$SRC/../lib.sh"
use_target aarch64
for n in "$@"; do
  d="$T/n$n"
  want=$(python3 "$SRC/gen.py" "$n" "$d")
  (
    cd "$d" || exit 1
    i=0
    for f in use_*.c; do
      # alternate -fpic (GOTPAGE_LO15) and -fPIC (ADR_GOT_PAGE) objects
      if [ $((i % 2)) = 0 ]; then pic=-fpic; else pic=-fPIC; fi
      echo "$pic -O1 -c $f"
      i=$((i + 1))
    done | xargs -P2 -L1 $CC
    ls defs_*.c | xargs -P2 -n 8 $CC -O1 -fpic -c
    ar rcs libdefs.a defs_*.o
    $CC -O1 -c main.c
    $CC -static -B"$BUILD/" main.o use_*.o libdefs.a -o prog
    # past the window, as a static PIE too: its stubs compute addresses
    # (adrp + add) where a literal would need a load-time relocation
    [ "$n" != 20000 ] || "$BUILD/aarch64-linux-musl-smelt-cc" -static-pie main.o use_*.o \
      libdefs.a -o prog_pie
  ) >"$T/log" 2>&1
  got=$(qemu-aarch64 "$d/prog" 2>&1)
  lo15=$(aarch64-linux-gnu-objdump -dr "$d"/use_0.o | grep -c LD64_GOTPAGE_LO15)
  if [ "$got" = "$want" ] && [ "$lo15" -gt 0 ]; then
    echo "PASS: N=$n ($got)"
  else
    echo "FAIL: N=$n: want '$want', got '$got' (LO15 relocations in use_0.o: $lo15)"
    tail -5 "$T/log"
    fails=$((fails + 1))
  fi
  [ "$n" = 20000 ] || continue
  got=$(qemu-aarch64 "$d/prog_pie" 2>&1)
  # the stubs: adrp, add, b, nop in a row
  stubs=$(aarch64-linux-gnu-objdump -d "$d/prog_pie" | awk -F'\t' '{ m = $3 }
    m == "nop" && p1 == "b" && p2 == "add" && p3 == "adrp" { n++ }
    { p3 = p2; p2 = p1; p1 = m } END { print n + 0 }')
  if [ "$got" = "$want" ] && [ "$stubs" -gt 0 ] && readelf -hW "$d/prog_pie" | grep -q 'Type: *DYN'; then
    echo "PASS: N=$n as a static PIE, through $stubs address-computing stubs ($got)"
  else
    echo "FAIL: N=$n as a static PIE: want '$want', got '$got' ($stubs stubs)"
    tail -5 "$T/log"
    fails=$((fails + 1))
  fi
done
[ "$fails" = 0 ]
