#!/bin/sh
# Negative tests: bad inputs and unsupported requests. For each, smelt must
# exit with status exactly 1, print a clear `smelt: error:` message naming
# the file and the problem, leave a pre-existing output file byte-identical
# and leave no temporary file (.<name>.smelt-XXXXXX) behind. All inputs are
# generated here from C, assembly and printf; no binaries are committed.
# usage: run.sh BUILD
set -u
BUILD=$(cd "$1" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
SMELT="$BUILD/smelt"
command -v musl-gcc >/dev/null && command -v as >/dev/null || { echo "musl-gcc or as missing"; exit 77; }
[ -x "$SMELT" ] || { echo "no $SMELT"; exit 1; }
. "$HERE/../lib.sh"

# has_line PATTERN: some line of log contains every " && "-separated fixed string
has_line() {
  awk -v p="$1" 'BEGIN { n = split(p, a, / && /) }
    { ok = 1; for (i = 1; i <= n; i++) if (!index($0, a[i])) ok = 0; if (ok) found = 1 }
    END { exit !found }' log
}
# bad NAME PATTERN... -- ARGS...: run `smelt -o out/prog ARGS...` over an
# existing out/prog; each PATTERN must match a line of the output (see has_line)
problems=""
LINK=$SMELT
bad() {
  name=$1; shift
  n=0
  while [ "$1" != -- ]; do n=$((n + 1)); eval "pat_$n=\$1"; shift; done
  shift
  rm -rf out && mkdir out
  printf 'an old output that a failed link must not touch\n' >out/prog
  cp out/prog prog.ref
  $LINK -o out/prog "$@" >log 2>&1
  st=$?
  problems=""
  [ "$st" = 1 ] || problems="$problems exit status $st, expected 1;"
  grep -q '^smelt: error: ' log || problems="$problems no 'smelt: error:' line;"
  i=1
  while [ $i -le $n ]; do
    eval "p=\$pat_$i"
    has_line "$p" || problems="$problems no line with '$p';"
    i=$((i + 1))
  done
  cmp -s out/prog prog.ref || problems="$problems output file changed;"
  left=$(ls -A out | grep -vx prog | tr '\n' ' ')
  [ -z "$left" ] || problems="$problems left behind: $left;"
  report "$name" "$@"
}
report() {
  name=$1; shift
  if [ -z "$problems" ]; then
    pass "$name"
    [ -z "${VERBOSE:-}" ] || sed 's/^/    | /' log
  else
    fail "$name:$problems"
    echo "    command: $LINK -o out/prog $*"
    sed 's/^/    | /' log | head -12
  fi
}
# reloc_at OBJ SYM [SECTION]: "0xOFF", the offset of the first relocation against SYM
reloc_at() {
  readelf -rW "$1" | awk -v s="$2" '$5 == s { print "0x" $1; exit }' | xargs printf '0x%x'
}
# shdr OBJ NAME: "INDEX OFFSET SIZE" of section NAME (offset and size in hex)
shdr() { readelf -SW "$1" 2>/dev/null | sed 's/\[ */[/' | awk -v n="$2" '$2 == n { gsub(/[][]/, "", $1); print $1, $5, $6 }'; }
# poke FILE OFFSET BYTES: overwrite bytes (printf escapes) at OFFSET
poke() { printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null; }

# ---------------------------------------------------------------- inputs
cat >main.c <<'EOF'
int main(void) { return 0; }
EOF
cat >u.c <<'EOF'
extern int missing_one(void);
extern int missing_two;
int main(void) { return missing_one() + missing_two; }
EOF
cat >u2.c <<'EOF'
extern int missing_three(int);
int helper(int x) { return missing_three(x) * 2; }
EOF
cat >d1.c <<'EOF'
int dup_sym = 1;
int dup_fn(void) { return 1; }
int main(void) { return dup_sym + dup_fn(); }
EOF
cat >d2.c <<'EOF'
int dup_sym = 2;
int dup_fn(void) { return 2; }
EOF
cat >tls1.c <<'EOF'
__thread int tls_var = 1;
int plain_var = 2;
EOF
cat >tls2.c <<'EOF'
extern int tls_var;              /* thread-local in tls1.c */
extern __thread int plain_var;   /* not thread-local in tls1.c */
int main(void) { return tls_var + plain_var; }
EOF
must musl-gcc -O0 -c main.c u.c d1.c d2.c tls1.c tls2.c
must musl-gcc -O0 -ffunction-sections -c u2.c
must musl-gcc -O2 -flto -c main.c -o lto.o
must musl-gcc -O2 -flto -c u.c -o lto_u.o
must musl-gcc -O2 -flto -c d1.c -o lto_d1.o
printf '.globl far\n.set far, 0x123456789\n' >far.s
printf '.text\n.globl main\nmain:\n\tnop\n\tmovl $far, %%eax\n\tret\n' >use.s
printf '.text\n.globl helper32\nhelper32:\n\tret\n' >m32.s
must as far.s -o far.o
must as use.s -o use.o
must as --32 m32.s -o m32.o
must ar rcs libu.a u2.o
readelf -rW use.o | grep -q 'R_X86_64_32 .* far' || { echo "FAIL: test setup: use.o has no R_X86_64_32 to far"; exit 1; }
readelf -SW lto.o | grep -q '\.gnu\.lto_' || { echo "FAIL: test setup: lto.o has no .gnu.lto_ sections"; exit 1; }

NS="-static -e main" # no libc needed: main is the entry and calls nothing

# ---------------------------------------------------------------- undefined symbols
off1=$(reloc_at u.o missing_one) off2=$(reloc_at u.o missing_two) off3=$(reloc_at u2.o missing_three)
bad "undefined symbols: all reported, with their references" \
  "smelt: error: undefined symbol: missing_one" \
  "smelt: error: undefined symbol: missing_two" \
  "smelt: error: undefined symbol: missing_three" \
  ">>> referenced by u.o:(.text+$off1)" \
  ">>> referenced by u.o:(.text+$off2)" \
  ">>> referenced by u2.o:(.text.helper+$off3)" \
  -- $NS u.o u2.o
# each ">>> referenced by" belongs to the symbol reported just before it
if [ -z "$problems" ]; then
  awk '/undefined symbol: missing_one$/ { getline; ok1 = index($0, "u.o:(.text+'"$off1"')") }
       /undefined symbol: missing_two$/ { getline; ok2 = index($0, "u.o:(.text+'"$off2"')") }
       END { exit !(ok1 && ok2) }' log &&
    pass "undefined symbols: each reference follows its symbol" ||
    { fail "undefined symbols: references not under their symbols"; sed 's/^/    | /' log | head; }
fi
bad "undefined symbol referenced from an archive member" \
  "undefined symbol: missing_three" ">>> referenced by && libu.a && u2.o && .text.helper" \
  -- $NS -u helper main.o libu.a
# a failed link into a fresh directory creates nothing at all
rm -rf fresh && mkdir fresh
"$SMELT" $NS -o fresh/prog u.o >log 2>&1
st=$?
[ "$st" = 1 ] && [ -z "$(ls -A fresh)" ] && pass "failed link creates no output file" ||
  fail "failed link into an empty directory: status $st, left: $(ls -A fresh | tr '\n' ' ')"

# ---------------------------------------------------------------- duplicate symbols
bad "duplicate symbols" \
  "smelt: error: duplicate symbol: dup_sym" \
  "smelt: error: duplicate symbol: dup_fn" \
  ">>> defined in && d1.o" ">>> defined in && d2.o" \
  -- $NS d1.o d2.o
if [ -z "$problems" ]; then
  awk '/duplicate symbol: dup_sym$/ { getline a; getline b; ok = index(a, ">>> defined in") && index(a, "d1.o") &&
         index(b, ">>> defined in") && index(b, "d2.o") } END { exit !ok }' log &&
    pass "duplicate symbol: both definitions listed under it" ||
    { fail "duplicate symbol: definitions not listed under the symbol"; sed 's/^/    | /' log | head; }
