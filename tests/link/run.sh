#!/bin/sh
# End-to-end link tests: small C programs under tests/link/<case>/ are
# compiled with the musl toolchain of ARCH (one, glibc/, with the target's
# glibc gcc against glibc's static libraries), linked exactly as users link
# (`$CC -static -B"$BUILD/"`, so gcc runs $BUILD/ld = smelt) and run; stdout
# must equal <case>/expected byte for byte, the exit status must equal
# <case>/status (default 0), and the output must be static (no PT_INTERP,
# no PT_DYNAMIC). The programs print values that depend on the link being
# right (addresses compared across objects, data reached through
# relocations, init order), so a wrong link shows as wrong output.
# usage: run.sh BUILD [ARCH]     ARCH: x86_64 (default) | i386 | aarch64
# Exit status: 0 all passed, 1 some failure, 77 toolchain for ARCH missing.
# Any directory with an `ld` in it works as BUILD (e.g. a symlink to ld.bfd
# to check the expectations; --threads is smelt/lld/mold only).
set -u
BUILD=$(cd "$1" && pwd)
ARCH=${2:-x86_64}
SRC=$(cd "$(dirname "$0")" && pwd)
. "$SRC/../lib.sh"
use_target $ARCH

# gcc must really run the linker under test, not the system one.
ldprog=$($CC -B"$BUILD/" -print-prog-name=ld)
if [ "$ldprog" != "$BUILD/ld" ] || [ ! -x "$BUILD/ld" ]; then
  echo "FAIL: $CC -B$BUILD/ -print-prog-name=ld gives '$ldprog', not $BUILD/ld"
  exit 1
fi

# shdr FILE SECTION FIELD: a field of SECTION's header in readelf -SW's
# columns (2 type, 5 size, 6 entry size, 7 flags)
shdr() { readelf -SW "$1" | sed 's/^ *\[ *[0-9]*\]//' | awk -v n="$2" -v f="$3" '$1 == n { print $f }'; }
# enter CASE: work in $T/CASE, sources from $SRC/CASE
enter() { C=$1; mkdir -p "$T/$C"; cd "$T/$C"; }
# compile OUT.o SRC.c CFLAGS...
compile() {
  o=$1 s=$2; shift 2
  $CC "$@" -c "$SRC/$C/$s" -o "$o" 2>>build.log && return
  echo "  compile failed: $CC $* -c $C/$s"; sed 's/^/    /' build.log | tail -10; return 1
}
# link OUT ARGS...: the link as shipped; a link that succeeds says nothing
link() {
  o=$1; shift
  if $CC -static -B"$BUILD/" "$@" -o "$o" >link.log 2>&1; then
    [ -s link.log ] || return 0
    echo "  link succeeded but printed: $CC -static -B$BUILD/ $* -o $o"
  else
    echo "  link failed: $CC -static -B$BUILD/ $* -o $o"
  fi
  sed 's/^/    /' link.log | head -20; return 1
}
# verify LABEL BINARY: run it, compare stdout and status, check it is static
verify() {
  label=$1 bin=$2
  want=0
  [ -f "$SRC/$C/status" ] && want=$(cat "$SRC/$C/status")
  $RUN "./$bin" >"$bin.out" 2>"$bin.err"
  st=$?
  bad=""
  cmp -s "$bin.out" "$SRC/$C/expected" || bad="$bad stdout differs;"
  [ "$st" = "$want" ] || bad="$bad exit status $st, expected $want;"
  segs=$(readelf -lW "$bin" 2>&1 | awk '$1 == "INTERP" || $1 == "DYNAMIC" { print $1 }' | tr '\n' ' ')
  [ -z "$segs" ] || bad="$bad has $segs segment(s);"
  readelf -hW "$bin" 2>/dev/null | grep -q 'Type: *EXEC' || bad="$bad not ET_EXEC;"
  if [ -z "$bad" ]; then
    pass "$label"
  else
    fail "$label:$bad"
    diff -u "$SRC/$C/expected" "$bin.out" | sed 's/^/    /' | head -30
    sed 's/^/    stderr: /' "$bin.err" | head -5
  fi
}
# build LABEL: report a case whose objects or link failed
broken() { fail "$1: did not build or link"; }
# relocs OBJ...: relocation types used by objects
relocs() { for f; do readelf -rW "$f"; done | awk 'NF > 4 && $3 ~ /^R_/ { print $3 }' | sort -u; }
# uses LABEL PATTERN OBJ...: sanity check that the compiler produced what the case is about
uses() {
  label=$1 pat=$2; shift 2
  relocs "$@" | grep -Eq "$pat" && return
  fail "$label: test setup: objects have no $pat relocation (have: $(relocs "$@" | tr '\n' ' '))"
  return 1
}

OPT="-O2"

# --- hello
enter hello
{ compile main.o main.c $OPT && link hello main.o && verify hello hello; } || broken hello
# a make rule naming every input
if [ -f main.o ] && link hello_dep -Wl,--dependency-file=hello.d main.o; then
  if head -1 hello.d | grep -qx 'hello_dep: \\' && grep -qx '  main.o \\' hello.d &&
     grep -q '/libc\.a' hello.d && grep -qx 'main.o:' hello.d && ! grep -q ': .*[^\\]$' hello.d; then
    pass "--dependency-file: the output depends on main.o and libc.a"
  else
    fail "--dependency-file: unexpected rule"; sed 's/^/    | /' hello.d | head -8
  fi
else
  broken "--dependency-file"
fi
# options of dynamic links that build systems pass to every link (lua's
# -Wl,-E among them): accepted without a word, the program unchanged
if [ -f main.o ] && link hello_quiet main.o -Wl,-E,--export-dynamic,-O1,--as-needed \
     -Wl,--hash-style=gnu,--no-undefined,-z,relro,-z,now,-z,nocopyreloc,--sort-common \
     -Wl,--dynamic-list=/dev/null,--undefined-version,-Bsymbolic,-rpath,/opt/lib \
     -Wl,--sort-section=name,-Bno-symbolic,--gc-keep-exported,--warn-textrel \
     -Wl,--check-sections,--print-map-discarded,--strip-discarded,-z,interpose,-z,rela \
     -Wl,-z,nodefaultlib,-z,nopack-relative-relocs,-z,nostart-stop-gc; then
  verify "options of dynamic links accepted silently" hello_quiet
else
  broken "options of dynamic links"
fi
# the same program placed at another base address
if [ -f main.o ] && link hello_base -Wl,--image-base=0x10000000 main.o &&
   verify "hello at --image-base=0x10000000" hello_base; then
  readelf -lW hello_base | awk '$1 == "LOAD" { print $3; exit }' | grep -q '^0x0*10000000$' &&
    pass "--image-base: the first PT_LOAD is at 0x10000000" ||
    fail "--image-base: first PT_LOAD at $(readelf -lW hello_base | awk '$1 == "LOAD" { print $3; exit }')"
else
  broken "--image-base"
fi
# -z max-page-size: every PT_LOAD aligned to it, each segment's offset and
# address congruent modulo it; 16 KiB on aarch64 (below its 64 KiB
# default), 64 KiB elsewhere (i386's 0x08048000 base is then rounded down)
case $ARCH in aarch64) MPS=16384 ;; *) MPS=65536 ;; esac
if [ -f main.o ] && link hello_page -Wl,-z,max-page-size=$MPS main.o &&
   verify "hello with -z max-page-size=$MPS" hello_page; then
  bad_loads=$(readelf -lW hello_page | awk '$1 == "LOAD" { print $2, $3, $NF }' |
    while read -r off va al; do
      [ $((al)) = $MPS ] && [ $(((va - off) % MPS)) = 0 ] ||
        echo "$va"
    done)
  [ -z "$bad_loads" ] && [ "$(readelf -lW hello_page | grep -c ' LOAD ')" -ge 2 ] &&
    pass "-z max-page-size: every PT_LOAD aligned to $MPS" ||
    fail "-z max-page-size: PT_LOADs not aligned to $MPS:" $bad_loads
else
  broken "-z max-page-size"
fi

# -static -pie with musl's static-PIE start file (what gcc -static-pie and
# Rust's musl targets link): a static PIE, ET_DYN, that rcrt1.o relocates
# from the dynamic array at _DYNAMIC (tests/pie tests it in depth)
MUSLLIB=/usr/lib/$ARCH-linux-musl
if [ -f main.o ] && [ -f $MUSLLIB/rcrt1.o ] && link hello_rcrt1 -Wl,-pie,--no-dynamic-linker \
     -nostartfiles $MUSLLIB/rcrt1.o $MUSLLIB/crti.o main.o $MUSLLIB/crtn.o; then
  if $RUN ./hello_rcrt1 >hello_rcrt1.out 2>&1 && cmp -s hello_rcrt1.out "$SRC/$C/expected" &&
     readelf -hW hello_rcrt1 | grep -q 'Type: *DYN' &&
     ! readelf -lW hello_rcrt1 | grep -q '^ *INTERP'; then
    pass "hello with musl's rcrt1.o under -static -pie: a static PIE"
  else
    fail "hello with musl's rcrt1.o under -static -pie"; sed 's/^/    /' hello_rcrt1.out | head -5
  fi
else
  broken "-static -pie with rcrt1.o"
fi

# --- globals: -fcommon tentative definitions, data relocations, big .bss
enter globals
if compile main.o main.c $OPT -fcommon && compile other.o other.c $OPT -fcommon; then
  readelf -sW main.o | grep -q ' COM .*counter$' || fail "globals: test setup: no COMMON symbol in main.o"
  { link globals main.o other.o && verify "globals and commons" globals; } || broken globals
  { link globals2 other.o main.o && verify "globals and commons (objects swapped)" globals2; } || broken globals2
else
  broken globals
fi

# --- weak definitions and weak undefined symbols
enter weak
if compile main.o main.c $OPT && compile strong.o strong.c $OPT && compile late.o late.c $OPT; then
  { link weak main.o strong.o late.o && verify "weak symbols" weak; } || broken weak
else
  broken weak
fi
enter weak_nopic
C=weak
if compile main.o main.c $OPT -fno-pic && compile strong.o strong.c $OPT -fno-pic &&
   compile late.o late.c $OPT -fno-pic; then
  { link weak main.o strong.o late.o && verify "weak symbols (-fno-pic)" weak; } || broken "weak -fno-pic"
else
  broken "weak -fno-pic"
fi

