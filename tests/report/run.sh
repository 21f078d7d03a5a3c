#!/bin/sh
# Operability: -Map and --cref, --trace, --why-extract, --reproduce (the
# tarball replays to the same output), --print-gc-sections and
# --print-icf-sections, and the segment rules: no segment both writable and
# executable, PT_GNU_STACK not executable unless -z execstack or an input's
# .note.GNU-stack asks, PT_GNU_RELRO over the read-only-after-start data.
# usage: run.sh BUILD
set -u
BUILD=$(cd "$1" && pwd)
command -v musl-gcc >/dev/null || { echo "musl-gcc missing"; exit 77; }
. "$(dirname "$0")/../lib.sh"
check() { name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }
LINK="musl-gcc -static -B$BUILD/"

cat >main.c <<'C'
#include <stdio.h>
#include <string.h>
extern int helper(void);
int table[4] = {1, 2, 3, 4};
int *const ptrs[] = {&table[0], &table[1]}; /* RELRO: relocated, then read-only */
int main(void) { printf("%d %zu\n", helper() + *ptrs[1], strlen("abc")); return 0; }
C
printf 'int helper(void) { return 40; }\nint unused_helper(void) { return 1; }\n' >helper.c
printf 'int fold_a(int x) { return x * 7 + 3; }\nint fold_b(int x) { return x * 7 + 3; }\n' >fold.c
must musl-gcc -O1 -ffunction-sections -c main.c helper.c fold.c
must ar rcs libhelper.a helper.o

# ---- -Map, --cref, --trace, --why-extract
must $LINK main.o -L. -lhelper -o prog -Wl,-Map=prog.map,--cref,--why-extract=why.txt,--trace >trace.txt 2>&1
check "program runs" test "$(./prog)" = "42 3"
check "-Map: archive member and why" grep -q '^\./libhelper.a(helper.o)\|^libhelper.a(helper.o)' prog.map
check "-Map: output sections with addresses" sh -c 'grep -Eq "^\.text +0x[0-9a-f]+ +0x[0-9a-f]+" prog.map'
check "-Map: symbol main listed" sh -c 'grep -Eq "0x[0-9a-f]+ +main$" prog.map'
check "--cref: table with helper's definer" sh -c 'grep -q "Cross Reference Table" prog.map && grep -Eq "^helper +(\./)?libhelper.a\(helper.o\)" prog.map'
check "--trace: each input named" sh -c 'grep -q "^smelt: main.o$" trace.txt && grep -q "libhelper.a(helper.o)" trace.txt'
check "--why-extract: member, referrer and symbol" \
  sh -c 'grep -Eq "^main.o	(\./)?libhelper.a\(helper.o\)	helper$" why.txt'

# ---- -y: each linked file that defines or references the symbol, also when
# an undefined symbol then stops the link
must $LINK main.o -L. -lhelper -o prog -Wl,-y,helper,--trace-symbol=table >y.txt 2>&1
check "-y: reference and definition, in command-line order" sh -c \
  'grep -n . y.txt | grep -q "^1:smelt: main.o: reference to helper" &&
   grep -q "^smelt: main.o: definition of table$" y.txt &&
   grep -Eq "^smelt: (\./)?libhelper.a\(helper.o\): definition of helper$" y.txt &&
   [ "$(wc -l <y.txt)" = 3 ]'
printf 'int missing(void);\nint main(void) { return missing(); }\n' >undef.c
must musl-gcc -c undef.c
$LINK undef.o -o undef -Wl,-y,missing >yu.txt 2>&1
check "-y: printed before an undefined symbol stops the link" sh -c \
  'grep -q "^smelt: undef.o: reference to missing$" yu.txt && grep -q "undefined symbol: missing" yu.txt'