fi

# ---------------------------------------------------------------- TLS attribute mismatch
# the code of tls2.o would address the thread pointer's block for a plain
# variable, and a plain address for a thread-local one
bad "TLS attribute mismatch" \
  "smelt: error: TLS attribute mismatch: tls_var" ">>> thread-local in && tls1.o (.tdata)" \
  ">>> not thread-local in && tls2.o" \
  "smelt: error: TLS attribute mismatch: plain_var" ">>> not thread-local in && tls1.o (.data)" \
  ">>> thread-local in && tls2.o" \
  -- $NS tls1.o tls2.o

# ---------------------------------------------------------------- --defsym
bad "--defsym with an expression smelt does not take" \
  "smelt: error: --defsym a=b*2: unsupported expression" -- $NS --defsym a=b*2 main.o
bad "--defsym without =" "smelt: error: --defsym a: expected NAME=EXPRESSION" -- $NS --defsym a main.o
bad "--defsym naming an undefined symbol" \
  "smelt: error: undefined symbol: nosuch" ">>> referenced by --defsym alias" \
  -- $NS --defsym=alias=nosuch+4 main.o

# ---------------------------------------------------------------- image base, -r
bad "--image-base off a page boundary" \
  "smelt: error: --image-base 0x10000800 is not a multiple of the page size" \
  -- $NS --image-base=0x10000800 main.o
bad "--image-base that is not a number" "smelt: error: --image-base: expected an address" \
  -- $NS --image-base=base main.o
bad "-z stack-size that is not a number" "smelt: error: -z stack-size: expected a size in bytes" \
  -- $NS -z stack-size=big main.o
bad "-r with --gc-sections" "smelt: error: -r and --gc-sections may not be used together" \
  -- -r --gc-sections main.o
bad "-r with -pie" "smelt: error: -r and -pie may not be used together" -- -r -pie main.o
bad "-r with -shared" "smelt: error: -r and -shared may not be used together" -- -r -shared main.o
bad "-r with --icf" "smelt: error: -r and --icf may not be used together" -- -r --icf=all main.o
bad "-r with --gdb-index" "smelt: error: -r and --gdb-index may not be used together" \
  -- -r --gdb-index main.o
# clang's .llvm_addrsig with an index past the symbol table: --icf=safe
# warns and reads the file's relocations instead (an error here, under
# --fatal-warnings)
if command -v clang-14 >/dev/null; then
  printf 'int f(int x) { return x; }\nint (*p)(int) = f;\nint main(void) { return p(0); }\n' >as.c
  must clang-14 -O1 -c as.c -o as.o
  AS_SIG=$(shdr as.o .llvm_addrsig)
  [ -n "$AS_SIG" ] || { echo "FAIL: test setup: clang wrote no .llvm_addrsig"; exit 1; }
  poke as.o $((0x$(echo "$AS_SIG" | cut -d' ' -f2))) '\177'
  bad "--icf=safe: a .llvm_addrsig index past the symbol table" \
    "as.o: .llvm_addrsig: symbol index 127 out of range" -- $NS --icf=safe --fatal-warnings as.o
fi
printf 'main main 10\nmain\n' >cg_short.txt
bad "--call-graph-ordering-file: a line without a weight" \
  "smelt: error: cg_short.txt:2: expected CALLER CALLEE WEIGHT" \
  -- $NS --call-graph-ordering-file=cg_short.txt main.o
bad "--call-graph-ordering-file that does not exist" \
  "cannot open --call-graph-ordering-file nosuch.txt" \
  -- $NS --call-graph-ordering-file=nosuch.txt main.o
bad "--symbol-ordering-file with --call-graph-ordering-file" \
  "may not be used together" \
  -- $NS --symbol-ordering-file=cg_short.txt --call-graph-ordering-file=cg_short.txt main.o
bad "--call-graph-profile-sort with an unknown algorithm" \
  "--call-graph-profile-sort: expected none, hfsort or cdsort, not 'best'" \
  -- $NS --call-graph-profile-sort=best main.o
bad "-z dead-reloc-in-nonalloc without a value" \
  "smelt: error: -z dead-reloc-in-nonalloc: expected GLOB=VALUE, not '.debug_info'" \
  -- $NS -z dead-reloc-in-nonalloc=.debug_info main.o
bad "-z dead-reloc-in-nonalloc with a value that is no number" \
  "smelt: error: -z dead-reloc-in-nonalloc: expected GLOB=VALUE, not '.debug_*=tomb'" \
  -- $NS -z 'dead-reloc-in-nonalloc=.debug_*=tomb' main.o
bad "-r: --defsym naming a symbol no input defines" \
  "smelt: error: --defsym alias=nosuch: nosuch is not defined by an input" -- -r --defsym=alias=nosuch main.o
bad "-r: a missing input" "smelt: error: " "nosuch.o" -- -r main.o nosuch.o

# ---------------------------------------------------------------- corrupt and foreign files
size=$(stat -c %s main.o)
head -c 40 main.o >trunc-header.o
head -c 200 main.o >trunc-body.o
head -c $((size - 10)) main.o >trunc-shdrs.o
for f in trunc-header.o trunc-body.o trunc-shdrs.o; do
  bad "truncated object ($f)" "$f && truncated" -- $NS $f
done

# section header table moved past the end of the file (e_shoff, ELF64 offset 40)
cp main.o shoff.o
poke shoff.o 40 '\377\377\377\000' 
bad "section headers beyond the end of the file" "shoff.o" -- $NS shoff.o

# a section whose size runs far past the end of the file (sh_size: header + 32)
cp main.o bigsec.o
shoff=$(readelf -hW main.o | awk '/Start of section headers/ { print $5 }')
set -- $(shdr main.o .text)
poke bigsec.o $((shoff + $1 * 64 + 32)) '\000\000\000\000\000\000\001\000'
[ "$(shdr bigsec.o .text)" = "$1 $2 1000000000000" ] ||
  fail "test setup: .text size not patched: $(shdr bigsec.o .text)"
bad "section size past the end of the file" "bigsec.o" -- $NS bigsec.o

# a symbol whose section index is out of range (main, the last symbol; st_shndx: entry + 6)
cp main.o badidx.o
set -- $(shdr main.o .symtab)
poke badidx.o $((0x$2 + 0x$3 - 24 + 6)) '\377\177'
readelf -sW badidx.o 2>/dev/null | grep -q '32767] main$' ||
  fail "test setup: symbol index not patched"
bad "symbol with an out-of-range section index" "badidx.o" -- $NS badidx.o

bad "wrong machine (i386 object in an x86_64 link)" "m32.o && incompatible" -- $NS main.o m32.o
bad "wrong machine (-m elf_x86_64, i386 object)" "m32.o && incompatible" -- -m elf_x86_64 $NS m32.o

