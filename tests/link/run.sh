#!/bin/sh
# End-to-end link tests: C programs compiled with the musl toolchain of ARCH,
# linked by smelt exactly as gcc drives it (-static -B<build dir>), run, and
# checked for their exact output, exit status, and the absence of PT_INTERP
# and PT_DYNAMIC.
# usage: run.sh BUILD ARCH      (ARCH: x86_64, i386, aarch64)
set -u
BUILD=$(cd "$1" && pwd)
ARCH=${2:-x86_64}
SRC=$(cd "$(dirname "$0")/cases" && pwd)
case $ARCH in
x86_64) CC="musl-gcc"; RUN="" ;;
i386) CC="i686-linux-gnu-gcc -specs /usr/lib/i386-linux-musl/musl-gcc.specs"; RUN="" ;;
aarch64) CC="aarch64-linux-gnu-gcc -specs /usr/lib/aarch64-linux-musl/musl-gcc.specs"
  RUN="qemu-aarch64" ;;
*) echo "unknown arch $ARCH"; exit 2 ;;
esac
command -v ${CC%% *} >/dev/null || { echo "no compiler for $ARCH: skipped"; exit 77; }
[ -z "$RUN" ] || command -v $RUN >/dev/null || { echo "no $RUN: skipped"; exit 77; }
if [ "$($CC -B"$BUILD/" -print-prog-name=ld)" != "$BUILD/ld" ]; then
  echo "gcc does not pick $BUILD/ld"; exit 1
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
fails=0
passes=0

# check NAME STATUS EXPECTED: runs ./NAME and compares stdout and status
check() {
  name=$1 want_status=$2 want=$3
  if ! readelf -lW "$name" >phdrs 2>&1 || grep -Eq ' (INTERP|DYNAMIC) ' phdrs; then
    echo "FAIL: $name: has INTERP or DYNAMIC (or is not ELF)"; fails=$((fails + 1)); return
  fi
  $RUN ./"$name" >out 2>err
  status=$?
  if [ "$status" = "$want_status" ] && [ "$(cat out)" = "$want" ]; then
    echo "PASS: $name"; passes=$((passes + 1))
  else
    echo "FAIL: $name (status $status, want $want_status)"; fails=$((fails + 1))
    printf '%s\n' "--- want" "$want" "--- got"; cat out err
  fi
}

# build NAME "CFLAGS" SOURCES... : compile each source and link them
build() {
  name=$1 cflags=$2
  shift 2
  objs=""
  for s in "$@"; do
    o="${name}_$(basename "$s" .c).o"
    $CC $cflags -c "$SRC/$s" -o "$o" || { linkfail "$name"; return 1; }
    objs="$objs $o"
  done
  $CC -static -B"$BUILD/" $objs $LIBS -o "$name" || { linkfail "$name"; return 1; }
}

linkfail() { echo "FAIL: $1: did not build"; fails=$((fails + 1)); }

LIBS=""
build hello "-O2" hello.c && check hello 0 "hello, world"

build common "-O1 -fcommon" common_a.c common_b.c &&
  check common 0 "counter=10 initialized=7 shared=11 tail=3 zero=0"

build weak "-O1" weak_a.c weak_b.c &&
  check weak 0 "who=strong data=2 fn=absent var=absent"

# Archives: a -> b -> c across members and archives; an unneeded member
# must stay out; a group resolves references in both directions.
for s in ar_a ar_b ar_unused ar_c ar_g1 ar_g2; do $CC -O1 -c "$SRC/$s.c" -o $s.o; done
ar rcs liba.a ar_a.o ar_b.o ar_unused.o
ar rcs libc2.a ar_c.o
ar rcs libg1.a ar_g1.o
ar rcs libg2.a ar_g2.o
$CC -O1 -c "$SRC/ar_main.c" -o ar_main.o
if $CC -static -B"$BUILD/" ar_main.o liba.a libc2.a -Wl,--start-group libg2.a libg1.a \
  -Wl,--end-group -o archives; then check archives 0 "a=111 g1=22"; else linkfail archives; fi

build ctors "-O1" ctors.c && check ctors 0 "ctor 101
ctor 102
ctor 65535
ctor plain
main
atexit second
atexit first
dtor plain
dtor 200
dtor 101"

TLS_OUT="main: 42 3 template 5 1004
thread: 142 77 Template 5 9
main again: 42 3 template 1004"
for model in global-dynamic local-dynamic initial-exec local-exec; do
  build tls-$model "-O1 -fPIC -ftls-model=$model" tls_main.c tls_other.c &&
    check tls-$model 0 "$TLS_OUT"
done
build tls-gnu2 "-O1 -fPIC -mtls-dialect=gnu2" tls_main.c tls_other.c && check tls-gnu2 0 "$TLS_OUT"
# the models really were emitted (so the relaxations above were exercised)
if [ "$ARCH" = x86_64 ]; then
  for pair in global-dynamic:TLSGD local-dynamic:TLSLD initial-exec:GOTTPOFF \
              local-exec:TPOFF32 gnu2:GOTPC32_TLSDESC; do
    if readelf -rW "tls-${pair%%:*}_tls_main.o" | grep -q "R_X86_64_${pair#*:}"; then
      passes=$((passes + 1))
    else
      echo "FAIL: tls-${pair%%:*} objects carry no R_X86_64_${pair#*:}"; fails=$((fails + 1))
    fi
  done
fi
build tls-pie "-O1" tls_main.c tls_other.c && check tls-pie 0 "$TLS_OUT"

$CC -O1 -fpic -c "$SRC/pic_a.c" -o pic_a.o
$CC -O1 -fPIC -c "$SRC/pic_b.c" -o pic_b.o
$CC -O1 -fno-pic -c "$SRC/pic_c.c" -o pic_c.o
$CC -static -B"$BUILD/" pic_a.o pic_b.o pic_c.o -o pic || linkfail pic
[ -f pic ] && check pic 0 "data_b=21 via_c=21 fn_b=101 fn_c=204 same_fn=1 same_data=1"

build setjmp "-O2" jmp.c && check setjmp 0 "longjmp returned 42"

build symbols "-O1" symbols.c && check symbols 0 "ehdr is ELF: 1
executable_start == ehdr: 1
bss within [__bss_start, _end): 1
end == _end: 1, etext == _etext: 1
data before _edata: 1
main before _etext: 1"

build sections "-O2 -ffunction-sections -fdata-sections" sections_a.c sections_b.c &&
  check sections 0 "zero one two three four five six seven many 
entries=3 sum=43 other=1"

build libc "-O2" libc.c && check libc 3 "1 3 5 7 9 | 3.142 1e-05 1.234568e+04 | 24
exiting from depth 0
atexit ran"

# Same inputs, any thread count: the same bytes.
$CC -static -B"$BUILD/" -Wl,--threads=1 sections_sections_a.o sections_sections_b.o -o t1
$CC -static -B"$BUILD/" -Wl,--threads=2 sections_sections_a.o sections_sections_b.o -o t2
$CC -static -B"$BUILD/" -Wl,--threads=3 sections_sections_a.o sections_sections_b.o -o t3
if cmp -s t1 t2 && cmp -s t1 t3; then
  echo "PASS: byte-identical output for --threads=1/2/3"; passes=$((passes + 1))
else
  echo "FAIL: output differs across --threads"; fails=$((fails + 1))
fi

echo "$passes passed, $fails failed ($ARCH)"
[ "$fails" = 0 ]