# --- archives: extraction chains, unneeded members, groups
enter archive
ok=1
for f in main a b c c_dup unused weakmember x1 x2 y1; do
  compile $f.o $f.c $OPT || ok=0
done
if [ $ok = 1 ]; then
  rm -f liba.a libc2.a libx.a liby.a
  # b.o comes before a.o: pulling a.o must rescan liba.a for b().
  ar rcs liba.a b.o unused.o weakmember.o a.o && ar rcs libc2.a c.o c_dup.o &&
    ar rcs libx.a x1.o x2.o && ar rcs liby.a y1.o || ok=0
fi
if [ $ok = 1 ]; then
  { link archive main.o liba.a -L. -lc2 -Wl,--start-group libx.a liby.a -Wl,--end-group &&
      verify "archives: chains, unneeded members, group" archive; } || broken archive
  { link archive2 main.o -Wl,--start-group -L. -lx -ly -Wl,--end-group liba.a libc2.a &&
      verify "archives: -l in a group first" archive2; } || broken archive2
  # the same members as objects between --start-lib and --end-lib: each is
  # linked only if it defines a symbol the link needs, as if in an archive
  { link archive3 main.o -Wl,--start-lib b.o unused.o weakmember.o a.o c.o c_dup.o \
      x1.o x2.o y1.o -Wl,--end-lib &&
      verify "--start-lib objects: linked only when needed" archive3; } || broken archive3
  # an input script standing in for the libraries, as libraries ship them
  # (glibc's libm.a is one): files found next to the script, in the
  # current directory and through its SEARCH_DIR; -l, AS_NEEDED, quotes
  rm -rf sub lx && mkdir sub lx && cp liba.a libc2.a sub/ && cp libx.a lx/
  printf '/* libscript.a */ SEARCH_DIR(lx)\nGROUP ( liba.a "libc2.a"\n  AS_NEEDED ( -lx ) ) INPUT(liby.a);\n' \
    >sub/libscript.a
  { link archive4 main.o sub/libscript.a &&
      verify "input script in place of archives: its files, libraries and SEARCH_DIR" archive4; } ||
    broken archive4
  { link archive5 main.o -Lsub -lscript && verify "input script found by -l" archive5; } ||
    broken archive5
  # the same script given with -T (as lld and mold read one), and with
  # --script= found in an -L directory
  printf 'GROUP ( sub/liba.a sub/libc2.a lx/libx.a liby.a )\n' >libs.ld && cp libs.ld sub/libs2.ld
  { link archive7 main.o -Wl,-T,libs.ld && verify "input script given with -T" archive7; } ||
    broken archive7
  { link archive8 main.o -Lsub -Wl,--script=libs2.ld -Wl,-L. &&
      verify "input script given with --script=, found through -L" archive8; } || broken archive8
  # a cross sysroot: the script inside it names /usr/lib/liba.a, which is
  # looked for inside the sysroot; "=" roots -L, SEARCH_DIR and names
  rm -rf root && mkdir -p root/usr/lib root/opt && cp liba.a libc2.a libx.a root/usr/lib/ &&
    cp liby.a root/opt/
  printf 'GROUP ( /usr/lib/liba.a /usr/lib/libc2.a ) INPUT ( =/usr/lib/libx.a )\n%s\n' \
    'SEARCH_DIR("=/opt") INPUT ( -ly )' >root/usr/lib/libsr.a
  { link archive6 main.o -Wl,--sysroot="$PWD/root" -L=/usr/lib -lsr &&
      verify "--sysroot: a script's absolute names, = in -L, SEARCH_DIR and names" archive6; } ||
    broken archive6
else
  broken archive
fi

# --- -b binary: files linked as data (a path with a directory and a dash
# in it names the symbols), then ELF again for what gcc adds after them;
# under --gc-sections a file nothing refers to is dropped; a static PIE of
# -fPIC code refers to the absolute _size symbols through the GOT
enter binary
printf 'Hello from a file\n' >greeting.txt && printf 'UNREFERENCED-BLOB-42\n' >unused.txt &&
  mkdir -p data &&
  LC_ALL=C awk 'BEGIN { for (i = 0; i < 300; i++) printf "%c", (i * 7) % 256 }' >data/table-1.bin
if compile main.o main.c $OPT && compile main_pic.o main.c $OPT -fPIC; then
  { link binary main.o -Wl,-b,binary,greeting.txt,unused.txt,data/table-1.bin,-b,default &&
      verify "-b binary: files as data, _binary_ symbols" binary; } || broken binary
  { link binary_gc main.o -Wl,--gc-sections,--format=binary,greeting.txt,unused.txt \
      -Wl,data/table-1.bin,--format=elf && verify "-b binary under --gc-sections" binary_gc; } ||
    broken binary_gc
  # ld -r -b binary: the files as one object (the classic way to embed
  # data), linked into the program afterwards
  if "$BUILD/ld" -r -m $EMUL -b binary greeting.txt unused.txt data/table-1.bin -o blobs.o \
       >blobs.log 2>&1 && [ ! -s blobs.log ] && link binary_r main.o blobs.o; then
    verify "ld -r -b binary: the files as one object, then linked" binary_r
  else
    fail "ld -r -b binary"; show blobs.log
  fi
  if grep -q UNREFERENCED-BLOB-42 binary && ! grep -q UNREFERENCED-BLOB-42 binary_gc; then
    pass "-b binary: a file nothing refers to is kept, and dropped by --gc-sections"
  else
    fail "-b binary: unused.txt's bytes: expected in binary only"
  fi
  if [ -f $MUSLLIB/rcrt1.o ]; then
    if link binary_pie -Wl,-pie,--no-dynamic-linker -nostartfiles $MUSLLIB/rcrt1.o \
         $MUSLLIB/crti.o main_pic.o -Wl,-b,binary,greeting.txt,data/table-1.bin,-b,elf \
         $MUSLLIB/crtn.o; then
      if $RUN ./binary_pie >binary_pie.out 2>&1 && cmp -s binary_pie.out "$SRC/$C/expected" &&
         readelf -hW binary_pie | grep -q 'Type: *DYN'; then
        pass "-b binary in a static PIE"
      else
        fail "-b binary in a static PIE"; sed 's/^/    /' binary_pie.out | head -5
      fi
    else
      broken binary_pie
    fi
  fi
else
  broken binary
fi

# --- -r: one relocatable object from a.c, b.c and the member of libx.a
# that a.c needs (unused.c stays out), through `gcc -r`: sections of the
# same names, so b's move and so must every reference to them (on i386 the
# addend is in the code); a COMDAT group both define, b's dropped; a common
# symbol; TLS; constructors. The program is linked from it by smelt and by
# the target's GNU ld, and from a -r of it and main.o; --threads=1 and 2
# make the same bytes; -d gives the common symbol space in .bss
enter relocatable
# rlink OUT ARGS...: gcc -r through smelt
rlink() {
  o=$1; shift
  $CC -B"$BUILD/" -r -nostdlib "$@" -o "$o" >link.log 2>&1 && [ ! -s link.log ] && return
  echo "  -r failed or printed: $CC -B$BUILD/ -r -nostdlib $* -o $o"; show link.log; return 1
}
if compile a.o a.c $OPT -fcommon && compile b.o b.c $OPT -fcommon && compile x.o x.c $OPT &&
   compile unused.o unused.c $OPT && compile main.o main.c $OPT -fcommon &&
   must ar rcs libx.a x.o unused.o && rlink ab.o a.o b.o libx.a; then
  type=$(readelf -hW ab.o | awk '$1 == "Type:" { print $2 }')
  groups=$(readelf -gW ab.o | grep -c '^COMDAT group section.*\[pick_data\]')
  common=$(readelf -sW ab.o | awk '$8 == "shared_common" { print $7 }')
  if [ "$type" = REL ] && [ "$groups" = 1 ] && [ "$common" = COM ] &&
     nm ab.o | grep -q ' T x_func$' && ! nm ab.o | grep -q unused_func; then
    pass "-r: ET_REL, one pick_data group, common kept, x.o pulled from libx.a, unused.o not"
  else
    fail "-r: type '$type', $groups pick_data group(s), shared_common in '$common', x_func $(nm ab.o | grep -c x_func), unused_func $(nm ab.o | grep -c unused_func)"
  fi
  { link relocatable main.o ab.o && verify "-r output linked by smelt" relocatable; } ||
    broken relocatable
  if $CC -static main.o ab.o -o relocatable_gnu >gnu.log 2>&1; then
    verify "-r output linked by GNU ld" relocatable_gnu
  else
    fail "-r output: GNU ld cannot link it"; show gnu.log
  fi
  { rlink all.o main.o ab.o && link relocatable2 all.o &&
      verify "-r of -r output (main.o and ab.o), then linked" relocatable2; } || broken relocatable2
  if rlink t1.o -Wl,--threads=1 a.o b.o libx.a && rlink t2.o -Wl,--threads=2 a.o b.o libx.a &&
     cmp -s t1.o t2.o && cmp -s t1.o ab.o; then
    pass "-r: --threads=1, 2 and default: identical output"
  else
    fail "-r: output differs across --threads"
  fi
  if rlink abd.o -Wl,-d a.o b.o libx.a &&
     [ "$(readelf -sW abd.o | awk '$8 == "shared_common" { print $7 }')" != COM ] &&
     [ "$(shdr abd.o .bss 2)" = NOBITS ] && link relocatable_d main.o abd.o; then
    verify "-r -d: the common symbol defined in .bss" relocatable_d
  else
    fail "-r -d: shared_common is $(readelf -sW abd.o 2>&1 | awk '$8 == "shared_common" { print $7 }')"
  fi
  # all of musl's libc.a through -r (--whole-archive): the program linked
  # against that one object in its place, by smelt and by GNU ld
  libgcc=$($CC -print-libgcc-file-name)
  if "$BUILD/ld" -r -m $EMUL --whole-archive $MUSLLIB/libc.a -o libc_all.o >lc.log 2>&1 &&
     [ ! -s lc.log ]; then
    for l in smelt gnu; do
      b=-B"$BUILD/"; [ $l = gnu ] && b=
      if $CC -static $b -nostdlib $MUSLLIB/crt1.o $MUSLLIB/crti.o main.o ab.o libc_all.o \
           "$libgcc" $MUSLLIB/crtn.o -o relocatable_libc_$l >lc.log 2>&1; then
        verify "musl's whole libc.a through -r, the program linked by $l" relocatable_libc_$l
      else
        fail "musl's whole libc.a through -r, linked by $l"; show lc.log
      fi
    done
  else
    fail "-r --whole-archive libc.a"; show lc.log
  fi
  # -g objects, their debug sections compressed in the -r output (zlib,
  # zstd): GNU ld and smelt link the program from it, and the line of
  # b_name found through the GNU ld-linked program's DWARF is b.c's
  if compile a_g.o a.c $OPT -g -fcommon && compile b_g.o b.c $OPT -g -fcommon; then
    for z in zlib zstd; do
      if rlink ab_$z.o -Wl,--compress-debug-sections=$z a_g.o b_g.o x.o &&
         readelf -SW ab_$z.o | grep -q '\.debug_info .* C ' &&
         $CC -static main.o ab_$z.o -o relocatable_${z}_gnu >gnu.log 2>&1 &&
         link relocatable_$z main.o ab_$z.o &&
         addr2line -e relocatable_${z}_gnu \
           "0x$(nm relocatable_${z}_gnu | awk '$3 == "b_name" { print $1 }')" | grep -q '/b\.c:21$'; then
        verify "-r --compress-debug-sections=$z, linked by smelt" relocatable_$z
        verify "-r --compress-debug-sections=$z, linked by GNU ld (b_name at b.c:21)" relocatable_${z}_gnu
      else
        fail "-r --compress-debug-sections=$z"; show gnu.log
      fi
    done
  else
    broken "-r with -g objects"
  fi
  # C++ (glibc's g++, x86_64): COMDAT groups of inline functions in both
  # files, signatures defined in the group section, an exception thrown
  # across them; linked by smelt, GNU ld and lld if there is one
  if [ "$ARCH" = x86_64 ] && command -v g++ >/dev/null; then
    cxx_ok=1
    for f in cxx1 cxx2; do
      g++ -O0 -g -c "$SRC/$C/$f.cc" -o $f.o 2>>build.log || cxx_ok=0
    done
    if [ $cxx_ok = 1 ] && g++ -B"$BUILD/" -r cxx1.o cxx2.o -o cxx.o >link.log 2>&1; then
      for ld in smelt bfd lld; do
        case $ld in
        smelt) how=-B"$BUILD/" ;;
        lld) command -v ld.lld >/dev/null || continue; how=-fuse-ld=lld ;;
        *) how=-fuse-ld=$ld ;;
        esac
        if g++ -static $how cxx.o -o cxx_$ld >cxx.log 2>&1 && ./cxx_$ld >cxx_$ld.out 2>&1 &&
           cmp -s cxx_$ld.out "$SRC/$C/expected_cxx"; then
          pass "-r of C++ objects (COMDAT groups, exceptions) linked by $ld"
        else
          fail "-r of C++ objects linked by $ld"; show cxx.log 5; show cxx_$ld.out 5
        fi
      done
    else
      broken "-r of C++ objects"; show link.log
    fi
  fi
