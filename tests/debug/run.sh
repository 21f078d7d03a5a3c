#!/bin/sh
# Debug info end to end: gdb (batch) on smelt-linked -g programs built from
# plain, --compress-debug-sections=zlib|zstd, gcc -gz and zstd inputs; readelf parses
# the DWARF; -S/-s outputs run without .debug_*; build ids are stable across
# --threads and differ for different inputs.
# usage: run.sh BUILD
set -u
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$(dirname "$0")" && pwd)
. "$SRC/../lib.sh"
link() { musl-gcc -static -B"$BUILD/" "$@"; }

command -v gdb >/dev/null || { echo "gdb not installed"; exit 77; }

musl-gcc -g -O0 -c "$SRC/prog.c" -o plain.o
musl-gcc -g -O0 -gz -c "$SRC/prog.c" -o gz.o
readelf -SW gz.o | grep -q '\.debug_info.* C ' || fail "gcc -gz did not compress its input"

check_gdb() { # name binary
  out=$(gdb -batch -nx -ex 'break scale' -ex run -ex next -ex 'print product' -ex 'print *p' \
    -ex bt "./$2" 2>&1)
  if echo "$out" | grep -q '^\$1 = [0-9]' &&
     echo "$out" | grep -q '^\$2 = {x = 2, y = 3}' &&
     echo "$out" | grep -q '#0  scale (p=.*, factor=6) at .*prog.c:1[01]' &&
     echo "$out" | grep -q '#1  .* main (argc=1, argv=.*) at .*prog.c:17'; then
    pass "gdb on $1"
  else
    fail "gdb on $1"; echo "$out" | tail -15
  fi
  if readelf --debug-dump=info "$2" 2>&1 >/dev/null | grep -q .; then
    fail "readelf --debug-dump=info on $1"; readelf --debug-dump=info "$2" 2>&1 >/dev/null | head -5
  elif readelf --debug-dump=info "$2" | grep -q 'DW_AT_name.*: scale'; then
    pass "readelf parses the DWARF of $1"
  else
    fail "readelf finds no DW_AT_name scale in $1"
  fi
}

link plain.o -o plain && check_gdb plain plain
link -Wl,--compress-debug-sections=zlib plain.o -o zlib || fail "link zlib"
if readelf -SW zlib | grep -E '\.debug_(info|line|str) ' | grep -Eqv ' [A-Z]*C[A-Z]* '; then
  fail "--compress-debug-sections=zlib left a debug section uncompressed"
else
  pass "debug sections are SHF_COMPRESSED"
fi
check_gdb "compressed output" zlib
link gz.o -o gzin && check_gdb "gcc -gz inputs" gzin
# .zdebug_* inputs (gcc -gz=zlib-gnu): read as the .debug_* sections they
# hold, byte for byte what objcopy's decompressed copy of the object gives
musl-gcc -g -O0 -gz=zlib-gnu -c "$SRC/prog.c" -o zgnu.o
readelf -SW zgnu.o | grep -q '\.zdebug_info' || fail "gcc -gz=zlib-gnu wrote no .zdebug_info"
objcopy --decompress-debug-sections zgnu.o zgnu-plain.o
if link zgnu.o -o zgnu && link zgnu-plain.o -o zgnu-plain; then
  check_gdb ".zdebug inputs" zgnu
  same=1
  for sec in info abbrev line str aranges; do
    objcopy --dump-section .debug_$sec=a.sec zgnu && objcopy --dump-section .debug_$sec=b.sec zgnu-plain &&
      cmp -s a.sec b.sec || same=0
  done
  [ $same = 1 ] && ! readelf -SW zgnu | grep -q zdebug &&
    pass ".zdebug inputs: the .debug_* sections of the decompressed object" ||
    fail ".zdebug inputs: debug sections differ from the decompressed object's"
else
  fail "link .zdebug inputs"
fi

# zstd: output sections of zstd frames, and zstd-compressed inputs
# (objcopy's; gcc 13 and clang 16 write them for -gz=zstd)
link -Wl,--compress-debug-sections=zstd plain.o -o zstd || fail "link zstd"
if [ "$(readelf -t zstd | grep -c 'ZSTD,')" -ge 3 ] && ! readelf -t zstd | grep -q 'ZLIB,'; then
  pass "--compress-debug-sections=zstd: debug sections are zstd-compressed"
else
  fail "--compress-debug-sections=zstd: debug sections not zstd-compressed"
fi
check_gdb "zstd-compressed output" zstd
objcopy --compress-debug-sections=zstd plain.o zs.o
readelf -t zs.o | grep -q 'ZSTD,' || fail "objcopy did not compress with zstd"
link zs.o -o zsin && check_gdb "zstd-compressed inputs" zsin
objcopy --dump-section .debug_info=plain.info plain &&
  objcopy --dump-section .debug_info=zsin.info zsin && cmp -s plain.info zsin.info &&
  pass "zstd-compressed inputs: the same .debug_info as plain inputs" ||
  fail "zstd-compressed inputs: .debug_info differs from the plain link's"

