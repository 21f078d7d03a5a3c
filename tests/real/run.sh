#!/bin/sh
# tests/real/run.sh BUILD ARCH [gc]
#
# Links real programs built from Debian's sources (sqlite3 shell with FTS5,
# the lua 5.4 interpreter, the zstd CLI) with the linker in BUILD and runs
# real workloads through them. smelt must also write the same bytes with
# --threads=1 and --threads=2.
#
#   BUILD  build directory holding `smelt` and the `ld` -> smelt symlink;
#          linking is `$CC -static -B"$BUILD/" ...`, so any directory with an
#          `ld` in it works (e.g. `ln -s /usr/bin/ld.bfd $T/ld` to check this
#          script against GNU ld).
#   ARCH   x86_64 | i386 | aarch64.  Exits 77 (skip) if the toolchain for ARCH
#          (or qemu for aarch64) is not installed.
#   gc     the objects are compiled with -ffunction-sections -fdata-sections
#          and linked with --gc-sections --icf=all, as size-minded static
#          builds do; each link must have dropped sections of the program's
#          own objects and folded some (--print-gc-sections,
#          --print-icf-sections).
#
# Exit status: 0 all passed, 1 some program failed, 77 skipped, 99 setup error
# (sources could not be fetched or compiled; nothing to do with the linker).
#
# Cache
# -----
# Everything that does not depend on the linker is done once and kept in
#   ${SMELT_CACHE:-/var/cache/smelt-tests}/
#       src/<package>/          apt-get source trees (Debian patches applied)
#       src/sqlite3-amalg/      generated sqlite3.c / shell.c
#       <ARCH>/<package>/       objects and archives built with `$CC -O2 -g`
#       <ARCH>-gc/<package>/    the same with -ffunction-sections -fdata-sections
# Each step leaves a `.stamp` file; a step whose stamp matches is skipped, so a
# warm run needs neither network nor compiler work: it only re-links with the
# linker under test and runs the checks.  Changing compiler or flags changes
# the stamp and rebuilds.  To start over, remove the cache:
#   rm -rf /var/cache/smelt-tests            (everything)
#   rm -rf /var/cache/smelt-tests/x86_64     (objects for one ARCH only)
# Fetching needs root the first time (apt-get update / install, and enabling
# deb-src via /etc/apt/sources.list.d/smelt-src.sources if no deb-src exists).
#
# Linked programs and check outputs are left in BUILD/real-ARCH[-gc]/ for
# inspection; they are replaced on every run.
#
# Environment: SMELT_CACHE (cache root), SMELT_JOBS (parallel compiles,
# default nproc), SMELT_REAL_PROGS (subset, e.g. "lua zstd").

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi
set -u
set -o pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ] || { [ $# -eq 3 ] && [ "$3" != gc ]; }; then
	echo "usage: $0 BUILD ARCH [gc]" >&2
	exit 2
fi
BUILD=$(cd "$1" 2>/dev/null && pwd) || { echo "real: no build dir '$1'" >&2; exit 99; }
ARCH=$2
FLAVOR=${3:+-$3}  # "" or "-gc": names the object cache and the work directory
JOBS=${SMELT_JOBS:-$(nproc 2>/dev/null || echo 2)}
PROGS=${SMELT_REAL_PROGS:-sqlite3 lua zstd}
ROOT=${SMELT_CACHE:-/var/cache/smelt-tests}
export LC_ALL=C

skip() { echo "real: SKIP ($ARCH): $*"; exit 77; }
die() { echo "real: SETUP ERROR ($ARCH): $*" >&2; exit 99; }

# --- toolchain -------------------------------------------------------------
case $ARCH in
x86_64)
	CC=(musl-gcc); RUN=(); TRIPLET=x86_64-linux-musl
	command -v musl-gcc >/dev/null || skip "musl-gcc not found (apt-get install musl-tools)"
	;;
i386)
	CC=(i686-linux-gnu-gcc -specs /usr/lib/i386-linux-musl/musl-gcc.specs); RUN=(); TRIPLET=i386-linux-musl
	command -v i686-linux-gnu-gcc >/dev/null || skip "i686-linux-gnu-gcc not found (apt-get install gcc-i686-linux-gnu)"
	[ -f /usr/lib/i386-linux-musl/musl-gcc.specs ] || skip "no /usr/lib/i386-linux-musl/musl-gcc.specs (apt-get install musl-dev:i386)"
	;;