printf '!<arch>\nthis is not an archive member header, just junk\n' >junk.a
bad "garbage archive" "junk.a && archive" -- $NS main.o junk.a
{ printf '!<arch>\n'; i=0; while [ $i -lt 8 ]; do printf 'not a member header, only junk, '; i=$((i + 1)); done; } >junk2.a
bad "garbage archive (junk as long as a member header)" "junk2.a && archive" -- $NS main.o junk2.a
# a well-formed member header whose size runs past the end of the archive
printf '!<arch>\n%-16s%-12s%-6s%-6s%-8s%-10s`\n' main.o/ 0 0 0 644 999999 >bigmember.a
cat main.o >>bigmember.a
bad "archive member larger than the archive" "bigmember.a && archive" -- $NS main.o bigmember.a

bad "missing input file" "cannot open && no-such-file.o" -- $NS main.o no-such-file.o
rm -f fifo.o && mkfifo fifo.o
bad "a FIFO as an input (not waited on)" "cannot open fifo.o: not a regular file" -- $NS main.o fifo.o
bad "missing library" "nosuchlib" -- $NS main.o -L. -lnosuchlib

# ---------------------------------------------------------------- unsupported requests
bad "-shared" "static" -- -shared main.o
[ -f /usr/lib/x86_64-linux-musl/libc.so ] &&
  bad "shared object input" "libc.so && shared" -- $NS main.o /usr/lib/x86_64-linux-musl/libc.so
printf 'SECTIONS { . = 0x400000; .text : { *(.text) } }\n' >script.ld
# -T and its spellings: an input script is read (tests/link), any other
# command is refused, naming the script, its line and the command
T_MSG="script.ld:1: && 'SECTIONS' && not linker scripts (given with -T)"
bad "linker script (-T)" "$T_MSG" -- $NS -T script.ld main.o
bad "linker script (-Tscript.ld)" "$T_MSG" -- $NS -Tscript.ld main.o
bad "linker script (--script=)" "$T_MSG" -- $NS --script=script.ld main.o
bad "default linker script (-dT)" "$T_MSG" -- $NS -dT script.ld main.o
bad "default linker script (--default-script=)" "$T_MSG" -- $NS --default-script=script.ld main.o
bad "-T naming an object" "main.o: given with -T, but not a linker script" -- $NS -T main.o
bad "-T naming a missing file" "cannot open && noscript.ld" -- $NS main.o -T noscript.ld
# a linker script given as an input file: only a library's input script is read
bad "linker script as an input file" "script.ld:1: && 'SECTIONS' && not linker scripts" -- $NS main.o script.ld
printf '/* libm.a */\nGROUP ( nothere.a )\n' >libmissing.a
bad "input script naming a missing file" "libmissing.a:2: cannot find nothere.a" -- $NS main.o libmissing.a
# a script inside the sysroot: its absolute names are looked for inside it
# only, even where the name exists outside
rm -rf sr && mkdir -p sr/lib && printf 'GROUP ( %s )\n' "$PWD/main.o" >sr/lib/libgone.a
bad "input script inside the sysroot naming a file outside it" \
  "libgone.a:1: cannot find $PWD/main.o inside $PWD/sr" -- $NS --sysroot="$PWD/sr" sr/lib/libgone.a
printf 'GROUP ( libx.a\n\n' >unclosed.a
bad "input script without its )" "unclosed.a:3: missing )" -- $NS main.o unclosed.a
printf 'INPUT(main.o)\n/* never closed\n' >comment.a
bad "input script with an unterminated comment" "comment.a:2: unterminated comment" -- $NS comment.a
printf 'INPUT(selfscript.a)\n' >selfscript.a
bad "input script naming itself" "selfscript.a && nested" -- $NS main.o selfscript.a
bad "C source as an input" "main.c:1: && 'int'" -- $NS main.o main.c
printf 'not\001text\n' >binary.o
bad "binary junk as an input" "binary.o: unknown file type" -- $NS main.o binary.o
bad "--require-defined naming a symbol no input defines" \
  "--require-defined: required symbol nosuch_fn is not defined" -- $NS main.o --require-defined=nosuch_fn
bad "--symbol-ordering-file naming a missing file" \
  "cannot open --symbol-ordering-file noorder.txt" -- $NS main.o --symbol-ordering-file=noorder.txt
bad "--symbol-ordering-file naming a directory" \
  "cannot open --symbol-ordering-file . && is a directory" -- $NS main.o --symbol-ordering-file=.
rm -f order.fifo && mkfifo order.fifo
bad "--symbol-ordering-file naming a FIFO (not waited on), with --reproduce" \
  "cannot open --symbol-ordering-file order.fifo: not a regular file" \
  -- $NS main.o --symbol-ordering-file=order.fifo --reproduce=fifo.tar
rm -f order.fifo fifo.tar
# .note.gnu.property (x86 IBT/SHSTK from -fcf-protection) that does not
# hold together: a note larger than its section, a FEATURE_1_AND property
# of 8 bytes, a property larger than its note, a section that ends inside
# a note header
printf 'int cet_fn(void) { return 1; }\n' >cet.c
must musl-gcc -fcf-protection=full -c cet.c -o cet.o
set -- $(shdr cet.o .note.gnu.property); NOTE=$((0x$2))
cp cet.o cetbig.o && poke cetbig.o $((NOTE + 4)) '\000\001\000\000'
bad "property note larger than its section" \
  "cetbig.o: section .note.gnu.property: note larger than the section (note at offset 0x0)" \
  -- $NS main.o cetbig.o
cp cet.o cet8.o && poke cet8.o $((NOTE + 20)) '\010'
bad "FEATURE_1_AND property of 8 bytes" \
  "cet8.o: section .note.gnu.property: FEATURE_1_AND property not 4 bytes" -- $NS main.o cet8.o
cp cet.o cetprop.o && poke cetprop.o $((NOTE + 20)) '\000\001'
bad "property larger than its note" \
  "cetprop.o: section .note.gnu.property: property larger than its note" -- $NS main.o cetprop.o
cp cet.o cettrunc.o && poke cettrunc.o $((NOTE + 4)) '\010' && poke cettrunc.o $((NOTE + 8)) '\006'
bad "property note section ending in part of a note header" \
  "cettrunc.o: section .note.gnu.property: truncated note header (note at offset 0x18)" \
  -- $NS main.o cettrunc.o
# -b binary: a format smelt does not read, a missing file, the same file
# twice (its symbols twice), and more bytes than a 32-bit target addresses
printf 'blob' >blob.bin
bad "-b with an unknown input format" "-b ihex: unsupported input format" -- $NS main.o -b ihex blob.bin
bad "-b binary naming a missing file" "cannot open nothere.bin" -- $NS main.o -b binary nothere.bin
bad "-b binary: the same file twice" "duplicate symbol: _binary_blob_bin_start" \
  ">>> defined in && blob.bin" -- $NS main.o -b binary blob.bin blob.bin
printf '.text\n.globl main\nmain:\n\tret\n' >main32.s
must as --32 main32.s -o main32.o
truncate -s 4294967297 big.bin
bad "-b binary: over 4 GiB for i386" "big.bin: 4294967297 bytes (-b binary) do not fit a 32-bit target" \
  -- $NS main32.o -b binary big.bin
rm -f big.bin
bad "GCC LTO object" "lto.o && LTO" -- $NS lto.o
if command -v clang-14 >/dev/null && clang-14 -O2 -flto -c main.c -o bitcode.o 2>/dev/null; then
  bad "LLVM bitcode without a plugin" "bitcode.o: is LLVM bitcode && no LTO plugin was given" \
    -- $NS bitcode.o
  rm -f libbc.a && ar rcS libbc.a bitcode.o 2>/dev/null
  bad "LLVM bitcode in an archive without a plugin" "libbc.a(bitcode.o): is LLVM bitcode" \
    -- $NS main.o libbc.a
