#!/bin/sh
# bench/run.sh [--size small|medium|large] [--quick] [--runs N]
#              [--only "synth sqlite3 lua zstd cpython go"] [--files N]
#
# One command for the whole benchmark (see bench/README.md):
#   1. builds smelt (release) and bench-timer (timer.c) in build-bench/,
#   2. builds the workloads once (cached under bench/work/): a synthetic
#      program from bench/gen.py, and sqlite3, lua 5.4, zstd and CPython 3.11
#      from Debian sources, all with musl-gcc -O2 -g,
#   3. freezes every final link (inputs + exact linker argv) into
#      bench/work/frozen/<workload>/ by running the compiler driver with
#      -B<dir> whose `ld` is bench/freeze-ld.py,
#   4. times smelt, mold, lld, gold and GNU ld on each frozen link
#      (bench/bench.py), checks that every output runs, and writes
#      bench/results/results.{md,json,svg}.
#
# Environment: BENCH_WORK (default bench/work), BENCH_BUILD (default
# build-bench), BENCH_JOBS (parallel compiles, default nproc), BENCH_RESULTS
# (default bench/results).

if [ -z "${BASH_VERSION:-}" ]; then
	exec bash "$0" "$@"
fi
set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
WORK=${BENCH_WORK:-$HERE/work}
BUILD=${BENCH_BUILD:-$ROOT/build-bench}
JOBS=${BENCH_JOBS:-$(nproc 2>/dev/null || echo 2)}
SIZE=medium
RUNS=
QUICK=
ONLY="synth sqlite3 lua zstd cpython go"
FILES=
FUNCS=83

usage() { sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--size) SIZE=${2:?}; shift 2 ;;
	--size=*) SIZE=${1#*=}; shift ;;
	--quick) QUICK=1; shift ;;
	--runs) RUNS=${2:?}; shift 2 ;;
	--runs=*) RUNS=${1#*=}; shift ;;
	--only) ONLY=${2:?}; shift 2 ;;
	--only=*) ONLY=${1#*=}; shift ;;
	--files) FILES=${2:?}; shift 2 ;;
	--files=*) FILES=${1#*=}; shift ;;
	-h|--help) usage ;;
	*) echo "run.sh: unknown argument '$1'" >&2; usage ;;
	esac
done
case $SIZE in
small) : "${FILES:=200}" ;;     # ~ 40 MB of objects
medium) : "${FILES:=1600}" ;;   # ~ 300 MB: the issue's 1600-file anchor link
large) : "${FILES:=3200}" ;;    # ~ 600 MB
*) echo "run.sh: --size must be small, medium or large" >&2; exit 2 ;;
esac
[ -n "$RUNS" ] || { [ -n "$QUICK" ] && RUNS=3 || RUNS=10; }

log() { echo "bench: $*"; }
die() { echo "bench: error: $*" >&2; exit 1; }
now() { date +%s; }