aarch64)
	CC=(aarch64-linux-gnu-gcc -specs /usr/lib/aarch64-linux-musl/musl-gcc.specs); RUN=(qemu-aarch64); TRIPLET=aarch64-linux-musl
	command -v aarch64-linux-gnu-gcc >/dev/null || skip "aarch64-linux-gnu-gcc not found (apt-get install gcc-aarch64-linux-gnu)"
	[ -f /usr/lib/aarch64-linux-musl/musl-gcc.specs ] || skip "no /usr/lib/aarch64-linux-musl/musl-gcc.specs (apt-get install musl-dev:arm64)"
	command -v qemu-aarch64 >/dev/null || skip "qemu-aarch64 not found (apt-get install qemu-user)"
	;;
*)
	echo "real: unknown ARCH '$ARCH'" >&2; exit 2 ;;
esac

[ -x "$BUILD/ld" ] || die "$BUILD/ld does not exist or is not executable"
# smelt (not GNU ld, which the script can also be checked against) is also
# asked for the same output with --threads=1 and --threads=2
THREADS_CHECK=
"$BUILD/ld" --version 2>/dev/null | grep -q '^smelt ' && THREADS_CHECK=1
# gcc silently falls back to the system ld when -B finds nothing: make sure it
# does find ours.
LDPROG=$("${CC[@]}" -B"$BUILD/" -print-prog-name=ld 2>/dev/null)
[ "$LDPROG" -ef "$BUILD/ld" ] || die "'${CC[*]} -B$BUILD/' would use '$LDPROG', not $BUILD/ld"

CFLAGS=(-O2 -g)
LDFLAGS=()
if [ "$FLAVOR" = -gc ]; then
	CFLAGS+=(-ffunction-sections -fdata-sections)
	LDFLAGS=(-Wl,--gc-sections -Wl,--icf=all -Wl,--print-gc-sections -Wl,--print-icf-sections)
fi
CCKEY="${CC[*]} | $("${CC[0]}" -dumpfullversion -dumpversion 2>/dev/null | head -1) | ${CFLAGS[*]}"

now() { date +%s%N; }
elapsed() { local ms=$(( ($(now) - $1) / 1000000 )); printf '%d.%03ds' $((ms / 1000)) $((ms % 1000)); }

mkdir -p "$ROOT/src" "$ROOT/$ARCH$FLAVOR" || die "cannot create cache $ROOT"
# One run at a time per cache: another ARCH may be filling the shared src/.
# (A read-only open is enough for flock when a prepared cache is not ours.)
{ exec 9>>"$ROOT/.lock"; } 2>/dev/null || exec 9<"$ROOT/.lock" || die "cannot open $ROOT/.lock"
flock 9 || die "cannot lock $ROOT/.lock"

# --- phase 1: fetch sources --------------------------------------------------
# Debian 12 source package names: sqlite3, lua5.4, libzstd (binary zstd).
declare -A SRCPKG=([sqlite3]=sqlite3 [lua]=lua5.4 [zstd]=libzstd)