fi
# the same through the compiler driver, as users see it (gcc exits 1 too)
LINK="musl-gcc -static -B$BUILD/"
bad "through musl-gcc -B: undefined symbol" "smelt: error: undefined symbol: missing_one" \
  ">>> referenced by u.o:(.text+$off1)" -- u.o
# GCC LTO through the plugin gcc passes: the plugin cannot be loaded or is
# not one; lto-wrapper fails; the bytecode calls what nothing defines (the
# error comes from the link of LTO's objects); bytecode and a regular
# object define one symbol
PLUGIN_LIB=$(musl-gcc -print-file-name=libz.so.1 2>/dev/null)
[ -f "$PLUGIN_LIB" ] || PLUGIN_LIB=$(ls /lib/*/libz.so.1 /usr/lib/*/libz.so.1 2>/dev/null | head -1)
bad "LTO: a plugin that cannot be loaded" "cannot load the LTO plugin /nonexistent/liblto_plugin.so" \
  -- -flto lto.o -Wl,-plugin,/nonexistent/liblto_plugin.so
bad "LTO: a plugin without onload" "$PLUGIN_LIB: not a linker plugin (no onload function)" \
  -- -flto lto.o -Wl,-plugin,"$PLUGIN_LIB"
bad "LTO: the bytecode calls an undefined function" "smelt: error: undefined symbol: missing_one" \
  -- -flto lto_u.o
bad "LTO: bytecode and a regular object define one symbol" "duplicate symbol: dup_fn" \
  ">>> defined in d2.o" ">>> defined in lto_d1.o" -- -flto lto_d1.o d2.o
# without -static gcc asks for a dynamic PIE (Debian's default); with
# -Wl,-Bstatic too, which GNU ld reads as static libraries in a dynamic PIE
# (Scrt1.o would never apply a static PIE's relocations)
# lto-wrapper needs the gcc driver's environment: run without it, the
# plugin reports lto-wrapper's failure
rm -rf ltotmp && mkdir ltotmp
LINK="env -u COLLECT_GCC -u COLLECT_GCC_OPTIONS TMPDIR=$PWD/ltotmp $SMELT"
LTO_PLUGIN=$(musl-gcc -print-prog-name=liblto_plugin.so)
[ -f "$LTO_PLUGIN" ] || LTO_PLUGIN=$(gcc -print-file-name=liblto_plugin.so)
bad "LTO: lto-wrapper fails" "LTO plugin: && lto-wrapper" -- -static -e main -plugin "$LTO_PLUGIN" \
  -plugin-opt="$(gcc -print-prog-name=lto-wrapper)" -plugin-opt=-fresolution=x.res lto.o
[ -z "$(ls -A ltotmp)" ] && pass "LTO: the plugin's temporary files are removed after its error" ||
  fail "LTO: the plugin left $(ls ltotmp) behind"
LINK="musl-gcc -B$BUILD/"
bad "through musl-gcc -B without -static: a dynamic PIE" \
  "smelt: error: -pie: smelt only makes static executables" -- main.o
bad "through musl-gcc -B, -Wl,-Bstatic: a dynamic PIE with static libraries" \
  "smelt: error: -pie -dynamic-linker /lib/ld-musl-x86_64.so.1 asks for a dynamic PIE" -- \
  main.o -Wl,-Bstatic
LINK=$SMELT

bad "relocation out of range" "out of range && use.o && .text && far" \
  "use.o:(.text+$(reloc_at use.o far))" -- $NS far.o use.o
# that link fails while writing, after the reports: they go with it
bad "relocation out of range: no -Map, --why-extract, --print-archive-stats or --dependency-file left" \
  "out of range && use.o" -- $NS -Map=out/map --why-extract=out/why --dependency-file=out/dep \
  --print-archive-stats=out/stats \
  far.o use.o

# An output left by an earlier link (an ELF file) is written over in place.
# A link that fails before writing leaves it as it was; one that fails while
# writing (a relocation out of range) removes it: no partial file, no
# temporary left. Written over, every byte is what a new file gets.
must "$SMELT" $NS -o elf.ref main.o
must "$SMELT" $NS -o elf.new main.o far.o
cmp -s elf.ref elf.new && { echo "FAIL: test setup: elf.ref and elf.new are the same"; exit 1; }
old_elf() { rm -rf out && mkdir out && cp elf.ref out/prog; }
old_elf
"$SMELT" $NS -o out/prog main.o -L. -lnosuchlib >log 2>&1
st=$?
[ "$st" = 1 ] && cmp -s out/prog elf.ref && [ "$(ls -A out)" = prog ] &&
  pass "failed link before writing leaves an old ELF output as it was" ||
  fail "old ELF output after a link failing before writing: status $st, files: $(ls -A out)"
old_elf
"$SMELT" $NS -o out/prog far.o use.o >log 2>&1
st=$?
[ "$st" = 1 ] && grep -q 'out of range' log && [ -z "$(ls -A out)" ] &&
  pass "failed link while writing removes the old ELF output it was writing over" ||
  fail "old ELF output after a link failing while writing: status $st, files: $(ls -A out)"
for garbage in bigger smaller; do
  rm -rf out && mkdir out
  n=$(stat -c %s elf.new)
  [ $garbage = bigger ] && n=$((n * 3)) || n=$((n / 2))
  { printf '\177ELF'; head -c $n /dev/urandom; } >out/prog
  "$SMELT" $NS -o out/prog main.o far.o >log 2>&1
  st=$?
  [ "$st" = 0 ] && cmp -s out/prog elf.new && [ "$(ls -A out)" = prog ] &&
    pass "output written over a $garbage ELF file of random bytes is the new file's bytes" ||
    fail "output written over a $garbage ELF file of random bytes: status $st, $(cmp out/prog elf.new 2>&1)"
done
old_elf
ln out/prog out/other
"$SMELT" $NS -o out/prog main.o far.o >log 2>&1
st=$?
[ "$st" = 0 ] && cmp -s out/prog elf.new && cmp -s out/other elf.ref &&
  pass "an old output with a second hard link is replaced, not written over" ||
  fail "old output with a second hard link: status $st"
# an output that is also an input is not written over: the link reads it
rm -rf out && mkdir out
cp main.o out/prog && cp main.o same.o
must "$SMELT" $NS -o same.ref same.o
"$SMELT" $NS -o out/prog out/prog >log 2>&1
st=$?
[ "$st" = 0 ] && cmp -s out/prog same.ref && [ "$(ls -A out)" = prog ] &&
  pass "an output that is also an input is replaced, not written over" ||
  fail "output that is also an input: status $st, $(cmp out/prog same.ref 2>&1)"
# a running program cannot be opened for writing (ETXTBSY): replaced instead
printf '#include <unistd.h>\nint main(void) { sleep(30); return 0; }\n' >sleeper.c
must musl-gcc -c sleeper.c -o sleeper.o
rm -rf out && mkdir out
must musl-gcc -static -B"$BUILD/" sleeper.o -o out/prog
out/prog &
runner=$!
sleep 0.2
"$SMELT" $NS -o out/prog main.o far.o >log 2>&1
st=$?
kill $runner 2>/dev/null
wait $runner 2>/dev/null
[ "$st" = 0 ] && cmp -s out/prog elf.new && [ "$(ls -A out)" = prog ] &&
  pass "an old output that is running is replaced" ||
  { fail "old output that is running: status $st"; sed 's/^/    | /' log | head -5; }