# --- tools ---------------------------------------------------------------------
need=()
for t in musl-gcc:musl-tools go:golang-go ld.bfd:binutils ld.gold:binutils ld.lld:lld mold:mold python3:python3 \
	meson:meson ninja:ninja-build tclsh:tcl dpkg-source:dpkg-dev xz:xz-utils make:make cc:gcc; do
	command -v "${t%%:*}" >/dev/null || need+=("${t#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "missing tools; install: ${need[*]}"
	log "apt-get install ${need[*]}"
	apt-get install -y --no-install-recommends "${need[@]}" >/dev/null
fi

mkdir -p "$WORK"/{src,build,frozen,bin}
# One bench at a time per work dir.
exec 9>>"$WORK/.lock"
flock -n 9 || die "another bench/run.sh is using $WORK"

# --- smelt -----------------------------------------------------------------------
if [ ! -f "$BUILD/build.ninja" ]; then
	meson setup "$BUILD" "$ROOT" --buildtype=release >/dev/null || die "meson setup $BUILD failed"
fi
log "building smelt in $BUILD"
ninja -C "$BUILD" >"$WORK/ninja.log" 2>&1 || { tail -30 "$WORK/ninja.log" >&2; die "ninja failed"; }
SMELT=$BUILD/smelt
TIMER=$BUILD/bench-timer
cc -O2 -Wall -pthread -o "$TIMER" "$HERE/timer.c" || die "cannot build $TIMER"

# The freezing `ld`, and a musl-gcc wrapper for configure scripts that ask
# for the multiarch tuple (musl-gcc answers x86_64-linux-gnu, which
# CPython's configure rejects for a musl target).
ln -sf "$HERE/freeze-ld.py" "$WORK/bin/ld"
cat >"$WORK/bin/musl-cc" <<'EOF'
#!/bin/sh
for a; do [ "$a" = --print-multiarch ] && exit 1; done
exec musl-gcc "$@"
EOF
chmod +x "$WORK/bin/musl-cc"
REC=$WORK/bin/
[ "$(musl-gcc -B"$REC" -print-prog-name=ld)" -ef "$REC/ld" ] || die "musl-gcc -B$REC does not pick $REC/ld"

CFLAGS="-O2 -g"
CCVER=$(musl-gcc -dumpfullversion 2>/dev/null)
recipe_key() { declare -f "$@" | md5sum | cut -c1-12; }

# stamp_ok DIR KEY / stamp DIR KEY
stamp_ok() { [ -f "$1/.stamp" ] && [ "$(cat "$1/.stamp")" = "$2" ]; }
stamp() { echo "$2" >"$1/.stamp"; }

# --- sources ---------------------------------------------------------------------
fetch() {  # fetch SRCPKG: patched tree in $WORK/src/SRCPKG
	local pkg=$1 dst=$WORK/src/$1
	[ -f "$dst/.stamp" ] && return 0
	apt-cache showsrc "$pkg" 2>/dev/null | grep '^Package:' >/dev/null ||
		die "apt knows no source package $pkg: enable deb-src (sh tests/install-deps.sh does) and apt-get update"
	local dl=$WORK/src/dl-$pkg v ok=
	rm -rf "$dl" "$dst"
	mkdir -p "$dl"
	# Newest version first; a security update may be listed but not yet on
	# the mirror, so fall back to the older ones.
	for v in $(apt-cache showsrc "$pkg" | awk -v p="$pkg" '/^Package:/{q=($2==p)} q&&/^Version:/{print $2}' | sort -urV); do
		log "apt-get source $pkg=$v"
		if (cd "$dl" && apt-get -o APT::Sandbox::User=root source --download-only "$pkg=$v") >"$dl.log" 2>&1; then
			ok=1; break
		fi
		rm -f "$dl"/*
	done
	[ -n "$ok" ] || { tail -5 "$dl.log" >&2; die "apt-get source $pkg failed"; }
	dpkg-source -x "$dl"/*.dsc "$dl/tree" >>"$dl.log" 2>&1 || { tail -20 "$dl.log" >&2; die "dpkg-source -x failed"; }
	mv "$dl/tree" "$dst"
	basename "$dl"/*.dsc >"$dst/.stamp"
	rm -rf "$dl" "$dl.log"
}

# pcompile OUTDIR FLAGS -- SRC...: each SRC to OUTDIR/<basename>.o, $JOBS at a time
pcompile() {
	local out=$1; shift
	local flags=()
	while [ "$1" != -- ]; do flags+=("$1"); shift; done
	shift
	export PC_OUT=$out PC_CMD
	PC_CMD=$(printf '%q ' musl-gcc $CFLAGS "${flags[@]}")
	printf '%s\n' "$@" | xargs -d '\n' -P "$JOBS" -n 1 bash -c '
		s=$1; b=${s##*/}; o=$PC_OUT/${b%.*}.o
		eval "$PC_CMD -c \"\$s\" -o \"\$o\"" || { echo "FAILED: $s" >&2; exit 255; }
	' _
}

# freeze NAME CHECK DESC VARIANTS-JSON -- COMMAND...: run COMMAND (a compiler
# driver link using -B$REC) with the freezer on, then write meta.json.
freeze() {
	local name=$1 check=$2 desc=$3 variants=$4; shift 5
	local d=$WORK/frozen/$name
	rm -rf "$d"
	BENCH_FREEZE_DIR=$d "$@" || die "link of $name failed"
	[ -f "$d/args.json" ] || die "freezing $name recorded nothing (did the driver use $REC/ld?)"
	python3 - "$d/meta.json" "$name" "$check" "$desc" "$variants" <<'EOF'
import json, sys
p, name, check, desc, variants = sys.argv[1:]
json.dump({"name": name, "check": check, "desc": desc, "variants": json.loads(variants)},
          open(p, "w"), indent=1)
EOF
}
DEFAULT='[{"name": "", "extra": []}]'