for opt in -S -s; do
  link -Wl,$opt plain.o -o strip$opt
  if [ "$(./strip$opt)" = "product 30" ] && ! readelf -SW strip$opt | grep -q '\.debug_'; then
    pass "$opt output runs and has no .debug_*"
  else
    fail "$opt output"
  fi
done
readelf -SW strip-S | grep -q '\.symtab' && pass "-S keeps .symtab" || fail "-S dropped .symtab"
readelf -SW strip-s | grep -q '\.symtab' && fail "-s kept .symtab" || pass "-s drops .symtab"

id() { readelf -n "$1" | sed -n 's/.*Build ID: //p'; }
link -Wl,--build-id -Wl,--threads=1 plain.o -o b1
link -Wl,--build-id -Wl,--threads=2 plain.o -o b2
link -Wl,--build-id -Wl,--threads=2 gz.o -o b3
musl-gcc -g -O1 -c "$SRC/prog.c" -o o1.o
link -Wl,--build-id o1.o -o b4
if [ -n "$(id b1)" ] && [ "$(id b1)" = "$(id b2)" ] && cmp -s b1 b2; then
  pass "build id and bytes stable across --threads"
else
  fail "build id unstable: $(id b1) vs $(id b2)"
fi
[ "$(id b1)" != "$(id b4)" ] && pass "different inputs, different build id" ||
  fail "same build id for different inputs"
for style in md5 sha1 uuid 0x0123456789abcdef; do
  link -Wl,--build-id=$style plain.o -o bs
  len=$(id bs | tr -d '\n' | wc -c)
  case $style in md5|uuid) want=32;; sha1) want=40;; *) want=16;; esac
  [ "$len" = "$want" ] && ./bs >/dev/null && pass "--build-id=$style" || fail "--build-id=$style ($len hex digits)"
done
readelf -lW b1 | grep -q NOTE && pass "build id has a PT_NOTE" || fail "no PT_NOTE for the build id"

# --gdb-index: gdb takes smelt's .gdb_index (maint print objfiles names it,
# rather than its own "cooked index") and finds through it a type only
# b.c has, a static function of a.c, and b_func to stop in; with the debug
# sections compressed and with split DWARF (.dwo files) too. (gdb finds
# those even when a name's unit is wrong, reading more units: the index's
# contents are checked in tests/link, whose gdbindex case these sources
# are.)
GI=$SRC/../link/gdbindex
check_index() { # label binary
  out=$(gdb -batch -nx -ex 'maint print objfiles' -ex 'ptype ulong_t' -ex 'info line helper' \
    -ex 'break b_func' -ex run -ex bt -ex 'print *p' "./$2" 2>&1)
  if echo "$out" | grep -q '^\.gdb_index: version 7' &&
     echo "$out" | grep -q '^type = unsigned long' &&
     echo "$out" | grep -q '^Line [0-9]* of ".*a.c" starts at address .*<helper' &&
     echo "$out" | grep -q '^#0  b_func (p=.*, k=3) at .*b.c:11' &&
     echo "$out" | grep -q '^#1  .* main (.*) at .*a.c:15' &&
     echo "$out" | grep -q '^\$1 = {x = 2, y = 3}'; then
    pass "gdb reads smelt's .gdb_index ($1)"
  else
    fail "gdb with --gdb-index ($1)"; echo "$out" | tail -12
  fi
}
for v in 5 4; do
  musl-gcc -g -gdwarf-$v -ggnu-pubnames -O1 -ffunction-sections -c "$GI/a.c" -o gia$v.o
  musl-gcc -g -gdwarf-$v -ggnu-pubnames -O1 -ffunction-sections -c "$GI/b.c" -o gib$v.o
  link -Wl,--gdb-index,--gc-sections gia$v.o gib$v.o -o gi$v && check_index "DWARF $v" gi$v
done
link -Wl,--gdb-index,--gc-sections,--compress-debug-sections=zlib gia5.o gib5.o -o giz &&
  check_index "compressed debug sections" giz
musl-gcc -g -gsplit-dwarf -O1 -ffunction-sections -c "$GI/a.c" -o gisa.o
musl-gcc -g -gsplit-dwarf -O1 -ffunction-sections -c "$GI/b.c" -o gisb.o
link -Wl,--gdb-index,--gc-sections gisa.o gisb.o -o gis && check_index "split DWARF" gis
# DWARF 4 under --gc-sections: b.c's unit's .debug_ranges list names the
# collected b_unused first; its entry must not end the list (0, 0, what a
# relocation against a discarded symbol gave before): b_func's range
# follows it
link -Wl,--gc-sections gia4.o gib4.o -o gc4
at=$(nm gc4 | sed -n 's/^\([0-9a-f]*\) T b_func$/\1/p')
if [ -n "$at" ] && readelf -wR gc4 | grep -q " $at "; then
  pass "DWARF 4 range lists keep the ranges after a collected function's"
else
  fail "DWARF 4 range list cut short by a collected function"; readelf -wR gc4 | tail -6
fi