else
  broken relocatable
fi

# --- an object of more than 0xff00 sections (66,000 .data.dN, assembled
# here), whose symbols' section indices go through SHT_SYMTAB_SHNDX and two
# of whose sections have the indices SHN_ABS and SHN_COMMON stand for;
# linked directly, and through a -r output of that many sections
enter manysections
awk 'BEGIN { for (i = 0; i < 66000; i++)
  printf ".section .data.d%d,\"aw\"\n.globl d%d\n.p2align 2\nd%d: .long %d\n", i, i, i, i }' >many.s
if compile main.o main.c $OPT && $CC -c many.s -o many.o 2>>build.log; then
  { link manysections main.o many.o && verify "66,000 sections: symbols in sections 0xfff1 and 0xfff2" manysections; } ||
    broken manysections
  if rlink many_r.o main.o many.o && [ "$(readelf -hW many_r.o | awk '/Number of section headers/ { print $5 }')" = 0 ] &&
     readelf -SW many_r.o | grep -q "SYMTAB SECTION INDICES" && link manysections_r many_r.o; then
    verify "-r of 66,000 sections: e_shnum 0, SHT_SYMTAB_SHNDX, linked" manysections_r
  else
    fail "-r of 66,000 sections"; show link.log
  fi
else
  broken manysections
fi

# --- glibc's static libc and libm, through the target's glibc gcc: its
# string functions are IFUNCs whose IRELATIVE relocations glibc applies
# itself (from __rela_iplt_start, __rel_iplt_start on i386, or a static
# PIE's .rela.dyn), before smelt's routine would; x86_64's libm.a is an
# input script (GROUP ( libm-2.36.a libmvec.a )). Not i386 as a static PIE:
# IFUNCs are refused there.
if [ -f "$($GCC -print-file-name=libc.a)" ]; then
  enter glibc
  what="an archive"
  head -c 512 "$($GCC -print-file-name=libm.a)" | grep -q 'GROUP' && what="an input script"
  CC_MUSL=$CC CC=$GCC
  { compile main.o main.c $OPT -pthread && link glibc main.o -lm -pthread &&
      verify "glibc -static: IFUNCs, threads, -lm (libm.a: $what)" glibc; } ||
    broken "glibc -static"
  if [ "$ARCH" != i386 ]; then
    if compile pie.o main.c $OPT -fPIE -pthread &&
       $GCC -static-pie -B"$BUILD/" pie.o -lm -pthread -o glibc_pie >link.log 2>&1; then
      $RUN ./glibc_pie >glibc_pie.out 2>&1
      if cmp -s glibc_pie.out "$SRC/$C/expected" && readelf -hW glibc_pie | grep -q 'Type: *DYN' &&
         ! readelf -SW glibc_pie | grep -q '\.rela\.iplt'; then
        pass "glibc -static-pie: runs; IRELATIVE in .rela.dyn, no .rela.iplt"
      else
        fail "glibc -static-pie"; show glibc_pie.out; readelf -SW glibc_pie | grep -E 'iplt|rela' | show /dev/stdin
      fi
    else
      broken "glibc -static-pie"; show link.log
    fi
  fi
  CC=$CC_MUSL
else
  echo "SKIP: glibc: no static libc.a for $GCC"
fi

# --- constructors, destructors, priorities, atexit
enter ctors
if compile main.o main.c $OPT && compile other.o other.c $OPT; then
  { link ctors main.o other.o && verify "constructors/destructors/atexit order" ctors; } || broken ctors
else
  broken ctors
fi

# --- TLS in every access model
case $ARCH in
x86_64) GD=-mtls-dialect=gnu DESC=-mtls-dialect=gnu2
  R_GD=R_X86_64_TLSGD R_LD=R_X86_64_TLSLD R_IE=R_X86_64_GOTTPOFF R_LE=R_X86_64_TPOFF32
  R_DESC=R_X86_64_GOTPC32_TLSDESC ;;
i386) GD=-mtls-dialect=gnu DESC=-mtls-dialect=gnu2
  R_GD=R_386_TLS_GD R_LD=R_386_TLS_LDM R_IE=R_386_TLS_GOTIE R_LE=R_386_TLS_LE R_DESC=R_386_TLS_GOTDESC ;;
aarch64) GD=-mtls-dialect=trad DESC=-mtls-dialect=desc # gcc does local-dynamic as global-dynamic here
  R_GD=R_AARCH64_TLSGD_ADR_PAGE21 R_LD=R_AARCH64_TLSGD_ADR_PAGE21 R_IE=R_AARCH64_TLSIE_ADR_GOTTPREL_PAGE21
  R_LE=R_AARCH64_TLSLE_ADD_TPREL_HI12 R_DESC=R_AARCH64_TLSDESC_ADR_PAGE21 ;;
esac
for m in gd ld ie le desc; do
  case $m in
  gd) flags="-ftls-model=global-dynamic $GD" pat=$R_GD name="global-dynamic" ;;
  ld) flags="-ftls-model=local-dynamic $GD" pat=$R_LD name="local-dynamic" ;;
  ie) flags="-ftls-model=initial-exec" pat=$R_IE name="initial-exec" ;;
  le) flags="-ftls-model=local-exec" pat=$R_LE name="local-exec" ;;
  desc) flags="-ftls-model=global-dynamic $DESC" pat=$R_DESC name="TLS descriptors ($DESC)" ;;
  esac
  enter tls; mkdir -p $m; cd $m
  if compile main.o main.c $OPT -fPIC $flags && compile other.o other.c $OPT -fPIC $flags; then
    if uses "tls $name" "$pat" main.o other.o; then
      { link tls main.o other.o && verify "tls $name" tls; } || broken "tls $name"
    fi
  else
    broken "tls $name"
  fi
done

# --- TLS: one copy per thread, initialized from the template
enter tls_threads
{ compile main.o main.c $OPT -pthread && link tls_threads -pthread main.o &&
    verify "tls per-thread copies (pthread)" tls_threads; } || broken tls_threads

# --- -fpic / -fPIC / -fno-pic objects in one program
enter pic
if compile main.o main.c $OPT && compile a.o a.c $OPT -fpic && compile b.o b.c $OPT -fPIC &&
   compile c.o c.c $OPT -fno-pic; then
  if [ $ARCH = x86_64 ]; then
    uses "pic" 'GOTPCREL' a.o && uses "pic" 'R_X86_64_32S?$' c.o
  fi
  { link pic main.o a.o b.o c.o && verify "mixed -fpic/-fPIC/-fno-pic" pic; } || broken pic
  { link pic2 c.o b.o a.o main.o && verify "mixed pic (reverse order)" pic2; } || broken pic2
else
  broken pic
fi

# --- setjmp/longjmp
enter setjmp
{ compile main.o main.c $OPT && link setjmp main.o && verify setjmp/longjmp setjmp; } || broken setjmp

# --- linker-defined symbols
enter linksyms
{ compile main.o main.c $OPT && link linksyms main.o &&
    verify "__ehdr_start, _etext, _edata, __bss_start, _end" linksyms; } || broken linksyms