# An output that is not a regular file is written to, never replaced by
# one: a FIFO still is one and gives the bytes a file would get, also with
# compressed debug sections (written at offsets, not in order); /dev/null
# stays the device, also as a report of a link that fails while writing
# (such reports are otherwise removed). Replaced, /dev/null would be a
# regular file for every process here: it is made again if so.
dev_null_ok() {
  [ -c /dev/null ] && return 0
  rm -f /dev/null && mknod -m 666 /dev/null c 1 3
  return 1
}
printf 'int main(void) { return 0; }\n' >dbg.c
must musl-gcc -g -c dbg.c -o dbg.o
for v in plain:main.o zlib:dbg.o; do
  opts=""
  [ "${v%%:*}" = zlib ] && opts=--compress-debug-sections=zlib
  must "$SMELT" $NS $opts -o fifo.ref "${v#*:}"
  rm -f fifo fifo.got && mkfifo fifo
  timeout 30 cat fifo >fifo.got &
  reader=$!
  "$SMELT" $NS $opts -o fifo "${v#*:}" >log 2>&1
  st=$?
  [ "$st" = 0 ] || kill $reader 2>/dev/null
  wait $reader
  [ "$st" = 0 ] && [ -p fifo ] && cmp -s fifo.got fifo.ref &&
    pass "a FIFO as the output is written to (${v%%:*})" ||
    { fail "FIFO output (${v%%:*}): status $st, $(ls -l fifo), $(cmp fifo.got fifo.ref 2>&1)"; show log 5; }
done
if [ -c /dev/null ]; then
  "$SMELT" $NS -o /dev/null main.o >log 2>&1
  st=$?
  dev_null_ok && [ "$st" = 0 ] && pass "-o /dev/null leaves /dev/null the device" ||
    { fail "-o /dev/null: status $st, /dev/null was replaced"; show log 5; }
  "$SMELT" $NS -o out/prog -Map=/dev/null --dependency-file=/dev/null far.o use.o >log 2>&1
  st=$?
  dev_null_ok && [ "$st" = 1 ] && grep -q 'out of range' log &&
    pass "a failed link leaves /dev/null, its -Map and --dependency-file, in place" ||
    { fail "-Map=/dev/null of a failed link: status $st, /dev/null removed?"; show log 5; }
fi

# aarch64: B/BL out of reach get range-extension thunks, but a conditional
# branch (+-1 MiB), a test-and-branch (+-32 KiB) and a call to an absolute
# address far from small text still overflow.
if command -v aarch64-linux-gnu-as >/dev/null; then
  printf '.globl far\n.set far, 0x12345678\n.globl farther\n.set farther, 0x123456789000\n' >a64far.s
  printf '.text\n.globl main\nmain:\n\tcmp x0, #0\n\tb.eq far\n\ttbz x0, #3, far\n\tbl farther\n\tret\n' >a64use.s
  must aarch64-linux-gnu-as a64far.s -o a64far.o
  must aarch64-linux-gnu-as a64use.s -o a64use.o
  bad "aarch64 relocation out of range (CONDBR19)" \
    "a64use.o:(.text+0x4): relocation R_AARCH64_CONDBR19 against far out of range" -- $NS a64far.o a64use.o
  bad "aarch64 relocation out of range (TSTBR14)" \
    "a64use.o:(.text+0x8): relocation R_AARCH64_TSTBR14 against far out of range" -- $NS a64far.o a64use.o
  bad "aarch64 relocation out of range (CALL26 to an absolute address)" \
    "a64use.o:(.text+0xc): relocation R_AARCH64_CALL26 against farther out of range" -- $NS a64far.o a64use.o
fi

# ---------------------------------------------------------------- corrupt fields, one at a time
# rel.o: main loads the address of .data (one R_X86_64_32 in .rela.text)
printf '.text\n.globl main\nmain:\n\tmovl $data, %%eax\n\tret\n.data\ndata:\n\t.long 0\n' >rel.s
must as rel.s -o rel.o
must as --x32 rel.s -o x32.o
SHOFF=$(readelf -hW rel.o | awk '/Start of section headers/ { print $5 }')
set -- $(shdr rel.o .rela.text); RELA=$((0x$2))
set -- $(shdr rel.o .data); DATA=$1
set -- $(shdr rel.o .symtab); SYMEND=$((0x$2 + 0x$3))
readelf -rW rel.o | grep -q 'R_X86_64_32 .*\.data' || fail "test setup: rel.o has no R_X86_64_32 to .data"
# corrupt NAME OFFSET BYTES: rel.o with BYTES written at OFFSET, as NAME
corrupt() { cp rel.o "$1" && poke "$1" "$2" "$3"; }

# static PIE: absolute addresses that no load-time relocation can fix
# pie_refused NAME ASSEMBLER OBJ SOURCE PATTERN...: SOURCE (a printf
# format) assembled into OBJ, linked as a static PIE, must be refused
pie_refused() {
  name=$1 asm=$2 obj=$3 src=$4; shift 4
  printf "$src" >"${obj%.o}.s" && must $asm "${obj%.o}.s" -o "$obj"
  bad "$name" "$@" -- -static -pie -e main "$obj"
}
bad "static PIE: an absolute 32-bit address in code" \
  "rel.o:(.text+0x1): relocation R_X86_64_32 against .data cannot be used in a static PIE: the field is narrower than an address; recompile with -fPIE" \
  -- -static -pie -e main rel.o
pie_refused "static PIE: an address in read-only data" as ropie.o \
  '.text\n.globl main\nmain:\n\tret\n.section .rodata\nptr:\n\t.quad main\n' \
  "ropie.o:(.rodata+0x0): relocation R_X86_64_64 against main cannot be used in a static PIE: the section is read-only"
pie_refused "static PIE (i386): a GOT slot's absolute address" "as --32" gotabs.o \
  '.text\n.globl main\nmain:\n\tmovl foo@GOT, %%eax\n\tret\n.data\n.globl foo\nfoo:\n\t.long 0\n' \
  "gotabs.o:(.text+0x2): relocation R_386_GOT32X against foo cannot be used in a static PIE: the instruction takes a GOT slot's absolute address"
# ... and the other way round: a PC- or GOT-relative reference to an
# absolute value, off by the load base (an -fPIE reference to -b binary's
# _size symbol is one); GNU ld and lld refuse it too
ABS='.globl absv\n.set absv, 32\n'
pie_refused "static PIE: a PC-relative reference to an absolute symbol" as pcabs.o \
  ".text\n.globl main\nmain:\n\tleaq absv(%%rip), %%rax\n\tret\n$ABS" \
  "pcabs.o:(.text+0x3): relocation R_X86_64_PC32 against absolute symbol absv cannot be used in a static PIE"
pie_refused "static PIE (i386): a GOT-relative reference to an absolute symbol" "as --32" \
  gotoffabs.o ".text\n.globl main\nmain:\n\tleal absv@GOTOFF(%%ebx), %%eax\n\tret\n$ABS" \
  "gotoffabs.o:(.text+0x2): relocation R_386_GOTOFF against absolute symbol absv cannot be used in a static PIE"
if command -v aarch64-linux-gnu-as >/dev/null; then
  pie_refused "static PIE (aarch64): an ADRP to an absolute symbol" aarch64-linux-gnu-as \
    a64pcabs.o ".text\n.globl main\nmain:\n\tadrp x0, absv\n\tret\n$ABS" \
    "a64pcabs.o:(.text+0x0): relocation R_AARCH64_ADR_PREL_PG_HI21 against absolute symbol absv cannot be used in a static PIE"
  pie_refused "static PIE (aarch64): an absolute address in movz/movk" aarch64-linux-gnu-as \
    a64abs.o '.text\n.globl main\nmain:\n\tmovz x0, #:abs_g1:main\n\tmovk x0, #:abs_g0_nc:main\n\tret\n' \
    "a64abs.o:(.text+0x0): relocation R_AARCH64_MOVW_UABS_G1 against main cannot be used in a static PIE" \
    "a64abs.o:(.text+0x4): relocation R_AARCH64_MOVW_UABS_G0_NC against main cannot be used in a static PIE"