# ---- --reproduce: the tarball holds inputs and a response file; replayed, same bytes
# replay TAR OUT: unpack TAR into replay_TAR and link its response.txt to
# OUT; $rsp is the response file
replay() {
  mkdir "replay_$1" && (cd "replay_$1" && tar xf "../$1")
  rsp="replay_$1/$(ls "replay_$1")/response.txt"
  (cd "${rsp%/*}" && "$BUILD/smelt" @response.txt -o "$T/$2" >"$T/$1.log" 2>&1)
}
# warned_once BIN LOG ERE: BIN linked, LOG one line matching ERE, no
# .gnu.warning section in BIN; quiet BIN LOG: BIN linked, LOG empty
warned_once() {
  test -x "$1" && grep -Eqx "$3" "$2" && [ "$(wc -l <"$2")" = 1 ] &&
    ! readelf -SW "$1" | grep -q gnu.warning
}
quiet() { test -x "$1" && ! test -s "$2"; }
must $LINK main.o -L. -lhelper -o prog2 -Wl,--reproduce=repro.tar -Wl,--build-id=sha1
check "--reproduce: response file and inputs" \
  sh -c 'tar tf repro.tar | grep -q response.txt && tar tf repro.tar | grep -q "libhelper.a$"'
replay repro.tar prog3
check "--reproduce: replays to identical bytes" cmp -s prog2 prog3
# -r: the tarball replays the relocatable link (an archive member pulled)
must "$BUILD/smelt" -r main.o -L. -lhelper -o rel.o --reproduce=reprorel.tar
replay reprorel.tar rel2.o
check "--reproduce with -r: replays to identical bytes" \
  sh -c 'cmp -s rel.o rel2.o && nm rel.o | grep -q " T helper$"'
# through an input script: the response names the script's files instead,
# as the script's own paths would lead out of the tarball
printf '/* libscripted.a */ INPUT ( libhelper.a )\n' >libscripted.a
must $LINK main.o -L. -lscripted -o prog4 -Wl,--reproduce=repro2.tar -Wl,--build-id=sha1
replay repro2.tar prog5
check "--reproduce through an input script: the response names its files" sh -c \
  "grep -q '/libhelper.a\"\$' $rsp && ! grep -q libscripted $rsp"
check "--reproduce through an input script: replays to identical bytes" cmp -s prog4 prog5
# with -T naming an input script: the response names its files, not -T
printf 'INPUT ( libhelper.a )\n' >helper.ld
must $LINK main.o -Wl,-T,helper.ld -o prog8 -Wl,--reproduce=repro4.tar -Wl,--build-id=sha1
replay repro4.tar prog9
check "--reproduce with -T: the response names the script's files" sh -c \
  "grep -q '/libhelper.a\"\$' $rsp && ! grep -q -- '-T' $rsp"
check "--reproduce with -T: replays to identical bytes" cmp -s prog8 prog9
# with --sysroot: the response names the rooted files (a "=" input, the
# files a script inside the sysroot names by absolute path), not the sysroot
mkdir -p sysr/lib && cp main.o sysr/ && cp libhelper.a sysr/lib/ &&
  printf 'INPUT ( /lib/libhelper.a )\n' >sysr/lib/libsr.a
must $LINK -Wl,=/main.o -Wl,--sysroot="$T/sysr" -L=/lib -lsr -o prog6 \
  -Wl,--reproduce=repro3.tar -Wl,--build-id=sha1
replay repro3.tar prog7
check "--reproduce with --sysroot: the response names the rooted files" sh -c \
  "grep -q 'sysr/main.o\"\$' $rsp && grep -q 'sysr/lib/libhelper.a\"\$' $rsp &&
   ! grep -q sysroot $rsp"
check "--reproduce with --sysroot: replays to identical bytes" cmp -s prog6 prog7
# with -b binary: the symbols are named after the path, so a relative one
# is kept (its copy in the same place in the tarball) and replays the same;
# an absolute one cannot be, and says so
mkdir -p res && printf 'resource bytes\n' >res/blob.txt
printf 'extern const char _binary_res_blob_txt_start[];\nint main(void) { return _binary_res_blob_txt_start[0] != 0x72; }\n' >useblob.c
must musl-gcc -c useblob.c
must $LINK useblob.o -Wl,-b,binary,res/blob.txt,-b,default -o prog10 \
  -Wl,--reproduce=repro5.tar -Wl,--build-id=sha1
replay repro5.tar prog11
check "--reproduce with -b binary: the response keeps the file's relative path" sh -c \
  "grep -qx '\"res/blob.txt\"' $rsp && test -f ${rsp%/*}/res/blob.txt"