# In .symtab they belong to sections, as GNU ld writes them (a static PIE's
# bias then applies to them in gdb and perf): each one's section ends at or
# after its value and starts at or before it (__ehdr_start: the first
# section), and __init_array_start/_end are .init_array's.
if [ -f linksyms ]; then
  { readelf -SW linksyms; readelf -sW linksyms; } | sed 's/^ *\[ *\([0-9]*\)\]/\1/' | awk '
    function hex(s,  i, v) { for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1; return v }
    $2 ~ /^\./ && NF >= 6 && $4 ~ /^[0-9a-f]+$/ { a[$1] = hex($4); e[$1] = a[$1] + hex($6); n[$2] = $1 }
    $8 ~ /^(__ehdr_start|_etext|_edata|__bss_start|_end|__init_array_(start|end)|__fini_array_(start|end)|_GLOBAL_OFFSET_TABLE_)$/ {
      seen++; v = hex($2)
      if ($7 == "ABS" || !($7 in e) || v > e[$7] || (v < a[$7] && $8 != "__ehdr_start")) print $8 " in section " $7
      if ($8 ~ /^__init_array/ && $7 != n[".init_array"]) print $8 " not in .init_array"
    }
    END { if (seen < 7) print "only " seen + 0 " of the names in .symtab" }' >secs.txt
  [ -s secs.txt ] && fail "linker-defined symbols' sections: $(tr '\n' ';' <secs.txt)" ||
    pass "linker-defined symbols belong to the sections they bound in .symtab"
fi

# --- --symbol-ordering-file: the named symbols' sections first, in order
# (a static function's too); the control link without it prints otherwise;
# the same bytes on one thread and on two
enter ordering
if compile main.o main.c -O1 -ffunction-sections -fdata-sections; then
  { link ordering main.o -Wl,--symbol-ordering-file="$SRC/$C/order.txt" &&
      verify "--symbol-ordering-file" ordering; } || broken ordering
  if link ordering_t1 main.o -Wl,--symbol-ordering-file="$SRC/$C/order.txt",--threads=1 &&
     link ordering_t2 main.o -Wl,--symbol-ordering-file="$SRC/$C/order.txt",--threads=2 &&
     link ordering_none main.o; then
    $RUN ./ordering_none >ordering_none.out 2>&1
    if cmp -s ordering ordering_t1 && cmp -s ordering ordering_t2 &&
       ! cmp -s ordering_none.out "$SRC/$C/expected"; then
      pass "--symbol-ordering-file: same bytes on one thread and two; the control differs"
    else
      fail "--symbol-ordering-file: --threads=1 or 2 differs, or the control prints the same"
    fi
  else
    broken "ordering control"
  fi
else
  broken ordering
fi

# --- .note.gnu.property: the FEATURE_1_AND bits every object has (x86 IBT
# and SHSTK from -fcf-protection, aarch64 BTI and PAC from
# -mbranch-protection), with PT_GNU_PROPERTY; none when one object lacks
# them; -z shstk adds SHSTK. qemu-aarch64 enforces BTI on a marked
# program: the marked one runs; one forced with -z force-bti around a
# function without a landing pad dies with SIGILL, so the mark is real
enter property
case $ARCH in
aarch64) PROT=-mbranch-protection=standard FEAT="AArch64 feature: BTI, PAC" ;;
*) PROT=-fcf-protection=full FEAT="x86 feature: IBT, SHSTK" ;;
esac
feature() { readelf -nW "$1" | sed -n 's/.*Properties: //p'; }
if compile value.o value.c -O1 $PROT && compile start.o start.c -O1 $PROT &&
   compile plain.o value.c -O1; then
  if link prop -nostdlib value.o start.o && $RUN ./prop; then
    [ "$(feature prop)" = "$FEAT" ] && readelf -lW prop | grep -q '^ *GNU_PROPERTY' &&
      pass "property: the inputs' features marked ($FEAT), PT_GNU_PROPERTY, runs" ||
      fail "property: expected '$FEAT' and PT_GNU_PROPERTY, got '$(feature prop)'"
  else
    broken "property"
  fi
  if link prop_plain -nostdlib plain.o start.o; then
    [ -z "$(feature prop_plain)" ] && ! readelf -lW prop_plain | grep -q GNU_PROPERTY &&
      pass "property: an object without the note: none" ||
      fail "property: an unmarked object, yet '$(feature prop_plain)'"
  else
    broken "property (plain)"
  fi
  if [ $ARCH = aarch64 ]; then
    $GCC -c "$SRC/$C/nobti.s" -o nobti.o && compile usenobti.o usenobti.c -O1 $PROT
    $CC -static -B"$BUILD/" -nostdlib usenobti.o nobti.o start.o -Wl,-z,force-bti -o forced \
      >forced.log 2>&1
    $RUN ./forced 2>/dev/null
    st=$?
    if grep -q "nobti.o: -z force-bti: the file has no GNU_PROPERTY_AARCH64_FEATURE_1_BTI" forced.log &&
       [ "$(feature forced)" = "AArch64 feature: BTI" ] && [ $st = 132 ]; then
      pass "property: -z force-bti warns, marks BTI, and qemu enforces it (SIGILL)"
    else
      fail "property: -z force-bti: status $st, features '$(feature forced)'"; sed 's/^/    /' forced.log
    fi
  else
    if link prop_shstk -nostdlib plain.o start.o -Wl,-z,shstk && $RUN ./prop_shstk; then
      [ "$(feature prop_shstk)" = "x86 feature: SHSTK" ] &&
        pass "property: -z shstk marks SHSTK" ||
        fail "property: -z shstk: '$(feature prop_shstk)'"
    else
      broken "property (-z shstk)"
    fi
  fi
else
  broken property
fi

# --- __start_/__stop_ under --gc-sections: a C-identifier-named section is
# kept (GNU ld's rule); with -z start-stop-gc only what something refers to
# or retains (GNU ld 2.37 and lld)
enter startstop
if compile main.o main.c -O1 && compile other.o other.c -O1; then
  { link startstop main.o other.o -Wl,--gc-sections &&
      verify "__start_/__stop_ keep a C-identifier section under --gc-sections" startstop; } ||
    broken startstop
  if link startstop_gc main.o other.o -Wl,--gc-sections,-z,start-stop-gc; then
    got=$($RUN ./startstop_gc 2>&1)
    [ "$got" = "1 entries, sum 7" ] &&
      pass "-z start-stop-gc: only the retained entry is kept" ||
      fail "-z start-stop-gc: printed '$got', expected '1 entries, sum 7'"
  else
    broken "startstop -z start-stop-gc"
  fi
else
  broken startstop
fi

# --- -ffunction-sections -fdata-sections, same-named static sections
enter funcsections
FS="-O1 -fno-inline -ffunction-sections -fdata-sections"
if compile main.o main.c $FS && compile other.o other.c $FS; then
  readelf -SW other.o | grep -q '\.text\.helper' || fail "funcsections: test setup: no .text.helper"
  { link fs main.o other.o && verify "-ffunction-sections -fdata-sections" fs; } || broken funcsections
  { link fs_gc -Wl,--gc-sections main.o other.o && verify "-ffunction-sections + --gc-sections" fs_gc; } ||
    broken "funcsections --gc-sections"
  # --require-defined: pulls an archive member nothing refers to and keeps
  # its section under --gc-sections, as -u does (the control has neither)
  printf 'int kept_fn(int x) { return x + 1; }\n' >kept.c && $CC $FS -c kept.c -o kept.o &&
    rm -f libkept.a && ar rcs libkept.a kept.o
  if link fs_req -Wl,--gc-sections,--require-defined=kept_fn main.o other.o libkept.a &&
     verify "--require-defined with --gc-sections" fs_req &&
     link fs_noreq -Wl,--gc-sections main.o other.o libkept.a; then
    if readelf -sW fs_req | grep -q ' FUNC .* kept_fn$' && ! readelf -sW fs_noreq | grep -q kept_fn; then
      pass "--require-defined: the member is linked and its function kept"
    else
      fail "--require-defined: kept_fn expected in fs_req only"
    fi
  else
    broken "funcsections --require-defined"
  fi
else
  broken funcsections
fi

# --- string merging: one-string .rodata.*.str sections per function in two
# objects (the linker splits runs of such sections together), one string
# longer than a run and a section of 5000 strings (more than one batch)
enter strmerge
SM="-O1 -ffunction-sections -fdata-sections -I$SRC/strmerge"
if compile a.o a.c $SM && compile b.o b.c $SM && compile main.o main.c $SM; then
  [ "$(readelf -SW a.o | grep -c '\.rodata\..*\.str1\.')" -ge 60 ] ||
    fail "strmerge: test setup: fewer than 60 string sections in a.o"
  { link strmerge main.o a.o b.o && verify "string merging across one-string sections" strmerge; } ||
    broken strmerge
  { link strmerge_t1 -Wl,--threads=1 b.o main.o a.o && verify "string merging, --threads=1, objects reordered" strmerge_t1; } ||
    broken "strmerge --threads=1"
else
  broken strmerge
fi

# --- jump tables, absolute and PC-relative
enter switch
if compile main.o main.c $OPT && compile pic.o switch.c $OPT -fPIC -DNAME=sw_pic &&
   compile nopic.o switch.c $OPT -fno-pic -DNAME=sw_nopic; then
  { link switch main.o pic.o nopic.o && verify "switch jump tables" switch; } || broken switch
else
  broken switch
fi