apt_ready=
need_tools() {  # need_tools cmd:package ...
	local want=() c
	for c in "$@"; do
		command -v "${c%%:*}" >/dev/null || want+=("${c#*:}")
	done
	[ ${#want[@]} -eq 0 ] && return 0
	[ "$(id -u)" = 0 ] || die "need ${want[*]} installed (not root, cannot apt-get install)"
	echo "real: installing ${want[*]}"
	apt-get install -y --no-install-recommends "${want[@]}" >"$ROOT/apt-install.log" 2>&1 ||
		{ tail -20 "$ROOT/apt-install.log" >&2; die "apt-get install ${want[*]} failed"; }
}

enable_deb_src() {
	[ -n "$apt_ready" ] && return 0
	if ! apt-cache showsrc sqlite3 2>/dev/null | grep -q '^Package:'; then
		[ "$(id -u)" = 0 ] || die "no deb-src entries in apt sources and not root to add them"
		local d=/etc/apt/sources.list.d
		if ! grep -rqsE '^(deb-src|Types:.*deb-src)' /etc/apt/sources.list $d; then
			echo "real: enabling deb-src in $d/smelt-src.sources / smelt-src.list"
			local f
			for f in "$d"/*.sources; do
				[ -f "$f" ] || continue
				case $f in */smelt-src.sources) continue ;; esac
				sed -E 's/^Types:.*/Types: deb-src/' "$f"
				echo
			done >$d/smelt-src.sources.tmp
			if [ -s $d/smelt-src.sources.tmp ]; then
				mv $d/smelt-src.sources.tmp $d/smelt-src.sources
			else
				rm -f $d/smelt-src.sources.tmp
			fi
			if [ -f /etc/apt/sources.list ] && grep -qE '^deb[[:space:]]' /etc/apt/sources.list; then
				sed -nE 's/^deb([[:space:]])/deb-src\1/p' /etc/apt/sources.list >$d/smelt-src.list
			fi
		fi
		# Refresh only the deb-src indexes first: a broken binary index of
		# some foreign architecture must not stop us.  Fall back to a full
		# update if that was not enough.
		echo "real: apt-get update (deb-src)"
		: >"$ROOT/apt-update.log"
		local l
		for l in $d/smelt-src.sources $d/smelt-src.list; do
			[ -f "$l" ] || continue
			apt-get update -o Dir::Etc::sourcelist="$l" -o Dir::Etc::sourceparts=- \
				-o APT::Get::List-Cleanup=0 >>"$ROOT/apt-update.log" 2>&1
		done
		if ! apt-cache showsrc sqlite3 2>/dev/null | grep -q '^Package:'; then
			echo "real: apt-get update"
			apt-get update >>"$ROOT/apt-update.log" 2>&1
		fi
		if ! apt-cache showsrc sqlite3 2>/dev/null | grep -q '^Package:'; then
			tail -20 "$ROOT/apt-update.log" >&2
			die "apt knows no source packages even after enabling deb-src and apt-get update"
		fi
	fi
	need_tools dpkg-source:dpkg-dev xz:xz-utils
	apt_ready=1
}

# fetch PROG: leaves the patched source tree in $ROOT/src/<srcpkg>
fetch() {
	local pkg=${SRCPKG[$1]}
	local dst=$ROOT/src/$pkg
	[ -f "$dst/.stamp" ] && return 0
	enable_deb_src
	local dl=$ROOT/src/dl-$pkg
	rm -rf "$dl" "$dst"
	mkdir -p "$dl"
	echo "real: apt-get source $pkg"
	( cd "$dl" && apt-get -o APT::Sandbox::User=root source --download-only "$pkg" ) >"$dl.log" 2>&1 ||
		{ tail -20 "$dl.log" >&2; die "apt-get source $pkg failed"; }
	local dsc
	dsc=$(ls "$dl"/*.dsc 2>/dev/null | head -1)
	[ -n "$dsc" ] || die "apt-get source $pkg produced no .dsc"
	# dpkg-source verifies checksums and applies the Debian patches.
	dpkg-source -x "$dsc" "$dl/tree" >>"$dl.log" 2>&1 ||
		{ tail -20 "$dl.log" >&2; die "dpkg-source -x $dsc failed"; }
	mv "$dl/tree" "$dst"
	basename "$dsc" >"$dst/.stamp"
	rm -rf "$dl" "$dl.log"
}

# --- phase 2: compile (once per ARCH/compiler/flags) -------------------------

# pcompile OUTDIR SRC... : compile each SRC to OUTDIR/<basename>.o in parallel
# with "${CC[@]} ${CFLAGS[@]} ${XFLAGS[@]}".
pcompile() {
	local out=$1; shift
	export PC_OUT=$out PC_CMD
	PC_CMD=$(printf '%q ' "${CC[@]}" "${CFLAGS[@]}" "${XFLAGS[@]}")
	printf '%s\n' "$@" | xargs -d '\n' -P "$JOBS" -n 1 bash -c '
		s=$1; b=${s##*/}; o=$PC_OUT/${b%.*}.o
		echo "CC $s"
		eval "$PC_CMD -c \"\$s\" -o \"\$o\"" || { echo "FAILED: $s"; exit 255; }
	' _
}

# build PROG: objects in $ROOT/$ARCH$FLAVOR/PROG, skipped when .stamp matches
build() {
	local prog=$1 src=$ROOT/src/${SRCPKG[$1]}
	local dst=$ROOT/$ARCH$FLAVOR/$prog
	# The key covers compiler, flags, source version and the recipe itself,
	# so editing build_<prog> below rebuilds on the next run.
	local key recipe
	recipe=$(declare -f "build_$prog" pcompile | md5sum)
	key="$CCKEY | $(cat "$src/.stamp") | ${recipe%% *}"
	[ -f "$dst/.stamp" ] && [ "$(cat "$dst/.stamp")" = "$key" ] && return 0
	local tmp=$dst.tmp
	rm -rf "$tmp" "$dst"
	mkdir -p "$tmp"
	echo "real: compiling $prog for $ARCH"
	if ! "build_$prog" "$src" "$tmp" >"$tmp/build.log" 2>&1; then
		grep -v '^CC ' "$tmp/build.log" | tail -30 >&2
		die "building $prog failed (log: $tmp/build.log)"
	fi
	echo "$key" >"$tmp/.stamp"
	mv "$tmp" "$dst"
}

amalgamate_sqlite() {
	# Debian's sqlite3 source has no amalgamation; generate it with the
	# source's own tools (configure with the host compiler, then
	# `make sqlite3.c shell.c`; needs tclsh).  The result is target-neutral
	# C and shared by all ARCHes.
	local src=$ROOT/src/sqlite3 dst=$ROOT/src/sqlite3-amalg
	[ -f "$dst/.stamp" ] && [ "$(cat "$dst/.stamp")" = "$(cat "$src/.stamp")" ] && return 0
	need_tools tclsh:tcl cc:gcc make:make
	echo "real: generating sqlite3.c and shell.c"
	local tmp=$dst.tmp
	rm -rf "$tmp" "$dst"
	mkdir -p "$tmp/bld"
	if ! ( cd "$tmp/bld" && "$src/configure" --disable-tcl --enable-fts5 CC=cc &&
	       make -j"$JOBS" CROSS_BUILDING=no sqlite3.c shell.c ) >"$tmp/gen.log" 2>&1; then
		tail -30 "$tmp/gen.log" >&2
		die "generating the sqlite3 amalgamation failed (log: $tmp/gen.log)"
	fi
	for f in sqlite3.c sqlite3.h sqlite3ext.h shell.c; do
		cp "$tmp/bld/$f" "$tmp/" || die "no $f after make"
	done
	rm -rf "$tmp/bld"
	cp "$src/.stamp" "$tmp/.stamp"
	mv "$tmp" "$dst"
}

build_sqlite3() {
	local a=$ROOT/src/sqlite3-amalg out=$2
	XFLAGS=(-I"$a" -DSQLITE_THREADSAFE=0 -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_MATH_FUNCTIONS
		-DSQLITE_OMIT_LOAD_EXTENSION)
	pcompile "$out" "$a/sqlite3.c" "$a/shell.c" || return 1
	# The library goes into an archive so the link has to extract it.
	ar rcs "$out/libsqlite3.a" "$out/sqlite3.o" && rm "$out/sqlite3.o"
}

build_lua() {
	local s=$1/src out=$2 f libsrc=()
	# Debian's luaconf.h patch includes this generated header.
	printf '#ifndef _LUA_DEB_MULTIARCH_\n#define _LUA_DEB_MULTIARCH_\n#define DEB_HOST_MULTIARCH "%s"\n#endif\n' \
		"$TRIPLET" >"$out/lua5.4-deb-multiarch.h"
	XFLAGS=(-std=gnu99 -I"$out" -DLUA_COMPAT_5_3 -DLUA_USE_POSIX)
	for f in "$s"/*.c; do
		case ${f##*/} in lua.c|luac.c) ;; *) libsrc+=("$f") ;; esac
	done
	pcompile "$out" "$s/lua.c" "${libsrc[@]}" || return 1
	local objs=() 
	for f in "${libsrc[@]}"; do b=${f##*/}; objs+=("$out/${b%.c}.o"); done
	ar rcs "$out/liblua.a" "${objs[@]}" && rm "${objs[@]}"
}