check "--reproduce with -b binary: replays to identical bytes" cmp -s prog10 prog11
$LINK main.o helper.o -Wl,-b,binary,"$T/res/blob.txt",-b,default -o prog12 \
  -Wl,--reproduce=repro6.tar >repro6.log 2>&1
check "--reproduce with -b binary: an absolute path is a warning" warned_once prog12 repro6.log \
  "smelt: warning: --reproduce: $T/res/blob\.txt \(-b binary\) is not a path inside the current directory: .*"

# ---- --symbol-ordering-file: a name that matches nothing, one given twice
# and one with no section to move are warnings, none under
# --no-warn-symbol-ordering; the link goes on
printf 'main\nnosuch_fn\nmain\nabs_sym\n' >order.txt
$LINK main.o helper.o -Wl,--symbol-ordering-file=order.txt,--defsym=abs_sym=0x10 -o ordered \
  >order.log 2>&1
check "--symbol-ordering-file: warnings for names it cannot order" sh -c \
  "test -x ordered && [ \$(wc -l <order.log) = 3 ] &&
   grep -qx \"smelt: warning: symbol ordering file: no such symbol: nosuch_fn\" order.log &&
   grep -qx \"smelt: warning: symbol ordering file: symbol 'main' specified multiple times\" order.log &&
   grep -qx \"smelt: warning: symbol ordering file: unable to order absolute symbol: abs_sym\" order.log"
$LINK main.o helper.o -Wl,--symbol-ordering-file=order.txt,--defsym=abs_sym=0x10 \
  -Wl,--no-warn-symbol-ordering -o ordered2 >order2.log 2>&1
check "--no-warn-symbol-ordering: no warnings" quiet ordered2 order2.log
# --reproduce takes --call-graph-ordering-file along; the replay orders
# the same (the file is given as a path the tarball then holds)
printf 'main helper 10\n' >cg.txt
must $LINK main.o helper.o -Wl,--call-graph-ordering-file,cg.txt,--reproduce=cg.tar -o cgord
replay cg.tar cgord2
check "--reproduce with --call-graph-ordering-file: replays to identical bytes" \
  sh -c 'tar tf cg.tar | grep -q "cg.txt$" && cmp -s cgord cgord2'
$LINK main.o helper.o -Wl,--symbol-ordering-file,order.txt,--no-warn-symbol-ordering \
  -Wl,--reproduce=repro7.tar,--build-id=sha1 -o ordered3
replay repro7.tar ordered4
check "--reproduce with --symbol-ordering-file: the file goes along, replays to identical bytes" \
  sh -c "grep -q 'symbol-ordering-file=./.*/order.txt\"\$' $rsp && cmp -s ordered3 ordered4"

# options smelt knows and does not do: one warning saying what that means
$LINK main.o helper.o -Wl,--emit-relocs,-s -o norelocs >norelocs.log 2>&1
check "--emit-relocs with -s: one warning, the link made" warned_once norelocs norelocs.log \
  "smelt: warning: --emit-relocs ignored with -s: the relocations need .symtab"
$LINK main.o helper.o -Wl,-n -o nmagic >nmagic.log 2>&1
check "-n: one warning, the link made" warned_once nmagic nmagic.log \
  "smelt: warning: -n ignored: segments stay page-aligned"
# -z pack-relative-relocs: RELR is not made; said once, the link goes on
$LINK main.o helper.o -Wl,-z,pack-relative-relocs -o norelr >norelr.log 2>&1
check "-z pack-relative-relocs: one warning, the link made" warned_once norelr norelr.log \
  "smelt: warning: -z pack-relative-relocs ignored: RELR is not supported .*"

# ---- .gnu.warning.SYM (GNU ld's link_warning; glibc marks getpwnam so): a
# warning for each linked file that refers to SYM; the section is not output
printf '.text\n.globl old_api\nold_api:\n\tret\n.section .gnu.warning.old_api\n.string "old_api is deprecated"\n' >oldapi.s
printf 'int old_api(void);\nint main(void) { return old_api(); }\n' >useold.c
must musl-gcc -c oldapi.s useold.c
$LINK useold.o oldapi.o -o useold >warn.log 2>&1
check ".gnu.warning.SYM: the referring file warned, the section not output" warned_once useold \
  warn.log "smelt: warning: useold\.o: reference to old_api: old_api is deprecated"