# --- --emit-relocs: the relocations of the allocated sections kept, for
# BOLT's relocation mode. The switch case (jump tables, -fPIC and not) and
# the relocatable case's objects (TLS, strings, data pointers, a COMDAT
# group, constructors), linked with it, run as without it; .rela.text
# belongs to .text; where BOLT 15 is installed it rewrites them with every
# block reversed and every function moved (-lite=0), and the results run
# (only x86_64 and aarch64: REL cannot keep an addend, i386 warns)
BOLT=$(command -v llvm-bolt-15 || command -v llvm-bolt || true)
# bolted LABEL CASE BINARY: BOLT's rewrite of BINARY, run as CASE's expected
bolted() {
  if [ -z "$BOLT" ] || [ "$ARCH" = i386 ]; then return; fi
  if timeout 120 "$BOLT" "$3" -o "$3.bolt" -reorder-blocks=reverse -reorder-functions=hfsort+ -lite=0 \
       >bolt.log 2>&1 && grep -q 'enabling relocation mode' bolt.log; then
    C=$2 verify "$1" "$3.bolt"
  else
    fail "$1: llvm-bolt failed or did not use the relocations"; show bolt.log 8
  fi
}
# emitted BINARY: .rela.text exists and its sh_info is .text's index
emitted() {
  idx=$(readelf -SW "$1" | sed -n 's/^ *\[ *\([0-9]*\)\] \.text .*/\1/p')
  info=$(readelf -SW "$1" | sed 's/^ *\[ *[0-9]*\]//' | awk '$1 == ".rela.text" { print $9 }')
  [ -n "$idx" ] && [ "$info" = "$idx" ]
}
for c in switch relocatable; do
  cd "$T/$c"
  objs="main.o pic.o nopic.o"
  [ $c = relocatable ] && objs="main.o a.o b.o x.o"
  if [ "$ARCH" = i386 ]; then
    if $CC -static -B"$BUILD/" $objs -Wl,--emit-relocs -o ${c}_q >q.log 2>&1 &&
       grep -q 'warning: --emit-relocs ignored: not supported on i386' q.log &&
       ! readelf -SW ${c}_q | grep -q '\.rela\.text'; then
      C=$c verify "--emit-relocs on i386: a warning, no relocations ($c)" ${c}_q
    else
      fail "--emit-relocs on i386 ($c)"; show q.log
    fi
  elif link ${c}_q $objs -Wl,--emit-relocs; then
    if emitted ${c}_q; then
      C=$c verify "--emit-relocs: .rela.text of .text, the program runs ($c)" ${c}_q
    else
      fail "--emit-relocs: no .rela.text for .text ($c)"
    fi
    bolted "--emit-relocs: BOLT's rewrite runs ($c)" $c ${c}_q
    # x86_64: every kept data or PC-relative relocation against a defined
    # symbol matches the bytes it relocated (emitrel_check.py); with -g
    # objects the debug sections' relocations are kept and checked too
    if [ "$ARCH" = x86_64 ]; then
      if python3 "$SRC/emitrel_check.py" ${c}_q >check.log 2>&1; then
        pass "--emit-relocs: S + A of every plain relocation is in the bytes ($c: $(cat check.log))"
      else
        fail "--emit-relocs: relocations do not match the bytes ($c)"; show check.log
      fi
      if [ $c = relocatable ] && link ${c}_qg main.o a_g.o b_g.o x.o -Wl,--emit-relocs &&
         readelf -SW ${c}_qg | grep -q '\.rela\.debug_info' &&
         python3 "$SRC/emitrel_check.py" ${c}_qg >check.log 2>&1; then
        pass "--emit-relocs with -g: .rela.debug_info, every plain relocation matches ($(cat check.log))"
      elif [ $c = relocatable ]; then
        fail "--emit-relocs with -g objects"; show check.log
      fi
    fi
    if [ $c = relocatable ]; then
      if link ${c}_q1 $objs -Wl,--emit-relocs,--threads=1 &&
         link ${c}_q2 $objs -Wl,--emit-relocs,--threads=2 && cmp -s ${c}_q1 ${c}_q2 &&
         cmp -s ${c}_q1 ${c}_q; then
        pass "--emit-relocs: --threads=1, 2 and default: identical output"
      else
        fail "--emit-relocs: output differs across --threads"
      fi
    fi
  else
    broken "--emit-relocs ($c)"
  fi
done

# --- --gdb-index: .gdb_index of the units of .debug_info, their address
# ranges and the -ggnu-pubnames names, checked against the program itself
# (gdbindex_check.py: units, ranges of each file's functions in its own
# unit, the names' units and kinds, the hash probe), for DWARF 5, DWARF 4
# and split DWARF (skeleton units, .debug_addr), under --gc-sections (the
# collected function's range is left out); where lld is installed, its
# index of the same objects has the same units and names. The gdb side is
# in tests/debug (x86_64).
enter gdbindex
LLDBIN=
if command -v ld.lld >/dev/null; then
  mkdir -p lldbin && ln -sf "$(command -v ld.lld)" lldbin/ld && LLDBIN=$PWD/lldbin/
fi
for dw in 5 4 split; do
  case $dw in
  split) flags=-gsplit-dwarf ;;
  *) flags="-gdwarf-$dw -ggnu-pubnames" ;;
  esac
  compile a$dw.o a.c -g -O1 -ffunction-sections $flags &&
    compile b$dw.o b.c -g -O1 -ffunction-sections $flags || { fail "gdb index: compile ($dw)"; continue; }
  if link gi$dw a$dw.o b$dw.o -Wl,--gdb-index,--gc-sections; then
    verify "--gdb-index (DWARF $dw): the program runs" gi$dw
    if python3 "$SRC/gdbindex_check.py" check gi$dw >check.log 2>&1; then
      pass "--gdb-index (DWARF $dw): the index matches the program ($(cat check.log))"
    else
      fail "--gdb-index (DWARF $dw): the index does not match the program"; show check.log
    fi
    if [ -n "$LLDBIN" ]; then
      if $CC -static -B"$LLDBIN" a$dw.o b$dw.o -Wl,--gdb-index,--gc-sections -o lld$dw >lld.log 2>&1 &&
         python3 "$SRC/gdbindex_check.py" names gi$dw >ours.txt &&
         python3 "$SRC/gdbindex_check.py" names lld$dw >lld.txt && cmp -s ours.txt lld.txt; then
        pass "--gdb-index (DWARF $dw): the units, names and number of ranges of lld's index"
      else
        fail "--gdb-index (DWARF $dw): differs from lld's index"; show lld.log 4
        diff ours.txt lld.txt | head -8
      fi
    fi
  fi
done
# the index reads the debug sections as relocated, whatever the output
# keeps: compressed, it is the same; on one thread, the whole output is
if link gi_z a5.o b5.o -Wl,--gdb-index,--gc-sections,--compress-debug-sections=zlib &&
   [ "$(shdr gi_z .debug_info 7)" = C ] &&
   python3 "$SRC/gdbindex_check.py" names gi_z >z.txt &&
   python3 "$SRC/gdbindex_check.py" names gi5 >p.txt && cmp -s z.txt p.txt; then
  pass "--gdb-index with compressed debug sections: the same index"
else
  fail "--gdb-index with compressed debug sections"
fi
if link gi_t1 a5.o b5.o -Wl,--gdb-index,--gc-sections,--threads=1 &&
   link gi_t2 a5.o b5.o -Wl,--gdb-index,--gc-sections,--threads=2 && cmp -s gi_t1 gi_t2 &&
   cmp -s gi_t1 gi5; then
  pass "--gdb-index: --threads=1, 2 and default: identical output"
else
  fail "--gdb-index: output differs across --threads"
fi
# -z dead-reloc-in-nonalloc: the collected b_unused's DW_AT_low_pc (DWARF
# 4: an address in .debug_info) is 0 by default, the pattern's value with
# one, the last matching pattern's with two
lowpc() { readelf --debug-dump=info "$1" | grep -A8 'DW_AT_name.*: b_unused' |
  sed -n 's/.*DW_AT_low_pc *: *//p' | head -1; }
if link dr0 a4.o b4.o -Wl,--gc-sections &&
   link dr1 a4.o b4.o -Wl,--gc-sections,-z,dead-reloc-in-nonalloc=.debug_info=0xdeadbeef &&
   link dr2 a4.o b4.o -Wl,--gc-sections,-z,dead-reloc-in-nonalloc=.debug_*=0x77 \
     -Wl,-z,dead-reloc-in-nonalloc=.debug_info=0x55 &&
   [ -n "$(lowpc dr0)" ] && [ $(($(lowpc dr0))) = 0 ] && [ "$(lowpc dr1)" = 0xdeadbeef ] &&
   [ "$(lowpc dr2)" = 0x55 ]; then
  C=gdbindex verify "-z dead-reloc-in-nonalloc: a discarded symbol's value in .debug_info" dr1
else
  fail "-z dead-reloc-in-nonalloc: b_unused's DW_AT_low_pc is $(lowpc dr0), $(lowpc dr1), $(lowpc dr2)"
fi
# no_index LABEL WARNING CFLAGS...: objects an index cannot serve get a
# warning and no index, and the program runs: without -ggnu-pubnames (no
# names), and with type units (-fdebug-types-section; DWARF 5's are in
# .debug_info), which a version 7 index cannot describe
no_index() {
  label=$1 warning=$2; shift 2
  compile ni_a.o a.c "$@" && compile ni_b.o b.c "$@" &&
    $CC -static -B"$BUILD/" ni_a.o ni_b.o -Wl,--gdb-index -o gi_none >none.log 2>&1
  if grep -q "warning: --gdb-index: $warning" none.log &&
     ! readelf -SW gi_none | grep -q '\.gdb_index'; then
    verify "--gdb-index $label: a warning, no index, the program runs" gi_none
  else
    fail "--gdb-index $label"; show none.log
  fi
}
no_index "without -ggnu-pubnames" "no input has .debug_gnu_pubnames" -g -O1
no_index "with type units" "ni_a.o has type units" -g -O1 -ggnu-pubnames -fdebug-types-section

# --- GCC LTO through its plugin (gcc passes -plugin on every link):
# bytecode objects and archive members are claimed by the plugin, resolved
# with the regular objects, compiled by lto-wrapper and linked. The answers
# smelt gives the plugin show in the symbols: ir_exported, which regular
# code calls, stays global (were it reported as used by bytecode alone it
# would be made local and reg.o's call undefined); lib_twice, which only
# bytecode calls, does not (were everything reported as used from outside,
# it would stay global). The unneeded archive member is never claimed, so
# its constructor does not run. -ffat-lto-objects objects go through LTO
# too, and with -fno-lto (no plugin) link as their regular code.
enter lto
global_sym() { nm "$1" | awk -v s="$2" '$3 == s && $2 ~ /^[TDBR]$/ { f = 1 } END { exit !f }'; }
if compile a.o a.c -O2 -flto && compile l1.o l1.c -O2 -flto && compile l2.o l2.c -O2 -flto &&
   compile reg.o reg.c -O2 && rm -f libl.a && gcc-ar rcs libl.a l1.o l2.o; then
  if link lto -O2 -flto a.o reg.o libl.a; then
    verify "LTO: bytecode objects, a bytecode archive and regular code" lto
    if global_sym lto ir_exported && global_sym lto used_by_regular && ! global_sym lto lib_twice &&
       ! nm lto | grep -q never_called; then
      pass "LTO: what regular code uses stays global, what only bytecode uses does not"
    else
      fail "LTO: the symbols of the LTO output"; nm lto | grep -E 'ir_|lib_twice|used_by|never' | show -
    fi
    link lto2 -O2 -flto a.o reg.o libl.a -Wl,--threads=1 && cmp -s lto lto2 &&
      pass "LTO: the same bytes again (and with --threads=1)" ||
      fail "LTO: a second link differs"
  fi
  link lto_gc -O2 -flto -Wl,--gc-sections a.o reg.o libl.a && verify "LTO with --gc-sections" lto_gc
  # --reproduce: the tarball holds LTO's objects, and its replay (smelt
  # alone, no gcc) writes the same bytes
  rm -rf rep && mkdir rep
  if link rep/lto_rep -O2 -flto a.o reg.o libl.a -Wl,--reproduce=rep/r.tar &&
     (cd rep && tar xf r.tar && cd r && env -u COLLECT_GCC "$BUILD/ld" @response.txt >replay.log 2>&1) &&
     cmp -s rep/lto_rep rep/r/lto_rep; then
    pass "LTO: --reproduce replays to the same bytes without gcc"
  else
    fail "LTO: --reproduce"; show rep/r/replay.log
  fi
  # -r: LTO compiles to a regular object (-flinker-output=nolto-rel), which
  # a later link takes with the rest
  if $CC -r -B"$BUILD/" -O2 -flto a.o -o lto_r.o >r.log 2>&1 && ! readelf -SW lto_r.o | grep -q '\.gnu\.lto_' &&
     global_sym lto_r.o main; then
    link lto_r lto_r.o reg.o libl.a && verify "LTO with -r, then linked" lto_r
  else
    fail "LTO with -r"; show r.log
  fi
