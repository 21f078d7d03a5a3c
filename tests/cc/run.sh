#!/bin/sh
# smelt-cc end to end for one target: C and assembly sources compiled and
# linked through the driver (in one command and in separate -c steps, with
# a user archive), a program that unwinds its own stack (needs
# _dl_find_object, which only smelt-cc supplies for musl), Go's flag
# probes, compressed debug sections, deterministic output, and the
# driver's errors.
# usage: run.sh BUILD ARCH     ARCH: x86_64 | i386 | aarch64
# Exit status: 0 all passed, 1 some failure, 77 toolchain for ARCH missing.
set -u
BUILD=$(cd "$1" && pwd)
ARCH=$2
SRC=$(cd "$(dirname "$0")" && pwd)
CC="$BUILD/smelt-cc"
case $ARCH in
x86_64) T="--target=x86_64-linux-musl"; BITS=64; RUN=""; GCC=x86_64-linux-gnu-gcc ;;
i386) T="-m32"; BITS=32; RUN=""; GCC=i686-linux-gnu-gcc ;;
aarch64) T="--target=aarch64-linux-musl"; BITS=64; RUN="qemu-aarch64"; GCC=aarch64-linux-gnu-gcc ;;
*) echo "unknown arch $ARCH"; exit 2 ;;
esac
command -v $GCC >/dev/null || { echo "no $GCC"; exit 77; }
[ -d /usr/lib/$ARCH-linux-musl ] || { echo "no musl for $ARCH"; exit 77; }
[ -z "$RUN" ] || command -v $RUN >/dev/null || { echo "no $RUN"; exit 77; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cd "$W"
mkdir tmp
export TMPDIR="$W/tmp"  # smelt-cc's temporary directories must all be gone at the end
passes=0 fails=0
pass() { echo "PASS: $ARCH: $1"; passes=$((passes + 1)); }
fail() { echo "FAIL: $ARCH: $1"; fails=$((fails + 1)); }
show() { sed 's/^/    /' "$1" | head -${2:-15}; }

# static BIN: no PT_INTERP, no PT_DYNAMIC, ET_EXEC, of the right class
static() {
  segs=$(readelf -lW "$1" 2>&1 | awk '$1 == "INTERP" || $1 == "DYNAMIC" { print $1 }' | tr '\n' ' ')
  [ -z "$segs" ] || { echo "has $segs"; return 1; }
  readelf -hW "$1" | grep -q 'Type: *EXEC' || { echo "not ET_EXEC"; return 1; }
  readelf -hW "$1" | grep -q "Class: *ELF$BITS" || { echo "not ELF$BITS"; return 1; }
}
# check LABEL BIN EXPECTED: runs BIN, stdout must equal EXPECTED, exit 0, static
check() {
  label=$1 bin=$2 want=$3
  $RUN "./$bin" >"$bin.out" 2>"$bin.err"
  st=$?
  why=$(static "$bin")
  if [ $st = 0 ] && cmp -s "$bin.out" "$want" && [ -z "$why" ]; then
    pass "$label"
  else
    fail "$label (exit $st $why)"
    diff -u "$want" "$bin.out" | sed 's/^/    /' | head -20
    show "$bin.err" 5
  fi
}

{ echo "hello from $BITS-bit musl"; cat "$SRC/hello.expected"; } >hello.expected

# --- one command: sources of three languages and a user archive
if $CC $T -O2 -c "$SRC/lib.c" -o lib.o 2>lib.log && ar rcs libsmeltcc.a lib.o; then
  if $CC $T -O2 "$SRC/hello.c" "$SRC/twice.S" -L. -lsmeltcc -o hello 2>link.log; then
    check "sources and -l from -L, one command" hello hello.expected
  else
    fail "link hello"; show link.log
  fi
else
  fail "compile lib.c with -c"; show lib.log
fi

# --- separate steps, as make does; .o files are the target's
if $CC $T -O1 -g -c "$SRC/hello.c" -o hello.o 2>c.log && $CC $T -c "$SRC/twice.S" -o twice.o 2>>c.log; then
  readelf -hW hello.o | grep -q "Class: *ELF$BITS" || fail "-c made the wrong class of object"
  if $CC $T -o hello2 hello.o twice.o libsmeltcc.a -Wl,--gc-sections -Xlinker -Map=hello2.map 2>l.log; then
    check "-c then link, -Wl and -Xlinker" hello2 hello.expected
    grep -q 'libsmeltcc.a(lib.o)' hello2.map || fail "-Xlinker -Map=: no map naming the archive member"
  else
    fail "link hello2"; show l.log
  fi
  # without -m/--target the objects decide the target (Go links arm64 so)
  if $CC -o hello3 hello.o twice.o libsmeltcc.a 2>l3.log; then
    check "target inferred from the objects" hello3 hello.expected
  else
    fail "link with the target inferred from the objects"; show l3.log
  fi
  # -r: a partial link of the objects alone (no crt files, no libc: _start
  # and printf stay undefined), then the program from it
  if $CC $T -r hello.o twice.o -o hello_r.o 2>lr.log && $CC $T hello_r.o libsmeltcc.a -o hello4 2>>lr.log; then
    if readelf -hW hello_r.o | grep -q 'Type: *REL' && nm hello_r.o | grep -q ' U printf$' &&
       ! nm hello_r.o | grep -q ' _start$'; then
      check "-r, then the program from its output" hello4 hello.expected
    else
      fail "-r: not a relocatable object of the two objects alone"; nm hello_r.o | head -5
    fi
  else
    fail "-r and the link of its output"; show lr.log
  fi
else
  fail "compile with -c"; show c.log
fi

# --- --coverage: libgcov is linked, and the counts land where gcc puts them
# (one command: p-cov.gcno and p-cov.gcda beside -o p; with -c: cov.gcno).
# On i386 Debian's libgcov.a calls glibc's fcntl64, which smelt-cc supplies.
echo 91 >cov.expected
# gcov_counts GCDA: sq() ran 7 times (line 4), main once (line 5)
gcov_counts() {
  gcov -t "$1" 2>/dev/null >gcov.out &&
    grep -Eq '^ +7: +4:static int sq' gcov.out && grep -Eq '^ +1: +5:int main' gcov.out
}
mkdir covone
if $CC $T --coverage -O1 "$SRC/cov.c" -o covone/p 2>cov.log; then
  (cd covone && check "--coverage, one command" p ../cov.expected)
  if [ -f covone/p-cov.gcno ] && [ -f covone/p-cov.gcda ] && gcov_counts covone/p-cov.gcda; then
    pass "--coverage, one command: counts in covone/p-cov.gcda"
  else
    fail "--coverage, one command: no counts in covone/p-cov.gcda: $(ls covone | tr '\n' ' ')"
    show gcov.out 12
  fi
else
  fail "link with --coverage"; show cov.log
fi
if $CC $T --coverage -c "$SRC/cov.c" -o cov.o 2>cov2.log && $CC $T -fprofile-arcs cov.o -o cov2 2>>cov2.log; then
  check "--coverage, -c then link with -fprofile-arcs" cov2 cov.expected
  if [ -f cov.gcda ] && gcov_counts cov.gcda; then
    pass "--coverage, -c then link: counts in cov.gcda"
  else
    fail "--coverage, -c then link: no counts in cov.gcda"; show gcov.out 12
  fi
else
  fail "compile or link with --coverage in two steps"; show cov2.log
fi

# --- unwinding: links (Debian's libgcc_eh.a wants _dl_find_object) and walks to main
if $CC $T -O1 -g "$SRC/unwind.c" -o unwind 2>u.log; then
  check "_Unwind_Backtrace through PT_GNU_EH_FRAME" unwind "$SRC/unwind.expected"
  nm unwind | grep -q ' T _dl_find_object$' || fail "unwind: no _dl_find_object in the image"
else
  fail "link unwind.c"; show u.log
fi
# --- unwinding where --gc-sections dropped an FDE from an object in the
# middle: the objects' .eh_frame sections must follow each other without a
# gap (zeros read as the end of .eh_frame), and .eh_frame_hdr must list the
# FDEs of the objects after it
if $CC $T -O1 -ffunction-sections -Wl,--gc-sections "$SRC/unwind_gc_main.c" "$SRC/unwind_gc_dead.c" \
  "$SRC/unwind_gc_walk.c" -o unwind_gc 2>ug.log; then
  check "_Unwind_Backtrace after --gc-sections dropped an FDE" unwind_gc "$SRC/unwind_gc.expected"
  nm unwind_gc | grep -q unused_twice && fail "unwind_gc: test setup: unused_twice was kept"
  fdes=$(readelf --debug-dump=frames unwind_gc 2>/dev/null |
    awk '/Contents of the .eh_frame section/ { on = 1 } /Contents of the .debug_frame/ { on = 0 }
         on && / FDE / { n++ } END { print n + 0 }')
  table=$(readelf -x .eh_frame_hdr unwind_gc | awk 'NR == 3 { print $4 }')
  [ "$fdes" -gt 0 ] && [ "$(printf %d 0x$(echo "$table" | sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/'))" = "$fdes" ] ||
    fail "unwind_gc: .eh_frame_hdr lists $table (LE hex) of $fdes FDEs"
else
  fail "link unwind_gc"; show ug.log
fi
if [ -f hello ] && nm hello | grep -q _dl_find_object; then
  fail "_dl_find_object linked into a program that does not unwind"
fi

# --- C++ exceptions (where the target's gcc has cc1plus: g++ on the host)
if [ -x "$($GCC -print-prog-name=cc1plus)" ]; then
  if $CC $T -O2 "$SRC/exceptions.cc" -lsupc++ -o exceptions 2>x.log; then
    check "C++ exceptions with destructors" exceptions "$SRC/exceptions.expected"
  else
    fail "link exceptions.cc"; show x.log
  fi
else
  echo "SKIP: $ARCH: C++ exceptions (no cc1plus for $GCC)"
fi

# --- Go's probes: accepted flags exit 0 and say nothing about unrecognized
# or unknown options; others make it say "unrecognized" and exit 1
echo 'int main() { return 0; }' >trivial.c
for flag in -Qunused-arguments -Wl,--compress-debug-sections=zlib -no-pie; do
  out=$($CC $T $flag trivial.c 2>&1); st=$?
  if [ $st = 0 ] && ! printf '%s' "$out" | grep -q 'unrecognized\|unknown' && [ -x a.out ]; then
    pass "probe $flag accepted"
  else
    fail "probe $flag: exit $st, output: $out"
  fi
  rm -f a.out
done
out=$($CC $T --frobnicate trivial.c 2>&1); st=$?
if [ $st = 1 ] && printf '%s' "$out" | grep -q "unrecognized command-line option '--frobnicate'" && [ ! -e a.out ]; then
  pass "probe of an unknown flag fails with 'unrecognized'"
else
  fail "unknown flag: exit $st, output: $out"
fi

# --- compressed DWARF when asked, byte-identical output on every link
if $CC $T -g -O1 "$SRC/unwind.c" -Wl,--compress-debug-sections=zlib -o z1 2>z.log &&
   $CC $T -g -O1 "$SRC/unwind.c" -Wl,--compress-debug-sections=zlib -o z2 2>>z.log; then
  ncomp=$(readelf -SW z1 | awk '/\.debug_info/ && / C /' | wc -l)
  [ "$ncomp" = 1 ] && pass "--compress-debug-sections=zlib: .debug_info is SHF_COMPRESSED" ||
    { fail ".debug_info not compressed"; readelf -SW z1 | grep debug | show /dev/stdin; }
  cmp -s z1 z2 && pass "two links are byte-identical" || fail "two links of the same inputs differ"
  check "compressed-debug program runs" z1 "$SRC/unwind.expected"
else
  fail "link with compressed debug sections"; show z.log
fi

# --- queries and pass-through
m=$($CC $T -dumpmachine)
[ "$m" = "$ARCH-linux-musl" ] && pass "-dumpmachine" || fail "-dumpmachine says '$m'"
f=$($CC $T -print-file-name=libc.a)
[ "$f" = "/usr/lib/$ARCH-linux-musl/libc.a" ] && pass "-print-file-name=libc.a is musl's" ||
  fail "-print-file-name=libc.a says '$f'"
$CC $T -c -x c /dev/null -o /dev/null --print-search-dirs | grep -q "^libraries: =/usr/lib/$ARCH-linux-musl/" &&
  pass "--print-search-dirs (as meson asks it) lists musl's directory first" ||
  fail "--print-search-dirs does not list /usr/lib/$ARCH-linux-musl first"
if echo '#include <stdio.h>' | $CC $T -E -x c - 2>/dev/null | grep -q "/usr/include/$ARCH-linux-musl/stdio.h"; then
  pass "-E reads musl's headers"
else
  fail "-E does not read /usr/include/$ARCH-linux-musl/stdio.h"
fi

# --- errors: one message, exit 1, no output file
expect_error() {  # LABEL PATTERN CMD...
  label=$1 pat=$2; shift 2
  rm -f out.bin
  "$@" -o out.bin >err.log 2>&1; st=$?
  if [ $st = 1 ] && grep -q "$pat" err.log && [ ! -e out.bin ]; then
    pass "error: $label"
  else
    fail "error: $label: exit $st, want /$pat/"; show err.log 5
  fi
}
expect_error "missing source" "smelt-cc: error: nosuch.c: No such file or directory" $CC $T nosuch.c
expect_error "missing object" "smelt-cc: error: nosuch.o: No such file or directory" $CC $T nosuch.o
expect_error "unknown target" "smelt-cc: error: unsupported target 'riscv64-linux-musl'" \
  $CC --target=riscv64-linux-musl trivial.c
expect_error "-shared" "smelt-cc: error: -shared is not supported" $CC $T -shared trivial.c
expect_error "no inputs" "smelt-cc: error: no input files" $CC $T
echo 'int main(void) { return undefined_here(); }' >undef.c
expect_error "undefined symbol" "undefined symbol: undefined_here" $CC $T -w undef.c
echo 'int main(void) { return }' >syntax.c
expect_error "compile error" "error" $CC $T syntax.c
if [ "$ARCH" = aarch64 ]; then
  expect_error "-m32 on aarch64" "smelt-cc: error: -m32 is not supported for aarch64" $CC $T -m32 trivial.c
fi
# a failed link leaves an existing output alone
echo old >keep.bin
$CC $T -w undef.c -o keep.bin >/dev/null 2>&1
[ "$(cat keep.bin)" = old ] && pass "failed link leaves the old output" || fail "failed link touched the old output"
left=$(ls "$TMPDIR")
[ -z "$left" ] && pass "no temporary files left" || fail "temporary files left: $left"

echo "$ARCH: $passes passed, $fails failed"
[ $fails = 0 ]