fi

corrupt reltype.o $((RELA + 8)) '\376\000\000\000'
bad "unknown relocation type" "reltype.o:(.text+0x1): unknown relocation type 254" -- $NS reltype.o
corrupt relsym.o $((RELA + 12)) '\377\377\000\000'
bad "relocation with a bad symbol index" "relsym.o:(.text+0x1): && bad symbol index 65535" -- $NS relsym.o
corrupt reloff.o $RELA '\000\001\000\000'
bad "relocation offset outside its section" "reloff.o:(.text+0x100): && outside its section" -- $NS reloff.o
bad "-r: relocation with a bad symbol index" "relsym.o:(.text+0x1): && bad symbol index 65535" \
  -- -r relsym.o
bad "-r: unknown relocation type" "reltype.o:(.text+0x1): unknown relocation type 254" -- -r reltype.o
bad "-r: relocation offset outside its section" "reloff.o:(.text+0x100): && outside its section" \
  -- -r reloff.o
# an SHF_LINK_ORDER section whose sh_link names no section (-r places it
# beside the section it names)
# --gdb-index reads each unit's header and first entry, and the name
# tables: DWARF it cannot read is an error naming file, section and offset
# (the output then would be an index that misleads gdb). gi.s is a
# valid unit and name table; each variant breaks one field.
gi_obj() { # NAME VERSION INFO_REF SET_LENGTH
  cat >$1.s <<EOF
.text
.globl main
main:
	ret
.section .debug_abbrev,"",@progbits
.Labbrev:
	.uleb128 1, 0x11
	.byte 0
	.uleb128 0x11, 0x01, 0x12, 0x06
	.byte 0, 0, 0
.section .debug_info,"",@progbits
.Linfo:
	.long .Lend - .Lstart
.Lstart:
	.value $2
	.long .Labbrev
	.byte 8
	.uleb128 1
	.quad main
	.long 1
.Lend:
.section .debug_gnu_pubnames,"",@progbits
	.long $4
	.value 2
	.long $3
	.long .Lend - .Linfo
	.long 0xb
	.byte 0x30
	.asciz "main"
	.long 0
EOF
  must as $1.s -o $1.o
}
gi_obj gi 4 .Linfo 0x18
"$SMELT" $NS --gdb-index -o gi.out gi.o >log 2>&1 && readelf -SW gi.out | grep -q '\.gdb_index' &&
  pass "--gdb-index: the valid variant links, with an index" ||
  { fail "--gdb-index: the valid variant"; sed 's/^/    | /' log | head -5; }
gi_obj giver 9 .Linfo 0x18
bad "--gdb-index: a unit of an unknown DWARF version" \
  "giver.o:(.debug_info+0x0): --gdb-index: unknown DWARF version" -- $NS --gdb-index giver.o
gi_obj gilen 4 .Linfo 0x40
bad "--gdb-index: a name table longer than its section" \
  "gilen.o:(.debug_gnu_pubnames+0x0): --gdb-index: name table length runs past the section" \
  -- $NS --gdb-index gilen.o
gi_obj giref 4 .Linfo+1 0x18
bad "--gdb-index: a name table naming no unit" \
  "giref.o:(.debug_gnu_pubnames+0xe): --gdb-index: name table names no unit of .debug_info" \
  -- $NS --gdb-index giref.o
printf '.text\n.globl main\nmain:\n\tret\n.section .meta,"ao",@progbits,.text\n.long 1\n' >lo.s
must as lo.s -o lo.o
LOIDX=$(readelf -SW lo.o | sed -n 's/^ *\[ *\([0-9]*\)\] \.meta .*/\1/p')
LOSHOFF=$(readelf -hW lo.o | awk '/Start of section headers/ { print $5 }')
poke lo.o $((LOSHOFF + LOIDX * 64 + 40)) '\143\000\000\000'
bad "-r: SHF_LINK_ORDER section linked to no section" \
  "lo.o: section .meta (SHF_LINK_ORDER): bad linked section index 99" -- -r lo.o
corrupt symname.o $((SYMEND - 24)) '\377\377\000\000'
bad "symbol name offset out of range" "symname.o: symbol 3: name offset 0xffff out of range" -- $NS symname.o
corrupt secname.o $((SHOFF + DATA * 64)) '\377\377\000\000'
bad "section name offset out of range" "secname.o: section $DATA: name offset out of range" -- $NS secname.o
# sh_offset + sh_size wraps around 2^64
corrupt wrap.o $((SHOFF + DATA * 64 + 24)) '\370\377\377\377\377\377\377\377'
bad "section offset + size overflows" "wrap.o: truncated: section $DATA && extends past the end of the file" -- $NS wrap.o
corrupt align.o $((SHOFF + DATA * 64 + 48)) '\000\000\000\000\000\001\000\000'
bad "huge section alignment" "align.o: section $DATA: alignment 0x10000000000 is too large" -- $NS align.o
corrupt align3.o $((SHOFF + DATA * 64 + 48)) '\003'
bad "alignment not a power of two" "align3.o: section $DATA: alignment 0x3 is not a power of two" -- $NS align3.o
corrupt shnum.o 60 '\377\177'
bad "section count past the end of the file" "shnum.o: truncated: 32767 section headers" -- $NS shnum.o
corrupt shstrndx.o 62 '\377\177'
bad "bad section name table index" "shstrndx.o: bad section name table index 32767" -- $NS shstrndx.o
corrupt class.o 4 '\003'
bad "bad ELF class" "class.o" -- $NS class.o
bad "mixed classes (x32: ELF32 x86_64 object)" "x32.o && incompatible && ELF32" -- $NS main.o x32.o
bad "mixed classes (x32 object first)" "x32.o && ELF32" -- $NS x32.o main.o

# a huge .bss and a huge common symbol: addresses that do not fit
printf '.text\n.globl main\nmain:\n\tmovl $cbig, %%eax\n\tret\n.comm cbig, 0x4000000000000000, 8\n' >common.s
must as common.s -o common.o
bad "huge common symbol" "does not fit in the address space" -- $NS common.o
# a common symbol aligned past what a section may ask (1 << 28)
printf '.text\n.globl main\nmain:\n\tmovl $cal, %%eax\n\tret\n.comm cal, 8, 0x40000000\n' >calign.s
must as calign.s -o calign.o
bad "common symbol aligned too far" "calign.o: common symbol cal: alignment 0x40000000 is too large" -- $NS calign.o