fi
# C++ (glibc's g++, x86_64), in several LTO partitions: COMDAT inline
# functions, a vtable, an exception across files
if [ "$ARCH" = x86_64 ] && command -v g++ >/dev/null &&
   g++ -O2 -flto -c "$SRC/$C/cxx1.cc" -o cxx1.o 2>>build.log &&
   g++ -O2 -flto -c "$SRC/$C/cxx2.cc" -o cxx2.o 2>>build.log; then
  if g++ -static -B"$BUILD/" -flto=2 -flto-partition=max cxx1.o cxx2.o -o cxx >cxx.log 2>&1 &&
     ./cxx >cxx.out 2>&1 && printf 'caught neg\n21 15 3\n' | cmp -s - cxx.out; then
    pass "LTO: C++ in several partitions (inline functions, exceptions)"
  else
    fail "LTO: C++"; show cxx.log; show cxx.out
  fi
  # the resolutions smelt gives the plugin are GNU ld's, line for line
  # (gcc -save-temps keeps the resolution file; the ids are per run), also
  # for libstdc++'s instantiations of templates the bytecode has too
  res() { mkdir -p "$1" && (cd "$1" && g++ -static "$2" -flto -save-temps ../cxx1.o ../cxx2.o -o p \
            >/dev/null 2>&1 && sed 's/ [0-9a-f]\{16\} / ID /' p.res); }
  if command -v ld.bfd >/dev/null && res res_bfd -fuse-ld=bfd >res_bfd.txt &&
     res res_smelt -B"$BUILD/" >res_smelt.txt && [ -s res_smelt.txt ]; then
    cmp -s res_bfd.txt res_smelt.txt && pass "LTO: the resolution file is GNU ld's" ||
      { fail "LTO: resolutions differ from GNU ld's"; diff res_bfd.txt res_smelt.txt | show -; }
  fi
fi
# LLVM bitcode (clang -flto, x86_64 with glibc's static libc): clang
# passes LLVMgold.so as the plugin; the same program, bitcode objects and
# an llvm-ar archive of bitcode, and the resolutions LLVMgold records
# (-plugin-opt=save-temps) are GNU ld's line for line
CLANG=$(command -v clang-14 || command -v clang || true)
LLVM_AR=$(command -v llvm-ar-14 || command -v llvm-ar || true)
if [ "$ARCH" = x86_64 ] && [ -n "$CLANG" ] && [ -n "$LLVM_AR" ] &&
   $CLANG -O2 -flto -c "$SRC/$C/a.c" -o bc_a.o 2>>build.log &&
   $CLANG -O2 -flto -c "$SRC/$C/l1.c" -o bc_l1.o 2>>build.log &&
   $CLANG -O2 -flto -c "$SRC/$C/l2.c" -o bc_l2.o 2>>build.log &&
   $CLANG -O2 -c "$SRC/$C/reg.c" -o bc_reg.o 2>>build.log &&
   rm -f libbc.a && $LLVM_AR rcs libbc.a bc_l1.o bc_l2.o; then
  # bclink DIR LINKER: link in DIR, keeping LLVM's temporary files
  bclink() { mkdir -p "$1" && (cd "$1" && $CLANG -flto -fuse-ld="$2" -static ../bc_a.o ../bc_reg.o \
               ../libbc.a -Wl,-plugin-opt=save-temps -o p >link.log 2>&1); }
  if bclink bc_smelt "$BUILD/ld" && ./bc_smelt/p >bc.out 2>&1 && cmp -s bc.out "$SRC/$C/expected" &&
     global_sym bc_smelt/p ir_exported && ! global_sym bc_smelt/p lib_twice; then
    pass "LTO: LLVM bitcode through LLVMgold.so (objects, an llvm-ar archive, regular code)"
  else
    fail "LTO: LLVM bitcode"; show bc_smelt/link.log; show bc.out
  fi
  if $CLANG -O2 -flto=thin -c "$SRC/$C/a.c" -o thin_a.o 2>>build.log &&
     $CLANG -O2 -flto=thin -c "$SRC/$C/l1.c" -o thin_l1.o 2>>build.log &&
     $CLANG -flto=thin -fuse-ld="$BUILD/ld" -static thin_a.o bc_reg.o thin_l1.o -o thin >thin.log 2>&1 &&
     ./thin >thin.out 2>&1 && cmp -s thin.out "$SRC/$C/expected"; then
    pass "LTO: ThinLTO (clang -flto=thin)"
  else
    fail "LTO: ThinLTO"; show thin.log; show thin.out
  fi
  if command -v ld.bfd >/dev/null && bclink bc_bfd bfd && [ -s bc_smelt/p.resolution.txt ]; then
    cmp -s bc_bfd/p.resolution.txt bc_smelt/p.resolution.txt &&
      pass "LTO: LLVMgold's resolutions are GNU ld's" ||
      { fail "LTO: LLVMgold's resolutions differ"; diff bc_bfd/p.resolution.txt bc_smelt/p.resolution.txt | show -; }
  fi
fi
if compile fa.o a.c -O2 -flto -ffat-lto-objects && compile fl1.o l1.c -O2 -flto -ffat-lto-objects &&
   readelf -SW fa.o | grep -q '\.gnu\.lto_'; then
  link fatlto -O2 -flto fa.o fl1.o reg.o && verify "LTO of -ffat-lto-objects objects" fatlto &&
    ! global_sym fatlto lib_twice && pass "LTO of -ffat-lto-objects: their bytecode was compiled"
  link fatnolto -fno-lto fa.o fl1.o reg.o && ! readelf -SW fatnolto | grep -q '\.gnu\.lto_' &&
    global_sym fatnolto lib_twice &&
    verify "-ffat-lto-objects with -fno-lto: the regular code linked, the bytecode left out" fatnolto
fi

# --- call graph profile sort: profile.s (clang's .cg_profile directives,
# what -fprofile-use writes as .llvm.call-graph-profile, REL relocations on
# every target) says main -> f5 -> f2 -> f6 is hot: those four come first
# in .text, in that order, next to each other; without the profile (or
# with --no-call-graph-profile-sort) the source order. An ordering file
# of "CALLER CALLEE WEIGHT" lines does the same with gcc alone.
enter cgsort
# order BINARY: the six functions and main by address
order() { nm -n "$1" | awk '$3 ~ /^(f[1-6]|main)$/ { printf "%s ", $3 }'; }
# adjacent BINARY F G...: these functions one after the other among the
# code symbols (not aarch64's $x mapping symbols), nothing between them
adjacent() {
  bin=$1; shift
  nm -n "$bin" | awk '$2 ~ /^[tT]$/ && $3 !~ /^\$/ { printf " %s", $3 } END { print " " }' |
    grep -q " $* "
}
CLANG=$(command -v clang-14 || command -v clang || true)
case $ARCH in x86_64) TRIPLE=x86_64-linux-gnu ;; i386) TRIPLE=i386-linux-gnu ;; *) TRIPLE=aarch64-linux-gnu ;; esac
if compile funcs.o funcs.c -O1 -ffunction-sections; then
  link cg_plain funcs.o && verify "call graph sort: no profile, the program runs" cg_plain
  if [ -n "$CLANG" ] && "$CLANG" -target $TRIPLE -c "$SRC/$C/profile.s" -o profile.o 2>cg.log &&
     readelf -SW profile.o | grep -q 'llvm.call-graph-profile'; then
    if link cg_prof funcs.o profile.o && adjacent cg_prof main f5 f2 f6; then
      verify "call graph sort: .llvm.call-graph-profile puts main f5 f2 f6 together ($(order cg_prof))" cg_prof
    else
      fail "call graph sort: .llvm.call-graph-profile order: $(order cg_prof)"
    fi
    if link cg_off funcs.o profile.o -Wl,--no-call-graph-profile-sort &&
       [ "$(order cg_off)" = "$(order cg_plain)" ]; then
      pass "--no-call-graph-profile-sort: the order without a profile"
    else
      fail "--no-call-graph-profile-sort: $(order cg_off) vs $(order cg_plain)"
    fi
  fi
  printf 'main f4 50\nf4 f1 40\n\nf1 f3 30\n' >cg.txt
  if link cg_file funcs.o -Wl,--call-graph-ordering-file=cg.txt && adjacent cg_file main f4 f1 f3; then
    verify "--call-graph-ordering-file: main f4 f1 f3 together ($(order cg_file))" cg_file
  else
    fail "--call-graph-ordering-file: $(order cg_file)"
  fi
  printf 'main f4 50\nnosuch f1 40\n' >cg_bad.txt
  if $CC -static -B"$BUILD/" funcs.o -Wl,--call-graph-ordering-file=cg_bad.txt -o cg_warn >cgw.log 2>&1 &&
     grep -q 'cg_bad.txt:2: no such symbol: nosuch' cgw.log; then
    pass "--call-graph-ordering-file: a name no symbol has is a warning"
  else
    fail "--call-graph-ordering-file with an unknown name"; show cgw.log
  fi
fi