# A 2.4 MB debug section is relocated in parts by both threads; its bytes
# must be what one pass gives, also when its relocations are not sorted by
# offset (the parts then give way to one pass over the whole section).
# Compressed, each part is deflated on its own; the decompressed bytes must
# be the same.
python3 "$SRC/bigsec.py" gen "$T" 300000
musl-gcc -c big.s -o big.o && musl-gcc -c abs.s -o abs.o
cp big.o unsorted.o && python3 "$SRC/bigsec.py" swap unsorted.o
for obj in big unsorted; do
  for th in 1 2; do
    rm -f sec.bin
    if link -Wl,--threads=$th plain.o $obj.o abs.o -o big_$obj &&
       objcopy --dump-section .debug_big=sec.bin big_$obj 2>/dev/null &&
       cmp -s sec.bin expected.bin && [ "$(./big_$obj)" = "product 30" ]; then
      pass "large debug section in parts: $obj relocations, --threads=$th"
    else
      fail "large debug section in parts: $obj relocations, --threads=$th"
      cmp sec.bin expected.bin 2>&1 | head -2
    fi
    # compressed: the parts are built and compressed one by one
    for z in zlib zstd; do
      rm -f sec.bin
      if link -Wl,--threads=$th -Wl,--compress-debug-sections=$z plain.o $obj.o abs.o -o big${z}_${obj}_$th &&
         readelf -SW big${z}_${obj}_$th | grep -q '\.debug_big.* C ' &&
         objcopy --decompress-debug-sections big${z}_${obj}_$th bigz.dec &&
         objcopy --dump-section .debug_big=sec.bin bigz.dec 2>/dev/null &&
         cmp -s sec.bin expected.bin && [ "$(./big${z}_${obj}_$th)" = "product 30" ]; then
        pass "large debug section compressed ($z) in parts: $obj relocations, --threads=$th"
      else
        fail "large debug section compressed ($z) in parts: $obj relocations, --threads=$th"
      fi
    done
  done
  for z in zlib zstd; do
    cmp -s big${z}_${obj}_1 big${z}_${obj}_2 && pass "compressed ($z) $obj output identical across --threads" ||
      fail "compressed ($z) $obj output differs between --threads=1 and 2"
  done
done
readelf -t bigzstd_big_1 | grep -A4 '\.debug_big$' | grep -q 'ZSTD,' &&
  pass "the large section is zstd frames" || fail "the large section is not zstd-compressed"

# --strip-debug maps no debug bytes. Each object below holds 256 KiB of
# debug bytes between its code and its symbol table, and a page fault maps
# the cached pages of the 64 KiB around it: unless those stretches are
# mappings of their own, parsing 64 such objects (32 of them archive
# members) maps 4 MiB or more of them. The file-backed RSS after parsing is
# compared with that of the same objects without the debug bytes.
mkdir fence && (
  cd fence
  i=0
  : > main.c
  echo 'int printf(const char *, ...);' >> main.c
  while [ $i -lt 64 ]; do
    echo "int f$i(int x) { return x + $i; }" > f$i.c
    musl-gcc -O1 -c f$i.c -o lean$i.o
    printf '__asm__(".section .debug_fill,\\"\\",@progbits\\n.fill 262144,1,7\\n.text");\n' >> f$i.c
    musl-gcc -O1 -c f$i.c -o fat$i.o
    echo "int f$i(int);" >> main.c
    i=$((i + 1))
  done
  echo 'int main(void) { int s = 0;' >> main.c
  i=0
  while [ $i -lt 64 ]; do echo "s = f$i(s);" >> main.c; i=$((i + 1)); done
  printf 'printf("sum %%d\\n", s); return 0; }\n' >> main.c
  musl-gcc -c main.c -o main.o
  for kind in lean fat; do
    i=0; objs=; members=
    while [ $i -lt 64 ]; do
      if [ $i -lt 32 ]; then objs="$objs $kind$i.o"; else members="$members $kind$i.o"; fi
      i=$((i + 1))
    done
    ar rcs lib$kind.a $members
    musl-gcc -static -B"$BUILD/" -Wl,--strip-debug -Wl,--stats main.o $objs lib$kind.a \
      -o $kind 2> $kind.stats
  done
)
lean=$(sed -n 's/.*open+parse .*rss *[0-9]*+ *\([0-9]*\) MiB.*/\1/p' fence/lean.stats)
fat=$(sed -n 's/.*open+parse .*rss *[0-9]*+ *\([0-9]*\) MiB.*/\1/p' fence/fat.stats)
if [ "$(./fence/fat)" = "sum 2016" ] && [ -n "$lean" ] && [ -n "$fat" ] &&
   [ "$fat" -le $((lean + 1)) ]; then
  pass "--strip-debug leaves debug bytes unmapped (file RSS ${fat} MiB, ${lean} MiB without them)"
else
  fail "--strip-debug mapped debug bytes: file RSS ${fat:-?} MiB, ${lean:-?} MiB without them"
fi

echo "$fails failure(s)"
[ "$fails" = 0 ]