# --- workload: synthetic -----------------------------------------------------------
build_synth() {
	local name=synth-$SIZE src=$WORK/build/synth-$FILES
	local key="$CCVER|$CFLAGS|$FILES|$FUNCS|$(md5sum <"$HERE/gen.py" | cut -c1-12)|$(recipe_key build_synth)"
	stamp_ok "$WORK/frozen/$name" "$key" && return 0
	local t0; t0=$(now)
	if ! stamp_ok "$src" "$key"; then
		rm -rf "$src"; mkdir -p "$src"
		python3 "$HERE/gen.py" --files "$FILES" --funcs "$FUNCS" "$src"
		log "compiling $((FILES + 1)) synthetic files with -g -ffunction-sections ($JOBS jobs)"
		(cd "$src" && pcompile "$src" -ffunction-sections -fdata-sections -- main.c f*.c) ||
			die "compiling the synthetic program failed"
		# archives: members as gen.py's layout.txt says
		awk '$2 != "-" { print $2, $1 }' "$src/layout.txt" | sort -k1,1 -s |
			awk '{ m[$1] = m[$1] " " $2 } END { for (a in m) print a m[a] }' |
			while read -r a members; do
				(cd "$src" && ar rcs "$a" $members && rm $members)
			done
		stamp "$src" "$key"
	fi
	local objs=() libs=()
	mapfile -t objs < <(awk '$2 == "-" { print $1 }' "$src/layout.txt")
	# upper layers call lower ones: archives from the highest-numbered down,
	# so even GNU ld needs no --start-group
	mapfile -t libs < <(cd "$src" && ls libsynth*.a | sort -t h -k2 -rn)
	local desc="Synthetic program from bench/gen.py: $FILES files x $FUNCS functions, -O2 -g -ffunction-sections -fdata-sections; ${#objs[@]} objects on the command line, ${#libs[@]} archives; 15 % dead functions, 15 % identical clones."
	(cd "$src" && freeze "$name" synth "$desc" \
		'[{"name": "", "extra": []}, {"name": "--gc-sections", "extra": ["--gc-sections"]}, {"name": "--gc-sections --icf=all", "extra": ["--gc-sections", "--icf=all"]}]' -- \
		musl-gcc -static -B"$REC" -o "$src/synth" main.o "${objs[@]}" "${libs[@]}")
	cp "$src/expected.txt" "$WORK/frozen/$name/"
	"$src/synth" | cmp -s - "$src/expected.txt" || die "the synthetic program linked by GNU ld does not run correctly"
	stamp "$WORK/frozen/$name" "$key"
	log "synthetic workload ready ($(du -sh "$WORK/frozen/$name/inputs" | cut -f1) of inputs, $(( $(now) - t0 ))s)"
}

# --- workloads: sqlite3, lua, zstd ---------------------------------------------------
build_sqlite3() {
	fetch sqlite3
	local s=$WORK/src/sqlite3 a=$WORK/src/sqlite3-amalg o=$WORK/build/sqlite3
	local key="$CCVER|$CFLAGS|$(cat "$s/.stamp")|$(recipe_key build_sqlite3)"
	stamp_ok "$WORK/frozen/sqlite3" "$key" && return 0
	if ! stamp_ok "$a" "$(cat "$s/.stamp")"; then
		# Debian's sqlite3 source has no amalgamation: make it (host cc, tclsh)
		log "generating sqlite3.c and shell.c"
		rm -rf "$a"; mkdir -p "$a/bld"
		(cd "$a/bld" && "$s/configure" --disable-tcl --enable-fts5 CC=cc &&
			make -j"$JOBS" CROSS_BUILDING=no sqlite3.c shell.c) >"$a/gen.log" 2>&1 ||
			{ tail -20 "$a/gen.log" >&2; die "sqlite3 amalgamation failed"; }
		cp "$a"/bld/{sqlite3.c,sqlite3.h,sqlite3ext.h,shell.c} "$a/" && rm -rf "$a/bld"
		stamp "$a" "$(cat "$s/.stamp")"
	fi
	log "compiling sqlite3"
	rm -rf "$o"; mkdir -p "$o"
	pcompile "$o" -I"$a" -DSQLITE_THREADSAFE=0 -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_MATH_FUNCTIONS \
		-DSQLITE_OMIT_LOAD_EXTENSION -- "$a/sqlite3.c" "$a/shell.c" || die "compiling sqlite3 failed"
	ar rcs "$o/libsqlite3.a" "$o/sqlite3.o" && rm "$o/sqlite3.o"
	freeze sqlite3 sqlite3 "sqlite3 shell ($(cat "$s/.stamp")) with FTS5, math functions; library in an archive." "$DEFAULT" -- \
		musl-gcc -static -B"$REC" -o "$o/sqlite3" "$o/shell.o" "$o/libsqlite3.a" -lm
	stamp "$WORK/frozen/sqlite3" "$key"
}