$LINK main.o helper.o oldapi.o -o nowarn >nowarn.log 2>&1
check ".gnu.warning.SYM: no warning when nothing refers to SYM" quiet nowarn nowarn.log
# -r keeps the section (made again from the warning read), so the final
# link warns as it would have
must "$BUILD/smelt" -r oldapi.o -o oldapi_r.o
$LINK useold.o oldapi_r.o -o useold_r >warn_r.log 2>&1
check ".gnu.warning.SYM through -r: the final link warns" warned_once useold_r \
  warn_r.log "smelt: warning: useold\.o: reference to old_api: old_api is deprecated"
$LINK useold.o oldapi.o -o fatal -Wl,--fatal-warnings >fatal.log 2>&1
check ".gnu.warning.SYM under --fatal-warnings: an error, no output" sh -c \
  '! test -e fatal && grep -q "smelt: error: useold.o: reference to old_api" fatal.log'
# --no-warnings (-w): no warning printed, also under --fatal-warnings and
# for an option before it; --no-fatal-warnings after --fatal-warnings:
# a warning again, not an error
$LINK useold.o oldapi.o -o nowarn_w -Wl,--fatal-warnings,--bogus-option,-w >w.log 2>&1
check "--no-warnings: no warning, not even under --fatal-warnings" quiet nowarn_w w.log
$LINK useold.o oldapi.o -o unfatal -Wl,--fatal-warnings,--no-fatal-warnings >unfatal.log 2>&1
check "--no-fatal-warnings after --fatal-warnings: a warning again" warned_once unfatal \
  unfatal.log "smelt: warning: useold\.o: reference to old_api: old_api is deprecated"
# a plain .gnu.warning: its text is a warning that its file is linked,
# here as an archive member (none when the member is not pulled)
printf '.text\n.globl legacy\nlegacy:\n\tret\n.section .gnu.warning\n.string "legacy.o is obsolete"\n' >legacy.s
printf 'int legacy(void);\nint main(void) { return legacy(); }\n' >uselegacy.c
must musl-gcc -c legacy.s uselegacy.c
rm -f liblegacy.a && must ar rcs liblegacy.a legacy.o
$LINK uselegacy.o liblegacy.a -o uselegacy >legacy.log 2>&1
check ".gnu.warning: a warning when its file is linked, the section not output" warned_once \
  uselegacy legacy.log "smelt: warning: (\./)?liblegacy\.a\(legacy\.o\): legacy\.o is obsolete"
$LINK main.o helper.o liblegacy.a -o nolegacy >nolegacy.log 2>&1
check ".gnu.warning: no warning when its member is not linked" quiet nolegacy nolegacy.log

# ---- --warn-backrefs: a member linked only for a file after its archive,
# which GNU ld would leave undefined (the control checks that it does)
printf 'int a_fn(void);\nint main(void) { return a_fn() - 42; }\n' >brmain.c
printf 'int b_fn(void);\nint a_fn(void) { return b_fn() + 1; }\n' >bra.c
printf 'int b_fn(void) { return 41; }\n' >brb.c
must musl-gcc -c brmain.c bra.c brb.c
rm -f libbra.a libbrb.a && must ar rcs libbra.a bra.o && must ar rcs libbrb.a brb.o
$LINK brmain.o libbrb.a libbra.a -Wl,--warn-backrefs -o br1 >br1.log 2>&1
check "--warn-backrefs: a backward reference, one warning, linked" warned_once br1 br1.log \
  "smelt: warning: backward reference detected: b_fn in libbra\.a\(bra\.o\) refers to libbrb\.a\(brb\.o\)"
check "--warn-backrefs: GNU ld cannot link that line" sh -c \
  '! musl-gcc -static brmain.o libbrb.a libbra.a -o br_bfd >/dev/null 2>&1'
n=2
for args in "libbra.a libbrb.a" "-Wl,--start-group libbrb.a libbra.a -Wl,--end-group" \
    "libbrb.a libbra.a libbrb.a" "libbrb.a libbra.a -Wl,--warn-backrefs-exclude=*libbrb.a" \
    "-Wl,-u,b_fn libbrb.a libbra.a"; do
  $LINK brmain.o $args -Wl,--warn-backrefs -o br$n >br$n.log 2>&1
  check "--warn-backrefs: none for brmain.o $args" quiet br$n br$n.log
  n=$((n + 1))