# compressed debug sections, zlib (gcc -gz) and zstd frames (objcopy
# --compress-debug-sections=zstd): a corrupt stream, a section that claims
# an implausible uncompressed size, bad alignments in the header, more
# data than the header says, and a compression type smelt does not know
printf 'int main(void) { return 0; }\n' >gz.c
must musl-gcc -g -gz=zlib -c gz.c -o gz.o
must objcopy --compress-debug-sections=zstd gz.o zs.o
readelf -t zs.o | grep -q ZSTD || fail "test setup: zs.o has no zstd-compressed section"
for z in zlib:gz zstd:zs; do
  kind=${z%%:*} o=${z#*:}
  set -- $(shdr $o.o .debug_info)
  [ -n "${2:-}" ] && readelf -SW $o.o | grep -q '\.debug_info .* C ' ||
    fail "test setup: $o.o has no compressed .debug_info"
  cp $o.o bad$o.o && poke bad$o.o $((0x$2 + 24)) '\377\377\377\377\377\377\377\377'
  bad "corrupt $kind data" "bad$o.o: section .debug_info: corrupt $kind data" -- $NS bad$o.o
  cp $o.o big$o.o && poke big$o.o $((0x$2 + 8)) '\000\000\000\000\000\001\000\000'
  bad "$kind: implausible uncompressed size" "big$o.o: section .debug_info: implausible uncompressed size" -- $NS big$o.o
done
set -- $(shdr gz.o .debug_info)
cp gz.o alignz.o && poke alignz.o $((0x$2 + 16)) '\000\000\000\000\000\001\000\000'
bad "compression header aligned too far" "alignz.o: section .debug_info: alignment 0x10000000000 in the compression header is too large" -- $NS alignz.o
cp gz.o oddz.o && poke oddz.o $((0x$2 + 16)) '\003\000\000\000\000\000\000\000'
bad "compression header alignment not a power of two" "oddz.o: section .debug_info: alignment 0x3 in the compression header is not a power of two" -- $NS oddz.o
set -- $(shdr zs.o .debug_info)
cp zs.o shortzs.o && poke shortzs.o $((0x$2 + 8)) '\001\000\000\000\000\000\000\000'
bad "zstd frame longer than its header says" "shortzs.o: section .debug_info: corrupt zstd data" -- $NS shortzs.o
cp zs.o typez.o && poke typez.o $((0x$2)) '\003\000\000\000'
bad "unknown compression type" "typez.o: section .debug_info: unsupported compression type 3 (only zlib and zstd)" -- $NS typez.o

# .zdebug (gcc -gz=zlib-gnu): a header that is not "ZLIB", a corrupt stream
must musl-gcc -g -gz=zlib-gnu -c gz.c -o zg.o
set -- $(shdr zg.o .zdebug_info)
[ -n "${2:-}" ] || fail "test setup: zg.o has no .zdebug_info"
cp zg.o zghead.o && poke zghead.o $((0x$2)) 'ZLIX'
bad ".zdebug without ZLIB header" "zghead.o: section .zdebug_info: no ZLIB header" -- $NS zghead.o
cp zg.o zgbad.o && poke zgbad.o $((0x$2 + 14)) '\377\377\377\377\377\377'
bad ".zdebug corrupt stream" "zgbad.o: section .zdebug_info: corrupt zlib data" -- $NS zgbad.o
cp zg.o zgbig.o && poke zgbig.o $((0x$2 + 4)) '\000\000\001\000\000\000\000\000'
bad ".zdebug implausible size" "zgbig.o: section .zdebug_info: implausible uncompressed size" -- $NS zgbig.o

# ---------------------------------------------------------------- archives
# a symbol index claiming more entries than it holds
{ printf '!<arch>\n%-16s%-12s%-6s%-6s%-8s%-10s`\n' / 0 0 0 0 8
  printf '\377\377\377\377\000\000\000\000'
  printf '%-16s%-12s%-6s%-6s%-8s%-10s`\n' main.o/ 0 0 0 644 $(stat -c %s main.o)
  cat main.o; [ $(($(stat -c %s main.o) % 2)) = 0 ] || printf '\n'; } >badindex.a
bad "archive symbol index with too many entries" "badindex.a: corrupt archive symbol index" -- $NS main.o badindex.a
# a long member name pointing past the long-name table
{ printf '!<arch>\n%-16s%-12s%-6s%-6s%-8s%-10s`\n' // 0 0 0 0 8
  printf 'x.o/\n\n\n\n'
  printf '%-16s%-12s%-6s%-6s%-8s%-10s`\n' /4000 0 0 0 644 $(stat -c %s main.o)
  cat main.o; } >badname.a
bad "archive long name out of range" "badname.a: corrupt archive: bad long member name" -- $NS main.o badname.a
# a member size that is not a number
printf '!<arch>\n%-16s%-12s%-6s%-6s%-8s%-10s`\n' main.o/ 0 0 0 644 12x4 >badsize.a
bad "archive member size not a number" "badsize.a: corrupt archive: bad member size" -- $NS main.o badsize.a
# a thin archive whose member is the archive itself
ar rcT self.a main.o && printf '!<thin>\n%-16s%-12s%-6s%-6s%-8s%-10s`\n' self.a/ 0 0 0 644 8 >self.a
bad "thin archive naming itself" "self.a(self.a): && nested archive" -- $NS main.o self.a

# a member with a corrupt relocation section (sh_entsize 16 instead of 24):
# members are read for their symbols first, whole only once linked, so it
# is an error when the member is linked and harmless when it is not
cp u2.o u2bad.o
set -- $(shdr u2.o .rela.text.helper)
shoff=$(readelf -hW u2.o | awk '/Start of section headers/ { print $5 }')
poke u2bad.o $((shoff + $1 * 64 + 56)) '\020'
readelf -SW u2bad.o 2>/dev/null | grep '\.rela\.text\.helper' | grep -q ' 10 ' ||
  fail "test setup: .rela.text.helper entry size not patched"
rm -f libbadrel.a && must ar rcs libbadrel.a u2bad.o
bad "corrupt relocations in a linked archive member" \
  "libbadrel.a(u2bad.o) && relocation section && bad entry size" -- $NS -u helper main.o libbadrel.a
if "$SMELT" $NS -o unlinked.out main.o libbadrel.a >log 2>&1; then
  pass "corrupt relocations in an archive member that is not linked: no error"
else
  fail "archive member not linked, yet its relocations were read"; sed 's/^/    | /' log | head -5
fi

# ---------------------------------------------------------------- groups and response files
must ar rcs libu2.a u2.o
bad "nested --start-group" "nested --start-group" -- $NS main.o --start-group --start-group libu2.a --end-group --end-group
bad "--end-group without --start-group" "--end-group without --start-group" -- $NS main.o --end-group
bad "--unresolved-symbols=bogus" "--unresolved-symbols: expected ignore-all" -- $NS main.o --unresolved-symbols=bogus
bad "--warn-unresolved-symbols with --fatal-warnings" "undefined symbol: missing_one" -- $NS u.o --warn-unresolved-symbols --fatal-warnings
bad "--error-unresolved-symbols after --warn-unresolved-symbols" "smelt: error: undefined symbol: missing_one" -- $NS u.o --warn-unresolved-symbols --error-unresolved-symbols
bad "--ignore-unresolved-symbol naming another symbol" "smelt: error: undefined symbol: missing_two" \
  -- $NS u.o --ignore-unresolved-symbol=missing_one
! grep -q "missing_one" log || fail "--ignore-unresolved-symbol: missing_one still reported"
bad "--package-metadata with a bad %-escape" \
  "smelt: error: --package-metadata=a%2x: invalid % escape at byte 1 (expected %XX" -- $NS main.o --package-metadata=a%2x
bad "--package-metadata with an escaped NUL" "invalid % escape at byte 3" -- $NS main.o '--package-metadata={}a%00'
bad "--package-metadata ending in %" "invalid % escape at byte 2" -- $NS main.o '--package-metadata={}%'
bad "-EB" "-EB: big-endian output is not supported" -- $NS main.o -EB
bad "--fix-cortex-a53-843419=bogus" "--fix-cortex-a53-843419: expected full, adr or adrp" -- $NS main.o --fix-cortex-a53-843419=bogus
bad "--fix-cortex-a53-843419 on x86_64 with --fatal-warnings" "is for aarch64 code; ignored for x86_64" -- $NS main.o --fix-cortex-a53-843419 --fatal-warnings
bad "-z max-page-size not a power of two" "-z max-page-size: expected a power of two" -- $NS main.o -z max-page-size=0x3000
bad "-Map into a missing directory" "cannot open $T/no/such/dir/prog.map" -- $NS main.o -Map=$T/no/such/dir/prog.map
bad "--dependency-file into a missing directory" "cannot open $T/no/such/dir/prog.d" -- $NS main.o --dependency-file=$T/no/such/dir/prog.d
bad "--why-extract into a missing directory" "cannot open $T/no/such/dir/why" -- $NS main.o --why-extract=$T/no/such/dir/why
bad "--print-archive-stats into a missing directory" "cannot open $T/no/such/dir/stats" \
  -- $NS main.o --print-archive-stats=$T/no/such/dir/stats
bad "--pop-state without --push-state" "--pop-state without --push-state" -- $NS main.o --pop-state
bad "-Ttext" "-Ttext=0x500000: a section at a fixed address is not supported" -- $NS main.o -Ttext=0x500000
bad "-Tbss" "-Tbss: a section at a fixed address is not supported" -- $NS main.o -Tbss 0x500000
bad "--section-start" "--section-start=.data=0x800000: a section at a fixed address" -- $NS main.o --section-start=.data=0x800000
bad "nested --start-lib" "nested --start-lib" -- $NS --start-lib main.o --start-lib libu2.a --end-lib --end-lib
bad "--end-lib without --start-lib" "--end-lib without --start-lib" -- $NS main.o --end-lib
printf '@self.rsp\n' >self.rsp
bad "response file that includes itself" "self.rsp" -- $NS main.o @self.rsp
# archives that need each other, in a group: resolved, no loop
printf 'int ping(int n) { extern int pong(int); return n ? pong(n - 1) : 0; }\n' >ping.c
printf 'int pong(int n) { extern int ping(int); return n ? ping(n - 1) : 1; }\n' >pong.c
printf 'int ping(int);\nint main(void) { return ping(5); }\n' >pp.c
must musl-gcc -c ping.c pong.c pp.c
rm -f libping.a libpong.a && must ar rcs libping.a ping.o && must ar rcs libpong.a pong.o
if timeout 20 "$SMELT" $NS -o ok.out pp.o --start-group libpong.a libping.a --end-group 2>log; then
  pass "circular archives in a group link"
else
  fail "circular archives in a group: status $?"; sed 's/^/    | /' log | head -5
fi

# ---------------------------------------------------------------- the output file
# into a directory that does not exist, that is a file, or that cannot be written
bad "output directory missing" "cannot create output file && no-such-dir/prog" -- $NS -o no-such-dir/prog main.o
printf 'x\n' >plainfile
bad "output directory is a file" "cannot create output file && plainfile/prog" -- $NS -o plainfile/prog main.o
if [ "$(id -u)" != 0 ]; then
  rm -rf ro && mkdir ro && printf 'old\n' >ro/prog && chmod 555 ro
  "$SMELT" $NS -o ro/prog main.o >log 2>&1
  st=$?
  [ "$st" = 1 ] && grep -q 'cannot create output file ro/prog' log && [ "$(cat ro/prog)" = old ] &&
    [ "$(ls -A ro)" = prog ] && pass "unwritable output directory" ||
    { fail "unwritable output directory: status $st"; sed 's/^/    | /' log | head -5; }
  chmod 755 ro
else
  # root writes anywhere a mode allows nothing; /proc refuses everyone
  "$SMELT" $NS -o /proc/smelt-prog main.o >log 2>&1
  st=$?
  [ "$st" = 1 ] && grep -q 'cannot create output file /proc/smelt-prog' log &&
    pass "unwritable output directory (/proc, as root)" ||
    { fail "unwritable output directory (/proc): status $st"; sed 's/^/    | /' log | head -5; }
fi
# disk full: a file size limit of 4 KiB (ulimit -f counts 512- or 1024-byte blocks)
printf '#!/bin/sh\nulimit -f 4\nexec "%s" "$@"\n' "$SMELT" >limited.sh && chmod +x limited.sh
LINK=./limited.sh
bad "disk full (ulimit -f)" "cannot write output file && File too large" -- $NS main.o
LINK=$SMELT

# ---------------------------------------------------------------- resource bounds
bad "heap over --max-memory" "out of memory && more than the 64 KiB of heap that --max-memory allows" \
  -- $NS --max-memory=64K main.o
bad "--max-memory without a size" "--max-memory: expected a size" -- $NS --max-memory=lots main.o

# ---------------------------------------------------------------- crashes found by tests/fuzz
# The shape of each input that once made the linker crash, rebuilt from
# assembly (the fuzzers' own finds join tests/fuzz/corpus, which CI replays).
# symoff OBJ NAME: file offset of symbol NAME's entry in .symtab (ELF64)
symoff() {
  set -- "$1" "$2" $(shdr "$1" .symtab)
  k=$(readelf -sW "$1" | awk -v n="$2" '$8 == n { sub(":", "", $1); print $1; exit }')
  [ -n "$k" ] && echo $((0x$4 + k * 24))
}
# SHF_COMPRESSED on .bss (there is no data to inflate: was a NULL read)
printf '.text\n.globl main\nmain:\n\tret\n.bss\n\t.zero 64\n' >nobits.s
must as nobits.s -o nobits.o
set -- $(shdr nobits.o .bss)
shoff=$(readelf -hW nobits.o | awk '/Start of section headers/ { print $5 }')
must poke nobits.o $((shoff + $1 * 64 + 8)) '\003\010' # SHF_WRITE|SHF_ALLOC|SHF_COMPRESSED
bad "SHT_NOBITS section marked compressed" "nobits.o: section .bss: SHT_NOBITS section marked compressed" \
  -- $NS nobits.o
# a local symbol in SHN_COMMON (its section index was read past the table)
printf '.text\nloc:\n\tret\n.globl main\nmain:\n\tret\n' >lcommon.s
must as lcommon.s -o lcommon.o
off=$(symoff lcommon.o loc)
[ -n "$off" ] || fail "test setup: lcommon.o has no symbol loc"
must poke lcommon.o $((off + 6)) '\362\377'
bad "local symbol in SHN_COMMON" "lcommon.o: && local symbol in SHN_COMMON && (loc)" -- $NS lcommon.o
# an empty .eh_frame with a symbol in it: the symbol's place was looked up
# past the end of a record table with no records (SIGSEGV)
printf '.section .eh_frame,"a",@unwind\n.globl ehsym\nehsym:\n.text\n.globl main\nmain:\n\tlea ehsym(%%rip), %%rax\n\tmov $60, %%eax\n\txor %%edi, %%edi\n\tsyscall\n' >ehempty.s
must as ehempty.s -o ehempty.o
set -- $(shdr ehempty.o .eh_frame)
[ "${3:-}" = 000000 ] || [ "${3:-}" = 0000000000000000 ] || fail "test setup: ehempty.o's .eh_frame is not empty (${3:-none})"
rm -rf out && mkdir out
"$SMELT" $NS -o out/prog ehempty.o >log 2>&1
st=$?
[ "$st" = 0 ] && out/prog && nm out/prog | grep -q ' ehsym$' && pass "a symbol in an empty .eh_frame links and runs" ||
  { fail "a symbol in an empty .eh_frame: status $st"; sed 's/^/    | /' log | head -12; }

echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