build_lua() {
	fetch lua5.4
	local s=$WORK/src/lua5.4/src o=$WORK/build/lua f libsrc=() objs=()
	local key="$CCVER|$CFLAGS|$(cat "$WORK/src/lua5.4/.stamp")|$(recipe_key build_lua)"
	stamp_ok "$WORK/frozen/lua" "$key" && return 0
	log "compiling lua 5.4"
	rm -rf "$o"; mkdir -p "$o"
	# Debian's luaconf.h patch includes this generated header.
	printf '#define DEB_HOST_MULTIARCH "x86_64-linux-musl"\n' >"$o/lua5.4-deb-multiarch.h"
	for f in "$s"/*.c; do
		case ${f##*/} in lua.c|luac.c) ;; *) libsrc+=("$f"); b=${f##*/}; objs+=("$o/${b%.c}.o") ;; esac
	done
	pcompile "$o" -std=gnu99 -I"$o" -DLUA_COMPAT_5_3 -DLUA_USE_POSIX -- "$s/lua.c" "${libsrc[@]}" ||
		die "compiling lua failed"
	ar rcs "$o/liblua.a" "${objs[@]}" && rm "${objs[@]}"
	freeze lua lua "lua 5.4 interpreter ($(cat "$WORK/src/lua5.4/.stamp")); library in an archive." "$DEFAULT" -- \
		musl-gcc -static -B"$REC" -o "$o/lua" "$o/lua.o" "$o/liblua.a" -lm
	stamp "$WORK/frozen/lua" "$key"
}