build_zstd() {
	local s=$1 out=$2 f libsrc=() clisrc=()
	mkdir -p "$out/lib"
	# Library: common + compress + decompress (+ the x86-64 Huffman asm,
	# which assembles to nothing on other targets) + dictBuilder for --train.
	# No legacy formats, multithreaded, no zlib/lzma/lz4.
	libsrc=("$s"/lib/common/*.c "$s"/lib/compress/*.c "$s"/lib/decompress/*.c
		"$s"/lib/decompress/*.S "$s"/lib/dictBuilder/*.c)
	clisrc=("$s"/programs/*.c)
	XFLAGS=(-I"$s/lib" -I"$s/lib/common" -DZSTD_LEGACY_SUPPORT=0 -DZSTD_MULTITHREAD -pthread
		-DBACKTRACE_ENABLE=0 -DXXH_NAMESPACE=ZSTD_)
	pcompile "$out/lib" "${libsrc[@]}" || return 1
	pcompile "$out" "${clisrc[@]}" || return 1
	ar rcs "$out/libzstd.a" "$out"/lib/*.o && rm -rf "${out:?}/lib"
}

# --- phase 3: link with the linker under test and check ----------------------

WORK=$BUILD/real-$ARCH$FLAVOR
rm -rf "$WORK"
mkdir -p "$WORK" || die "cannot create $WORK"
HERE=$(cd "$(dirname "$0")" && pwd)

failed=()
passed=()
fail() {  # fail PROG MESSAGE [FILE-TO-SHOW]
	echo "FAIL: $1 ($ARCH): $2"
	if [ $# -ge 3 ] && [ -s "$3" ]; then sed 's/^/    | /' "$3" | head -60; fi
	failed+=("$1")
}

cc_link() {  # cc_link OUT ARGS...: the driver links ARGS into OUT, messages in OUT.link.log
	local out=$1; shift
	"${CC[@]}" -static -B"$BUILD/" "${LDFLAGS[@]}" "$@" -o "$out" >"$out.link.log" 2>&1
}

link() {  # link PROG OUT ARGS... -> 0 if the link worked and the output is static
	local prog=$1 out=$2; shift 2
	local t0; t0=$(now)
	if ! cc_link "$out" "$@"; then
		fail "$prog" "link failed: ${CC[*]} -static -B$BUILD/ ${LDFLAGS[*]} $* -o $out" "$out.link.log"
		return 1
	fi
	if [ "$FLAVOR" = -gc ]; then
		# the options must have taken effect: sections of the program's own
		# objects dropped, and some folded (lua on aarch64 has no identical
		# functions of its own, as lld agrees: libc's count there)
		if ! grep -qF "removing unused section $ROOT/$ARCH$FLAVOR/$prog/" "$out.link.log"; then
			fail "$prog" "--gc-sections dropped no section of the program's objects" "$out.link.log"
			return 1
		fi
		if ! grep -qF "removing identical section " "$out.link.log"; then
			fail "$prog" "--icf=all folded no section" "$out.link.log"
			return 1
		fi
	fi
	echo "real: linked $prog in $(elapsed "$t0")"
	if [ -n "$THREADS_CHECK" ]; then
		# the same bytes whatever the thread count (a link this small runs
		# its loops on one thread unless --threads says otherwise)
		local th
		for th in 1 2; do
			if ! cc_link "$out.t$th" -Wl,--threads=$th "$@"; then
				fail "$prog" "link with --threads=$th failed" "$out.t$th.link.log"
				return 1
			fi
			if ! cmp -s "$out" "$out.t$th"; then
				fail "$prog" "output with --threads=$th differs from the default's"
				return 1
			fi
		done
	fi
	readelf -lW "$out" >"$out.phdrs" 2>&1 || { fail "$prog" "readelf -lW failed" "$out.phdrs"; return 1; }
	if grep -qE '^[[:space:]]*(INTERP|DYNAMIC)[[:space:]]' "$out.phdrs"; then
		fail "$prog" "static output has INTERP or DYNAMIC program headers" "$out.phdrs"
		return 1
	fi
	return 0
}

run() { timeout 300 "${RUN[@]}" "$@"; }
status() {  # status ST: describe an exit status of run
	if [ "$1" -eq 124 ]; then
		echo "timed out after 300s"
	elif [ "$1" -gt 128 ]; then
		echo "killed by signal $(( $1 - 128 )) (SIG$(kill -l $(( $1 - 128 )) 2>/dev/null))"
	else
		echo "exit status $1"
	fi
}

# expect PROG NAME EXPECTED-FILE ACTUAL-FILE
expect() {
	if ! cmp -s "$3" "$4"; then
		diff -u "$3" "$4" >"$4.diff"
		fail "$1" "$2: output differs from expected" "$4.diff"
		return 1
	fi
}

check_sqlite3() {
	local d=$WORK/sqlite3 o=$ROOT/$ARCH$FLAVOR/sqlite3 st
	mkdir -p "$d"
	link sqlite3 "$d/sqlite3" "$o/shell.o" "$o/libsqlite3.a" -lm || return 1
	rm -f "$d/test.db"
	run "$d/sqlite3" -batch "$d/test.db" <"$HERE/sqlite3.sql" >"$d/out" 2>&1
	st=$?
	if [ $st -ne 0 ]; then
		fail sqlite3 "sqlite3 <sqlite3.sql: $(status "$st")" "$d/out"; return 1
	fi
	expect sqlite3 "sqlite3.sql" "$HERE/sqlite3.expected" "$d/out" || return 1
	# Re-open the database file: the data must have been written to disk.
	run "$d/sqlite3" -batch "$d/test.db" \
		"SELECT count(*), max(name) FROM t; SELECT rowid FROM docs WHERE docs MATCH 'archive*' ORDER BY rowid;" \
		>"$d/out2" 2>&1
	st=$?
	if [ $st -ne 0 ]; then
		fail sqlite3 "sqlite3 (reopening test.db): $(status "$st")" "$d/out2"; return 1
	fi
	printf '3|gamma\n4\n' >"$d/out2.expected"
	expect sqlite3 "reopened database" "$d/out2.expected" "$d/out2" || return 1
}

check_lua() {
	local d=$WORK/lua o=$ROOT/$ARCH$FLAVOR/lua st
	mkdir -p "$d"
	link lua "$d/lua" "$o/lua.o" "$o/liblua.a" -lm || return 1
	(cd "$d" && run ./lua "$HERE/lua-test.lua" a1 b2) >"$d/out" 2>&1
	st=$?
	if [ $st -ne 0 ]; then
		fail lua "lua lua-test.lua: $(status "$st")" "$d/out"; return 1
	fi
	expect lua "lua-test.lua" "$HERE/lua.expected" "$d/out" || return 1
	# An uncaught error must go to stderr with status 1.
	run "$d/lua" -e 'error("boom")' >"$d/err" 2>&1
	st=$?
	if [ $st -ne 1 ] || ! grep -q 'boom' "$d/err"; then
		fail lua "lua -e 'error(\"boom\")': $(status "$st"), wanted exit status 1 and the message" "$d/err"; return 1
	fi
}

gen_data() {  # deterministic, a few MB, partly compressible, partly noisy
	awk 'BEGIN {
		split("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu", w, " ")
		x = 12345
		for (i = 0; i < 120000; i++) {
			x = (x * 69069 + 1) % 4294967296
			printf "%08d %s %s %08x", i, w[x % 12 + 1], w[int(x / 4096) % 12 + 1], x
			if (x % 7 == 0) printf " %s", substr("the quick brown fox jumps over the lazy dog", x % 20 + 1)
			printf "\n"
		}
	}'
}

check_zstd() {
	local d=$WORK/zstd o=$ROOT/$ARCH$FLAVOR/zstd st
	mkdir -p "$d"
	link zstd "$d/zstd" "$o"/*.o "$o/libzstd.a" -pthread || return 1
	local z=$d/zstd
	run "$z" --version >"$d/version" 2>&1
	if ! grep -q 'Zstandard CLI.*v1\.5\.' "$d/version"; then
		fail zstd "zstd --version" "$d/version"; return 1
	fi
	gen_data >"$d/data" || { fail zstd "generating test data failed"; return 1; }
	head -c 300000 "$d/data" >"$d/small"
	cat "$o/libzstd.a" >"$d/binary"  # some non-text input
	local step
	for step in \
		"-q -3 -T2 $d/data -o $d/data.zst" \
		"-q -t $d/data.zst" \
		"-q -d $d/data.zst -o $d/data.out" \
		"-q -1 $d/small -o $d/small.1.zst" \
		"-q -19 $d/small -o $d/small.19.zst" \
		"-q -d $d/small.1.zst -o $d/small.1.out" \
		"-q -d $d/small.19.zst -o $d/small.19.out" \
		"-q --long=24 -8 $d/binary -o $d/binary.zst" \
		"-q -d --long=24 $d/binary.zst -o $d/binary.out"
	do
		# shellcheck disable=SC2086
		run "$z" $step >"$d/log" 2>&1
		st=$?
		if [ $st -ne 0 ]; then
			fail zstd "zstd $step: $(status "$st")" "$d/log"; return 1
		fi
	done
	(
		cd "$d" &&
		cmp data data.out && cmp small small.1.out && cmp small small.19.out && cmp binary binary.out
	) >"$d/log" 2>&1 || { fail zstd "round trip mismatch" "$d/log"; return 1; }
	# -19 must actually compress better than -1 on text
	local s1 s19
	s1=$(stat -c %s "$d/small.1.zst"); s19=$(stat -c %s "$d/small.19.zst")
	if [ "$s19" -ge "$s1" ]; then
		fail zstd "level 19 output ($s19 bytes) not smaller than level 1 ($s1 bytes)"; return 1
	fi
	# Through pipes.
	if ! run "$z" -c -5 <"$d/small" | run "$z" -dc | cmp - "$d/small" >"$d/log" 2>&1; then
		fail zstd "stdin/stdout round trip" "$d/log"; return 1
	fi
	# A corrupted frame must be rejected.
	cp "$d/data.zst" "$d/bad.zst"
	printf '\377\377\377\377' | dd of="$d/bad.zst" bs=1 seek=$(( $(stat -c %s "$d/data.zst") / 2 )) conv=notrunc status=none
	if run "$z" -q -t "$d/bad.zst" >"$d/log" 2>&1; then
		fail zstd "zstd -t accepted a corrupted file"; return 1
	fi
	# Dictionary training (dictBuilder, threads).
	mkdir -p "$d/samples"
	split -b 4096 -a 3 "$d/small" "$d/samples/s"
	if ! run "$z" -q --train "$d"/samples/s* -o "$d/dict" --maxdict=16384 >"$d/log" 2>&1 ||
	   ! run "$z" -q -D "$d/dict" "$d/samples/saaa" -o "$d/saaa.zst" >>"$d/log" 2>&1 ||
	   ! run "$z" -q -d -D "$d/dict" "$d/saaa.zst" -o "$d/saaa.out" >>"$d/log" 2>&1 ||
	   ! cmp "$d/samples/saaa" "$d/saaa.out" >>"$d/log" 2>&1; then
		fail zstd "dictionary train/compress/decompress" "$d/log"; return 1
	fi
}

# --- main ---------------------------------------------------------------------

echo "real: ARCH=$ARCH${FLAVOR:+ ($3)} CC='${CC[*]}' RUN='${RUN[*]}' linker=$(readlink -f "$BUILD/ld") cache=$ROOT"

t0=$(now)
for p in $PROGS; do
	[ -n "${SRCPKG[$p]:-}" ] || { echo "real: unknown program '$p'" >&2; exit 2; }
	fetch "$p"
done
echo "real: fetch phase: $(elapsed "$t0")"

# sqlite3 (amalgamation generation, then the single long sqlite3.c compile)
# is built in the background while the others use the remaining jobs.
case " $PROGS " in
*" sqlite3 "*) [ -f "$ROOT/src/sqlite3-amalg/.stamp" ] || need_tools tclsh:tcl cc:gcc make:make ;;
esac
build_one() {
	local t1; t1=$(now)
	if [ "$1" = sqlite3 ]; then amalgamate_sqlite; fi
	build "$1"
	echo "real: build $1: $(elapsed "$t1")"
}
t0=$(now)
bgpid=
for p in $PROGS; do
	if [ "$p" = sqlite3 ]; then
		build_one sqlite3 &
		bgpid=$!
	fi
done
bad=0
for p in $PROGS; do
	[ "$p" = sqlite3 ] && continue
	( [ -n "$bgpid" ] && [ "$JOBS" -gt 1 ] && JOBS=$((JOBS - 1)); build_one "$p" ) || bad=1
done
if [ -n "$bgpid" ]; then wait "$bgpid" || bad=1; fi
[ $bad -eq 0 ] || die "could not build the test programs (see above)"
echo "real: build phase: $(elapsed "$t0")"

t0=$(now)
for p in $PROGS; do
	t1=$(now)
	nfail=${#failed[@]}
	"check_$p"
	if [ ${#failed[@]} -eq "$nfail" ]; then
		echo "PASS: $p ($ARCH) [$(elapsed "$t1")]"
		passed+=("$p")
	fi
done
echo "real: link+check phase: $(elapsed "$t0")"

if [ ${#failed[@]} -ne 0 ]; then
	echo "real: ${#failed[@]} failed: ${failed[*]}; passed: ${passed[*]:-none} (outputs in $WORK)"
	exit 1
fi
echo "real: all passed: ${passed[*]}"
exit 0
