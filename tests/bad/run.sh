#!/bin/sh
# Negative tests: each bad input gives one clear error, exit status 1, and
# leaves an existing output file exactly as it was (no temporary left over).
# usage: run.sh BUILD
set -u
BUILD=$(cd "$1" && pwd)
SMELT="$BUILD/smelt"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
fails=0
passes=0
CRT="/usr/lib/x86_64-linux-musl"

# expect NAME PATTERN COMMAND... : the link must fail with exit 1, print
# PATTERN (grep -E), and leave ./out untouched.
expect() {
  name=$1 pattern=$2
  shift 2
  mkdir -p "case-$name"
  printf 'previous output\n' >"case-$name/out"
  "$@" -o "case-$name/out" >"case-$name/log" 2>&1
  status=$?
  problems=""
  [ "$status" = 1 ] || problems="$problems exit=$status"
  grep -Eq "$pattern" "case-$name/log" || problems="$problems message"
  [ "$(cat "case-$name/out")" = "previous output" ] || problems="$problems output-touched"
  [ "$(ls -A "case-$name" | grep -c smelt)" = 0 ] || problems="$problems temp-left"
  if [ -z "$problems" ]; then
    echo "PASS: $name"; passes=$((passes + 1))
  else
    echo "FAIL: $name:$problems"; fails=$((fails + 1)); sed 's/^/    /' "case-$name/log"
  fi
}

link() { "$SMELT" -static -e main "$@"; }

cat >main.c <<'C'
int foo(void);
int bar(int);
int main(void) { return foo() + bar(2); }
C
musl-gcc -O1 -c main.c
expect undefined 'smelt: error: undefined symbol: foo' link main.o
grep -q '>>> referenced by main.o:(.text.startup+0x[0-9a-f]*)\|>>> referenced by main.o:(.text+0x[0-9a-f]*)' \
  case-undefined/log && grep -q 'undefined symbol: bar' case-undefined/log &&
  { echo "PASS: undefined: both symbols with locations"; passes=$((passes + 1)); } ||
  { echo "FAIL: undefined: locations"; cat case-undefined/log; fails=$((fails + 1)); }

printf 'int dup = 1;\nint main(void) { return 0; }\n' >d1.c
printf 'int dup = 2;\n' >d2.c
musl-gcc -c d1.c d2.c
expect duplicate 'smelt: error: duplicate symbol: dup' link d1.o d2.o
grep -q '>>> defined in d1.o' case-duplicate/log && grep -q '>>> defined in d2.o' case-duplicate/log &&
  { echo "PASS: duplicate: both files named"; passes=$((passes + 1)); } ||
  { echo "FAIL: duplicate: files"; fails=$((fails + 1)); }

head -c 200 d1.o >trunc.o
expect truncated 'trunc.o: .*truncated' link trunc.o
head -c 40 d1.o >trunc-header.o
expect truncated-header 'trunc-header.o: .*truncated' link trunc-header.o

printf '.globl main\nmain: ret\n' >m32.s
as --32 m32.s -o m32.o
expect wrong-machine 'm32.o: .*incompatible' link d1.o m32.o

printf '!<arch>\nthis is not an archive member header at all, just junk bytes\n' >junk.a
expect garbage-archive 'junk.a: .*archive' link d1.o junk.a
printf '!<arch>\nmember.o/       0           0     0     644     999999    `\nshort' >short.a
expect archive-member-past-end 'short.a: .*archive' link d1.o short.a

expect missing-file 'cannot open nosuch.o' link d1.o nosuch.o
expect missing-library 'unable to find library -lnosuchlib' link d1.o -lnosuchlib
expect shared 'static' "$SMELT" -shared d1.o
expect pie-without-static 'static' "$SMELT" -pie d1.o
expect shared-object-input 'shared' link d1.o "$CRT/libc.so"
printf 'SECTIONS { }\n' >script.ld
expect linker-script 'not supported' link -T script.ld d1.o

musl-gcc -O2 -flto -c -o lto.o d1.c
expect lto 'LTO' link lto.o

cat >ifunc.c <<'C'
static int impl(void) { return 0; }
static int (*resolve(void))(void) { return impl; }
int chosen(void) __attribute__((ifunc("resolve")));
int main(void) { return chosen(); }
C
musl-gcc -c ifunc.c
expect ifunc 'IFUNC' link ifunc.o

# An absolute symbol beyond 4 GiB through a 32-bit zero-extended field.
printf '.globl far\n.set far, 0x123456789\n' >far.s
printf '.globl main\nmain: movl $far, %%eax\nret\n' >use.s
as far.s -o far.o && as use.s -o use.o
expect out-of-range 'use.o:\(\.text\+0x1\): relocation R_X86_64_32 against far out of range' link use.o far.o

printf 'int main(void) { return 0; }\n' >ok.c
musl-gcc -c ok.c
link ok.o -o nodir/x >nodir.log 2>&1
if [ $? = 1 ] && grep -q 'cannot create output file nodir/x' nodir.log; then
  echo "PASS: no-output-dir"; passes=$((passes + 1))
else
  echo "FAIL: no-output-dir"; cat nodir.log; fails=$((fails + 1))
fi
mkdir ro && chmod 555 ro
if [ "$(id -u)" != 0 ]; then
  expect unwritable-dir 'cannot create output file' link ok.o -o ro/x
fi
# disk full: the file size limit stops the write; nothing is left behind
full() { (ulimit -f 8; "$SMELT" -static "$CRT/crt1.o" "$CRT/crti.o" ok.o "$CRT/libc.a" \
  "$CRT/crtn.o" --build-id "$@"); }
expect disk-full 'cannot write output file' full

echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