done

# --undefined-glob: every member defining a matching symbol is linked, as
# with -u; a member with none stays out
printf 'int plugin_one(void) { return 1; }\n' >plug1.c
printf 'int plugin_two(void) { return 2; }\n' >plug2.c
printf 'int not_a_plugin(void) { return 3; }\n' >plug3.c
must musl-gcc -c plug1.c plug2.c plug3.c
rm -f libplug.a && must ar rcs libplug.a plug1.o plug2.o plug3.o
must $LINK brmain.o libbra.a libbrb.a libplug.a '-Wl,--undefined-glob=plugin_*' -o plugged
check "--undefined-glob: the matching members linked, the other not" sh -c \
  "nm plugged | grep -q ' T plugin_one\$' && nm plugged | grep -q ' T plugin_two\$' &&
   ! nm plugged | grep -q not_a_plugin"

# --print-archive-stats: members and extracted members of each archive,
# in lld's format
rm -f libbr2.a && must ar rcs libbr2.a brb.o bra.o
must $LINK brmain.o libbra.a libbrb.a libbr2.a -Wl,--print-archive-stats=stats.txt -o brstats
check "--print-archive-stats: header, then members and extracted per archive" sh -c \
  "head -1 stats.txt | grep -qx 'members	extracted	archive' &&
   grep -qx '1	1	libbra.a' stats.txt && grep -qx '1	1	libbrb.a' stats.txt &&
   grep -qx '2	0	libbr2.a' stats.txt && grep -Eq '^[0-9]+	[1-9][0-9]*	.*libc\.a\$' stats.txt"

# ---- --print-gc-sections, --print-icf-sections
must $LINK main.o helper.o fold.o -o gc -Wl,--gc-sections,--print-gc-sections 2>gc.log
check "--print-gc-sections names a dropped section" grep -q 'unused_helper' gc.log
# --why-live: a chain of references from a root to each live symbol the
# glob matches (lld's format); a dead one is not listed; an LSDA is kept by
# its function's .eh_frame entry
cat >whylive.s <<'S'
.globl _start
.section ._start,"ax",@progbits
_start:
	call test_simple
	call f
	ret
.size _start, .-_start
.globl test_simple
.section .test_simple,"ax",@progbits
test_simple:
	jmp test_other
.size test_simple, .-test_simple
.globl test_incidental
test_incidental:
	ret
.globl test_other
.section .test_other,"ax",@progbits
test_other:
	ret
.globl test_dead
.section .test_dead,"ax",@progbits
test_dead:
	ret
.globl f
.section .text.f,"ax",@progbits
f:
.cfi_startproc
.cfi_lsda 0x1b, test_lsda
	ret
.cfi_endproc
.size f, .-f
.globl test_lsda
.section .gcc_except_table.f,"a",@progbits
test_lsda:
	.byte 0
S
must as whylive.s -o whylive.o
must "$BUILD/smelt" -static whylive.o -o whylive --gc-sections --why-live='test_*' 2>whylive.log
ROOT=">>> whylive.o:(._start) is a root: the entry point, _start"
printf '%s\n' "smelt: live symbol: test_simple" ">>> kept alive by _start" "$ROOT" \
  "smelt: live symbol: test_other" ">>> kept alive by test_simple" ">>> kept alive by _start" \
  "$ROOT" "smelt: live symbol: test_incidental" ">>> kept alive by whylive.o:(.test_simple)" \
  ">>> kept alive by test_simple" ">>> kept alive by _start" "$ROOT" \
  "smelt: live symbol: test_lsda" ">>> kept alive by the .eh_frame entry of f" \
  ">>> kept alive by f" ">>> kept alive by _start" "$ROOT" >whylive.want
check "--why-live: the chains from the entry point (an LSDA's through its FDE), no dead symbol" \
  cmp -s whylive.log whylive.want
"$BUILD/smelt" -static whylive.o -o whylive2 --why-live='test_*' >whylive2.log 2>&1
check "--why-live without --gc-sections: one warning" warned_once whylive2 whylive2.log \
  "smelt: warning: --why-live without --gc-sections: every section is kept"