# --- --keep-unique: three identical functions, --icf=all folds them all
# unless one is named; a name no section defines is a warning
enter keepunique
if compile main.o main.c -O1 -ffunction-sections; then
  link ku main.o -Wl,--icf=all,--keep-unique=f2 && verify "--keep-unique: f2 keeps its own address" ku
  if link ku_all main.o -Wl,--icf=all && [ "$($RUN ./ku_all)" = "f1==f2 1 f1==f3 1 sum 99" ]; then
    pass "--icf=all without --keep-unique folds all three"
  else
    fail "--icf=all without --keep-unique"
  fi
  # clang's .llvm_addrsig under --icf=safe (C++, glibc's g++ links it;
  # x86_64): what it lists keeps its address, the rest may fold; without
  # it (-fno-addrsig) every reference other than a call counts
  CLANGXX=$(command -v clang++-14 || command -v clang++ || true)
  if [ "$ARCH" = x86_64 ] && [ -n "$CLANGXX" ] && command -v g++ >/dev/null; then
    for sig in addrsig no-addrsig; do
      "$CLANGXX" -O2 -ffunction-sections -f$sig -c "$SRC/$C/vt.cc" -o vt_$sig.o 2>>build.log &&
        g++ -static -B"$BUILD/" vt_$sig.o -Wl,--icf=safe,--print-icf-sections -o vt_$sig \
          >vt_$sig.log 2>&1
    done
    if [ "$(./vt_addrsig)" = "138 pa==pb 0" ] && [ "$(./vt_no-addrsig)" = "138 pa==pb 0" ] &&
       grep -q 'removing identical section vt_addrsig.o:(.text._ZNK1B1fEi)' vt_addrsig.log &&
       ! grep -q '_Z2pbi' vt_addrsig.log && ! grep -q 'vt_no-addrsig.o' vt_no-addrsig.log; then
      pass "--icf=safe reads .llvm_addrsig: B::f folds into A::f, pa and pb stay apart"
    else
      fail "--icf=safe with .llvm_addrsig"; show vt_addrsig.log 6
    fi
  fi
  if $CC -static -B"$BUILD/" main.o -Wl,--icf=all,--keep-unique=nosuch -o ku_none >ku.log 2>&1 &&
     grep -q 'warning: --keep-unique: no section defines nosuch' ku.log; then
    pass "--keep-unique naming no symbol: a warning"
  else
    fail "--keep-unique naming no symbol"; show ku.log
  fi
fi

# --- libc coverage
enter libc
{ compile main.o main.c $OPT && link libc main.o -lm && verify "libc: qsort, strtod, snprintf, math" libc; } ||
  broken libc

# --- exit() from nested calls with atexit handlers
enter exit
{ compile main.o main.c $OPT && link exit main.o && verify "exit() from a nested function" exit; } ||
  broken exit

# --- __start_SEC/__stop_SEC
enter mysec
if compile main.o main.c $OPT && compile other.o other.c $OPT; then
  { link mysec main.o other.o && verify "section array via __start_mysec/__stop_mysec" mysec; } ||
    broken mysec
  { link mysec_gc -Wl,--gc-sections main.o other.o &&
      verify "__start_mysec/__stop_mysec keep mysec under --gc-sections" mysec_gc; } || broken "mysec gc"
else
  broken mysec
fi

# --- -z stack-size: PT_GNU_STACK's p_memsz sizes musl's thread stacks
enter stacksize
if compile main.o main.c $OPT -pthread && link stacksize -pthread -Wl,-z,stack-size=4194304 main.o; then
  verify "-z stack-size: a thread with 1 MiB on its stack" stacksize
  readelf -lW stacksize | awk '$1 == "GNU_STACK" { print $6 }' | grep -q '^0x0*400000$' ||
    fail "-z stack-size: PT_GNU_STACK p_memsz is not 0x400000"
else
  broken stacksize
fi

# --- --wrap and --defsym
enter wrap
if compile main.o main.c $OPT && compile other.o other.c $OPT -fno-inline -fno-ipa-icf; then
  { link wrap -Wl,--wrap=malloc,--wrap=helper -Wl,--defsym=base_addr=0x12340 \
      -Wl,--defsym=twice_alias=twice,--defsym=table_third=table+8 \
      -Wl,--defsym=end_minus=_end-16,--defsym=overridden=0x77 main.o other.o &&
      verify "--wrap and --defsym" wrap; } || broken wrap
else
  broken wrap
fi

# --- --allow-multiple-definition (-z muldefs): the first definition wins;
# --push-state/--pop-state undo a --whole-archive
enter muldefs
if compile main.o main.c $OPT && compile first.o first.c $OPT -fno-inline &&
  compile second.o second.c $OPT -fno-inline -fno-section-anchors &&
  compile extra.o extra.c $OPT; then
  rm -f libextra.a
  ar rcs libextra.a extra.o
  { link muldefs main.o first.o second.o -Wl,--allow-multiple-definition \
      -Wl,--push-state,--whole-archive,--pop-state libextra.a &&
      verify "--allow-multiple-definition, --push-state/--pop-state" muldefs; } || broken muldefs
  { link muldefs2 main.o first.o second.o -Wl,-z,muldefs -Wl,--whole-archive,--push-state \
      -Wl,--no-whole-archive libextra.a -Wl,--pop-state,--no-whole-archive &&
      verify "-z muldefs, --pop-state restoring --whole-archive" muldefs2; } || broken muldefs2
else
  broken muldefs
fi

# --- segments: the program makes its PT_GNU_RELRO read-only on whole pages
# and then writes .data, .bss and TLS (RELRO shares no page with them) and
# checks that RELRO now faults. In the file, only the text segment is
# padded to a page (-z separate-code); the others meet where the previous
# one ends and start a page later in memory; -z separate-loadable-segments
# pads every segment
enter segments
# loads BIN: "offset vaddr filesz memsz flags align" per PT_LOAD, and
# PT_GNU_RELRO's with flags "RELRO"
loads() {
  readelf -lW "$1" | awk '$1 == "LOAD" || $1 == "GNU_RELRO" {
    f = ""; for (i = 7; i < NF; i++) f = f $i
    print $2, $3, $5, $6, ($1 == "LOAD" ? f : "RELRO"), $NF }'
}
# layout_errors BIN PADALL: what is wrong with BIN's segments, one line
# each. Sections in this program are aligned to less than 64 bytes, so a
# segment that continues the file has less than 64 bytes before it
layout_errors() {
  prev_end="" prev_x=0
  loads "$1" | while read -r off va fsz msz fl al; do
    if [ "$fl" = RELRO ]; then
      [ $(((va + msz) % page)) = 0 ] || echo "PT_GNU_RELRO ends at $((va + msz)), inside a page"
      continue
    fi
    page=$((al)) x=0
    case $fl in *E*) x=1 ;; esac
    if [ -n "$prev_end" ]; then
      if [ "$2" = 1 ] || [ $((x + prev_x)) -gt 0 ]; then
        [ $((off % page)) = 0 ] || echo "load at $va: offset $off not on a page"
      else
        [ $((off - prev_end)) -lt 64 ] || echo "load at $va: $((off - prev_end)) bytes of padding before it"
      fi
    fi
    prev_end=$((off + fsz)) prev_x=$x
  done
}
if compile main.o main.c $OPT; then
  { link segments main.o && verify "RELRO read-only on whole pages, data still writable" segments; } ||
    broken segments
  errs=$(layout_errors segments 0)
  [ "$(loads segments | grep -c RELRO)" = 1 ] || errs="$errs; not one PT_GNU_RELRO"
  [ "$(loads segments | grep -c ' RW ')" = 2 ] || errs="$errs; not two RW loads (RELRO, then data)"
  [ -z "$errs" ] && pass "segments: only text padded in the file, RELRO ends on a page" ||
    fail "segments: $errs"
  { link segments_all main.o -Wl,-z,separate-loadable-segments &&
      verify "-z separate-loadable-segments" segments_all; } || broken segments_all
  errs=$(layout_errors segments_all 1)
  [ -z "$errs" ] && [ "$(stat -c %s segments_all)" -gt "$(stat -c %s segments)" ] &&
    pass "-z separate-loadable-segments: every segment on a page of the file" ||
    fail "-z separate-loadable-segments: $errs"
else
  broken segments
fi

# --- undefined symbols allowed: --unresolved-symbols=ignore-all (silent) and
# --warn-unresolved-symbols (a warning naming each); they are 0
enter unresolved
if compile main.o main.c $OPT; then
  { link unresolved main.o -Wl,--unresolved-symbols=ignore-all &&
      verify "--unresolved-symbols=ignore-all: undefined symbols are 0" unresolved; } ||
    broken unresolved
  { link unresolved3 main.o -Wl,--ignore-unresolved-symbol=missing_fn,--ignore-unresolved-symbol=missing_data &&
      verify "--ignore-unresolved-symbol: the symbols named are 0" unresolved3; } ||
    broken "--ignore-unresolved-symbol"
  if $CC -static -B"$BUILD/" main.o -Wl,--warn-unresolved-symbols -o unresolved2 >warn.log 2>&1 &&
    grep -q "warning: undefined symbol: missing_fn" warn.log &&
    grep -q "warning: undefined symbol: missing_data" warn.log; then
    verify "--warn-unresolved-symbols: warnings, undefined symbols are 0" unresolved2
  else
    fail "--warn-unresolved-symbols: link failed or did not warn"; sed 's/^/    /' warn.log | head
  fi
else
  broken unresolved
fi

# --- one .text section of nearly 3 MB (PLT, GOT and TLS sequences in every
# function): the linker relocates it in parts on all threads, cut in gaps
# between relocations; the program's checksum is predicted by the generator
enter bigtext
case $ARCH in aarch64) PAD=550 ;; *) PAD=2200 ;; esac # 2200 bytes of no-ops
python3 "$SRC/bigtext/gen.py" . 1200
if $CC -O1 -fPIC -DPAD=$PAD -c big.c -o big.o 2>build.log && $CC -O1 -fPIC -c main.c -o main.o; then
  size=$((0x$(shdr big.o .text 5)))
  [ "$size" -gt 2200000 ] || fail "bigtext: test setup: .text of big.o is only $size bytes"
  for th in 1 2; do
    if link bigtext$th -Wl,--threads=$th big.o main.o; then
      $RUN ./bigtext$th >out$th 2>&1
      cmp -s out$th expected && pass "3 MB .text relocated in parts, --threads=$th" ||
        fail "3 MB .text relocated in parts, --threads=$th: printed $(head -c 40 out$th), expected $(cat expected)"
    else
      broken "bigtext --threads=$th"
    fi
  done
  cmp -s bigtext1 bigtext2 && pass "3 MB .text: identical output for --threads=1 and 2" ||
    fail "3 MB .text: output differs across --threads"
  # from an archive: the member's parts are read with pread at its offset in
  # the archive
  rm -f libbig.a
  if ar rcs libbig.a big.o && link bigtext_ar main.o libbig.a; then
    $RUN ./bigtext_ar >out_ar 2>&1
    cmp -s out_ar expected && pass "3 MB .text from an archive member" ||
      fail "3 MB .text from an archive member: printed $(head -c 40 out_ar), expected $(cat expected)"
  else
    broken "bigtext from an archive"
  fi
  # under a descriptor limit of 64 the linker keeps no input open and
  # copies big.o's parts from its mapping instead of reading them with pread
  if (ulimit -n 64 && link bigtext_nofd big.o main.o); then
    cmp -s bigtext_nofd bigtext2 && pass "3 MB .text: identical output when inputs cannot stay open" ||
      fail "3 MB .text: output differs under ulimit -n 64"
  else
    broken "bigtext under ulimit -n 64"
  fi