build_zstd() {
	fetch libzstd
	local s=$WORK/src/libzstd o=$WORK/build/zstd
	local key="$CCVER|$CFLAGS|$(cat "$s/.stamp")|$(recipe_key build_zstd)"
	stamp_ok "$WORK/frozen/zstd" "$key" && return 0
	log "compiling zstd"
	rm -rf "$o"; mkdir -p "$o/lib"
	local fl=(-I"$s/lib" -I"$s/lib/common" -DZSTD_LEGACY_SUPPORT=0 -DZSTD_MULTITHREAD -pthread
		-DBACKTRACE_ENABLE=0 -DXXH_NAMESPACE=ZSTD_)
	pcompile "$o/lib" "${fl[@]}" -- "$s"/lib/common/*.c "$s"/lib/compress/*.c "$s"/lib/decompress/*.c \
		"$s"/lib/decompress/*.S "$s"/lib/dictBuilder/*.c || die "compiling libzstd failed"
	pcompile "$o" "${fl[@]}" -- "$s"/programs/*.c || die "compiling the zstd CLI failed"
	ar rcs "$o/libzstd.a" "$o"/lib/*.o && rm -rf "${o:?}/lib"
	freeze zstd zstd "zstd CLI ($(cat "$s/.stamp")), multithreaded, no legacy formats; library in an archive." "$DEFAULT" -- \
		musl-gcc -static -B"$REC" -pthread -o "$o/zstd" "$o"/*.o "$o/libzstd.a"
	stamp "$WORK/frozen/zstd" "$key"
}

# --- workload: CPython 3.11 ----------------------------------------------------------
build_cpython() {
	fetch python3.11
	local s=$WORK/src/python3.11 o=$WORK/build/cpython
	local key="$CCVER|$CFLAGS|$(cat "$s/.stamp")|$(recipe_key build_cpython)"
	stamp_ok "$WORK/frozen/cpython" "$key" && return 0
	local t0; t0=$(now)
	if ! stamp_ok "$o" "$key"; then
		log "configuring and compiling CPython 3.11 (core interpreter, static; a few minutes)"
		rm -rf "$o"; mkdir -p "$o"
		(cd "$o" && "$s/configure" CC="$WORK/bin/musl-cc" CFLAGS="$CFLAGS" LDFLAGS=-static \
			--disable-shared --without-ensurepip --without-static-libpython) >"$o/configure.log" 2>&1 ||
			{ tail -20 "$o/configure.log" >&2; die "CPython configure failed (log: $o/configure.log)"; }
		make -C "$o" -j"$JOBS" python >"$o/make.log" 2>&1 ||
			{ tail -20 "$o/make.log" >&2; die "CPython make failed (log: $o/make.log)"; }
		stamp "$o" "$key"
	fi
	# Re-run only the final link of `make python`, through the freezer.
	rm -f "$o/python"
	freeze cpython cpython "CPython 3.11 interpreter ($(cat "$s/.stamp")), musl-gcc -static, built-in modules of Modules/Setup.bootstrap; objects (no archive) + libc.a." "$DEFAULT" -- \
		make -C "$o" python LINKCC="$WORK/bin/musl-cc -B$REC" >/dev/null
	mkdir -p "$WORK/frozen/cpython/pyhome/lib"
	ln -sfn "$s/Lib" "$WORK/frozen/cpython/pyhome/lib/python3.11"
	stamp "$WORK/frozen/cpython" "$key"
	log "CPython ready ($(( $(now) - t0 ))s)"
}

# --- workload: a Go cgo program, externally linked ---------------------------------
# Go's external linking runs the C compiler driver; with -B the final link
# goes through the freezer. Go probes the driver first and, since GNU ld
# takes it, passes -Wl,--compress-debug-sections=zlib: the frozen link asks
# for compressed DWARF, as every Go external link does. The variants time
# it without compression and stripped.
build_go() {
	local o=$WORK/build/go
	local key="$(go version)|$CCVER|$(md5sum <"$HERE/goprog/main.go" | cut -c1-12)|$(recipe_key build_go)"
	stamp_ok "$WORK/frozen/go" "$key" && return 0
	log "building the Go cgo program (go build -linkmode external)"
	rm -rf "$o"; mkdir -p "$o"
	cp "$HERE/goprog/main.go" "$o/"
	printf 'module goprog\n\ngo 1.19\n' >"$o/go.mod"
	freeze go go "Go cgo program (bench/goprog: HTTP over loopback, JSON, regexp, gzip, templates; $(go version | cut -d' ' -f3)), \`go build -ldflags '-linkmode external -extld musl-gcc'\`; Go asks for --compress-debug-sections=zlib." \
		'[{"name": "", "extra": []}, {"name": "--compress-debug-sections=none", "extra": ["--compress-debug-sections=none"]}, {"name": "--strip-debug", "extra": ["--strip-debug"]}]' -- \
		sh -c 'cd "$1" && GOCACHE="$2/gocache" GOFLAGS=-mod=mod CGO_ENABLED=1 CC=musl-gcc \
			go build -ldflags "-linkmode external -extld musl-gcc -extldflags \"-static -B$3\"" -o goprog .' \
			sh "$o" "$WORK" "$REC"
	stamp "$WORK/frozen/go" "$key"
}

# --- main ----------------------------------------------------------------------------
frozen=()
for w in $ONLY; do
	case $w in
	synth) build_synth; frozen+=("$WORK/frozen/synth-$SIZE") ;;
	sqlite3|lua|zstd|cpython|go) "build_$w"; frozen+=("$WORK/frozen/$w") ;;
	*) die "unknown workload '$w' (synth sqlite3 lua zstd cpython go)" ;;
	esac
done

log "timing ${#frozen[@]} workloads, $RUNS runs each"
RESULTS=${BENCH_RESULTS:-$HERE/results}
python3 "$HERE/bench.py" --smelt "$SMELT" --timer "$TIMER" --runs "$RUNS" --out "$RESULTS" \
	--threads1 "synth-$SIZE,cpython" --stats "synth-$SIZE" \
	--note "Workload size: --size $SIZE${QUICK:+ (--quick)}." \
	"${frozen[@]}"
log "wrote $RESULTS/results.md, results.svg and results.json"