printf 'int fold_a(int), fold_b(int);\nint main(void) { return fold_a(1) - fold_b(1); }\n' >usefold.c
must musl-gcc -O1 -c usefold.c
must $LINK usefold.o fold.o -o icf -Wl,--icf=all,--print-icf-sections,-Map=icf.map 2>icf.log
check "--print-icf-sections names the folded pair" sh -c 'grep -q fold_a icf.log && grep -q fold_b icf.log'
check "-Map: the folded section discarded as folded by --icf" \
  grep -Eq '^ \.text\.fold_b .*fold\.o \(folded by --icf\)$' icf.map

# ---- segments
# phdrs FILE: "TYPE FLAGS" per program header
phdrs() { readelf -lW "$1" | awk '/^  [A-Z]/ && $1 != "Type" { f = ""; for (i = 7; i <= NF - 1; i++) f = f $i; print $1, f }'; }
phdrs prog >ph.txt
check "no segment is writable and executable" sh -c '! grep -Eq " (RWE|WE)$" ph.txt'
check "PT_GNU_STACK is RW" grep -qx 'GNU_STACK RW' ph.txt
check "PT_GNU_RELRO present" grep -q '^GNU_RELRO' ph.txt
must $LINK main.o -L. -lhelper -o prog-x -Wl,-z,execstack
check "-z execstack: PT_GNU_STACK is RWE" sh -c 'phdrs() { readelf -lW "$1" | grep GNU_STACK; }; phdrs prog-x | grep -q RWE'
printf '.section .note.GNU-stack,"x",@progbits\n' >xstack.s
must as xstack.s -o xstack.o
must $LINK main.o xstack.o -L. -lhelper -o prog-xs
check "an input asking for an executable stack gets one" sh -c 'readelf -lW prog-xs | grep GNU_STACK | grep -q RWE'
check "... and still no W+X load segment" sh -c '! readelf -lW prog-xs | grep LOAD | grep -q RWE'

# ---- threads (--stats says how many the loops ran on): a link of less
# than 32 MiB of inputs runs on one thread unless --threads or debug
# compression (of debug sections not stripped) asks for more; a larger one
# uses one thread per core
threads_of() { sed -n 's/.* live, \([0-9]*\) threads\{0,1\},.*/\1/p' "$1"; }
must $LINK main.o -L. -lhelper -o t-small -Wl,--stats 2>small.log
check "--stats: a small link runs on one thread" test "$(threads_of small.log)" = 1
must $LINK main.o -L. -lhelper -o t-two -Wl,--stats,--threads=2 2>two.log
check "--stats: --threads=2 gives a small link two" test "$(threads_of two.log)" = 2
check "... and the same bytes" cmp -s t-small t-two
ncpu=$(nproc) # the CPUs this process may run on, which smelt counts too
if [ "$ncpu" -ge 2 ]; then
  [ "$ncpu" -le 256 ] || ncpu=256
  must musl-gcc -g -O1 -c main.c -o main-g.o
  must $LINK main-g.o -L. -lhelper -o t-z -Wl,--stats,--compress-debug-sections=zlib 2>z.log
  check "--stats: debug compression uses every core" test "$(threads_of z.log)" = "$ncpu"
  must $LINK main-g.o -L. -lhelper -o t-zs -Wl,--stats,--compress-debug-sections=zlib,-s 2>zs.log
  check "--stats: ... but not when -s leaves nothing to compress" test "$(threads_of zs.log)" = 1
  echo 'char big[33 << 20] = {1};' >big.c
  must musl-gcc -c big.c
  must $LINK main.o big.o -L. -lhelper -o t-big -Wl,--stats 2>big.log
  check "--stats: 33 MiB of inputs use every core" test "$(threads_of big.log)" = "$ncpu"
  must taskset -c 0 $LINK main.o big.o -L. -lhelper -o t-big1 -Wl,--stats 2>big1.log
  check "--stats: on one allowed CPU (taskset -c 0), one thread" test "$(threads_of big1.log)" = 1
  check "... and the same bytes" cmp -s t-big t-big1
  rm -f big.o t-big t-big1
fi

echo "$passes passed, $fails failed"
[ "$fails" = 0 ]