else
  broken bigtext
fi

# --- a small link (under 32 MiB of inputs) runs its passes on one thread,
# but writes an output of 12 MiB or more on every thread: --stats names the
# thread count at the end; the output is the same as with --threads=1
enter bigdata
for mb in 4 13; do
  if compile big$mb.o main.c -O1 -DSIZE="($mb << 20)" && link big$mb big$mb.o &&
     link big${mb}_t1 -Wl,--threads=1 big$mb.o &&
     $CC -static -B"$BUILD/" -Wl,--stats big$mb.o -o big${mb}_stats >stats$mb.log 2>&1; then
    $RUN ./big$mb >big$mb.out 2>&1
    [ "$(cat big$mb.out)" = "6 3 $mb" ] && pass "$mb MiB of .data: runs" || fail "$mb MiB of .data: printed $(head -c 60 big$mb.out)"
    cmp -s big$mb big${mb}_t1 && pass "$mb MiB of .data: identical output for --threads=1 and default" ||
      fail "$mb MiB of .data: output differs across --threads"
  else
    broken "bigdata $mb MiB"
  fi
done
if [ "$(nproc)" -ge 2 ]; then
  grep -q ', 1 thread,' stats4.log && pass "4 MiB output: a small link writes on one thread" ||
    fail "4 MiB output: --stats says $(tail -1 stats4.log)"
  grep -q ', [0-9]* threads,' stats13.log && pass "13 MiB output: a small link writes on every thread" ||
    fail "13 MiB output: --stats says $(tail -1 stats13.log)"
fi

# --- the symbol table: 120 objects whose symbols fill ~480 KiB of .symtab and
# .strtab (the linker writes them in runs of files); the program prints the
# name and address of every function, nm must read the same from the output
enter symtab
python3 "$SRC/symtab/gen.py" . 120
ok=1
for f in main f*.c; do $CC -O1 -c "${f%.c}.c" -o "${f%.c}.o" 2>>build.log || ok=0; done
if [ $ok = 1 ] && link symtab main.o f*.o && link symtab1 -Wl,--threads=1 main.o f*.o; then
  size=$((0x$(shdr symtab .symtab 5) + 0x$(shdr symtab .strtab 5)))
  [ "$size" -gt 262144 ] || fail "symtab: test setup: .symtab and .strtab hold only $size bytes"
  $RUN ./symtab | sort >printed
  nm symtab | awk '$3 ~ /_with_a_name/ { sub(/^0+/, "", $1); print $3, $1 }' | sort >read
  [ "$(wc -l <printed)" -eq 5760 ] && cmp -s printed read &&
    pass "symbol table: 5760 functions named at their addresses" ||
    fail "symbol table: nm differs from what the program prints ($(wc -l <printed) printed, $(wc -l <read) read; $(diff printed read | head -3 | tr '\n' ' '))"
  cmp -s symtab symtab1 && pass "symbol table: identical output for --threads=1" ||
    fail "symbol table: output differs across --threads"
else
  broken symtab
fi

# --- .comment: the inputs' strings (gcc's version, .ident), each once, then
# smelt's own; MS flags kept, as on a merged .debug_str; .init_array keeps
# its members' entry size (a pointer's)
enter comment
if compile main.o main.c $OPT -g && compile f.o f.c $OPT -g && link comment main.o f.o &&
   verify ".comment case runs" comment; then
  readelf -p .comment comment | sed -n 's/^ *\[ *[0-9a-f]*\] *//p' >strings
  flags=$(shdr comment .comment 7) dstr=$(shdr comment .debug_str 7) initsz=$(shdr comment .init_array 6)
  case $ARCH in i386) ptr=04 ;; *) ptr=08 ;; esac
  if [ "$(grep -c '^smelt-test ident$' strings)" = 1 ] && grep -q '^GCC: ' strings &&
     [ "$(tail -n 1 strings | cut -d' ' -f1)" = smelt ] &&
     [ "$flags" = MS ] && [ "$dstr" = MS ] && [ "$initsz" = $ptr ]; then
    pass ".comment: the inputs' strings once each, smelt's last; flags MS; .init_array entsize $ptr"
  else
    fail ".comment: flags '$flags' (.debug_str '$dstr'), .init_array entsize '$initsz', strings: $(tr '\n' '|' <strings)"
  fi
else
  broken comment
fi

# --- .text in GNU ld's order: cold, exit, start-up, hot code, the rest; with
# -ffunction-sections too (.text.unlikely.cold_fn ...)
enter textorder
for fs in "" -ffunction-sections; do
  tag=textorder$fs
  if compile $tag.o main.c $OPT $fs && link $tag $tag.o; then
    have=$(readelf -SW $tag.o | grep -oE '\.text\.(unlikely|exit|startup|hot)' | sort -u | tr '\n' ' ')
    [ "$have" = ".text.exit .text.hot .text.startup .text.unlikely " ] ||
      fail "textorder: test setup: $tag.o has only these classes of code: $have"
    verify ".text: cold, exit, start-up, hot code, then the rest ($tag)" $tag
  else
    broken "$tag"
  fi
done
# -z keep-text-section-prefix: each class its own output section, before
# .text in the same order (lld and gold keep them apart too)
for fs in "" -ffunction-sections; do
  tag=textorder$fs
  if [ -f $tag.o ] && link ${tag}_keep $tag.o -Wl,-z,keep-text-section-prefix; then
    order=$(readelf -SW ${tag}_keep | grep -oE ' \.(init|text|text\.(unlikely|exit|startup|hot))  ' |
      tr -d ' ' | tr '\n' ' ')
    [ "$order" = ".init .text.unlikely .text.exit .text.startup .text.hot .text " ] &&
      [ -z "$(readelf -SW $tag | grep -E '\.text\.(unlikely|hot) ')" ] &&
      verify "-z keep-text-section-prefix: the classes as output sections ($tag)" ${tag}_keep ||
      fail "-z keep-text-section-prefix: output sections in order '$order' ($tag)"
  else
    broken "${tag}_keep"
  fi
done
# -x drops the inputs' local symbols (ctor, FILE symbols), -X only .L ones
if [ -f textorder.o ] && link textorder_x textorder.o -Wl,-x && link textorder_X textorder.o -Wl,-x,-X; then
  locals() { readelf -sW "$1" | awk '$5 == "LOCAL" && $8 != "" { print $8 }' | sort -u | tr '\n' ' '; }
  lx=$(locals textorder_x) lX=$(locals textorder_X)
  if [ -z "$lx" ] && echo " $lX" | grep -q ' ctor ' && echo " $lX" | grep -q ' main.c '; then
    verify "-x: no local symbols in .symtab" textorder_x
  else
    fail "-x: locals '$lx' (want none); -X: locals '$lX' (want ctor, main.c)"
  fi
else
  broken "textorder -x"
fi

# --- --package-metadata: .note.package, an FDO note in PT_NOTE, %XX decoded;
# --disable-linker-version: no smelt in .comment
enter hello
json='{"type":"deb","name":"smelt-test","version":"1.0"}'
if link hello_pkg main.o '-Wl,--package-metadata={"type":"deb"%2C"name":"smelt-test"%2C"version":"1.0"}' \
     -Wl,--disable-linker-version; then
  got=$(readelf -nW hello_pkg | sed -n 's/.*Packaging Metadata: //p')
  owner=$(readelf -nW hello_pkg | awk '/FDO_PACKAGING_METADATA/ { print $1 }')
  # a PT_NOTE whose sections (readelf's segment mapping) include .note.package
  in_note=$(readelf -lW hello_pkg | awk '/^Program Headers/ { p = 1; next }
    p && $1 ~ /^[A-Z]/ && $1 != "Type" { if ($1 == "NOTE") note[n] = 1; n++ }
    /Section to Segment/ { p = 0; m = 1; next }
    m && (($1 + 0) in note) && / \.note\.package( |$)/ { ok = 1 } END { print ok + 0 }')
  if [ "$got" = "$json" ] && [ "$owner" = FDO ] && [ "$(shdr hello_pkg .note.package 2)" = NOTE ] &&
     [ "$in_note" = 1 ] && ! readelf -p .comment hello_pkg | grep -q smelt; then
    verify "--package-metadata: .note.package in PT_NOTE; --disable-linker-version" hello_pkg
  else
    fail "--package-metadata: note '$got' owner '$owner', in PT_NOTE: $in_note; .comment: $(readelf -p .comment hello_pkg | grep -c smelt) smelt"
  fi
else
  broken "--package-metadata"
fi

# --- the same output for any number of threads
C=libc; cd "$T/libc"
if [ -f main.o ] && link t1 -Wl,--threads=1 main.o -lm && link t2 -Wl,--threads=2 main.o -lm &&
   link t4 -Wl,--threads=4 main.o -lm; then
  cmp -s t1 t2 && cmp -s t1 t4 && cmp -s t1 libc && pass "--threads=1, 2, 4 and default: identical output" ||
    fail "output differs across --threads ($(cmp t1 t2 2>&1 | head -1); $(cmp t1 t4 2>&1 | head -1))"
else
  broken "--threads"
fi
C=pic; cd "$T/pic"
if [ -f main.o ] && link t1 -Wl,--threads=1 main.o a.o b.o c.o && link t2 -Wl,--threads=2 main.o a.o b.o c.o; then
  cmp -s t1 t2 && cmp -s t1 pic && pass "--threads=1 and 2: identical output (pic)" ||
    fail "pic output differs across --threads ($(cmp t1 t2 2>&1 | head -1))"
else
  broken "--threads (pic)"
fi

echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
