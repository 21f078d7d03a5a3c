#!/bin/sh
# Go external linking through smelt-cc, as users do it:
#   go build -ldflags '-linkmode external -extld smelt-cc'
# for GOARCH amd64, 386 and arm64 (arm64 runs under qemu-aarch64; 386
# natively, qemu-i386 cannot run Go 386 binaries), once with the cgo parts
# compiled by the Debian (cross) gcc and once with CC=smelt-cc as well.
# Every binary must print the expected output and be static (no INTERP, no
# DYNAMIC); Go's probed flags must have been kept (-Qunused-arguments,
# -Wl,--compress-debug-sections=zlib: .debug_info is SHF_COMPRESSED).
#
# The seed scenario, amd64 only (the sqlite3 compile is the slow part):
# github.com/mattn/go-sqlite3 from Debian's golang-github-mattn-go-sqlite3-dev
# (GOPATH=/usr/share/gocode, GO111MODULE=off) with -tags fts5. Debian's
# package links the system libsqlite3 (-lsqlite3), so a musl libsqlite3.a is
# built with smelt-cc from the sqlite3 amalgamation that tests/real
# generates from Debian's sqlite3 source; it is cached under
# ${SMELT_CACHE:-/var/cache/smelt-tests}/go-sqlite3/.
#
# usage: run.sh BUILD [ARCH...]   ARCH: amd64 386 arm64 sqlite (default: all)
# Exit status: 0 all passed, 1 some failure, 77 no Go, 99 setup error.
set -u
BUILD=$(cd "$1" && pwd)
shift
SRC=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$SRC/../.." && pwd)
ARCHES=${*:-amd64 386 arm64 sqlite}
command -v go >/dev/null || { echo "go not installed"; exit 77; }
CACHE=${SMELT_CACHE:-/var/cache/smelt-tests}
mkdir -p "$CACHE" 2>/dev/null && [ -w "$CACHE" ] || CACHE=$BUILD/test-cache

export PATH="$BUILD:$PATH" GO111MODULE=off GOFLAGS= GOPATH=/usr/share/gocode
export GOCACHE="$BUILD/go-test-cache" GOTMPDIR="" SMELT_GO_TEST=yes
unset CGO_CFLAGS CGO_LDFLAGS GOOS GOARCH CC 2>/dev/null
[ "$(command -v smelt-cc)" = "$BUILD/smelt-cc" ] || { echo "smelt-cc is not $BUILD/smelt-cc"; exit 99; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
passes=0 fails=0
pass() { echo "PASS: $1"; passes=$((passes + 1)); }
fail() { echo "FAIL: $1"; fails=$((fails + 1)); }
show() { sed 's/^/    /' "$1" | tail -${2:-20}; }

# verify LABEL BIN EXPECTED RUNNER LOG: output, static, probed flags kept
verify() {
  label=$1 bin=$2 want=$3 runner=$4 log=$5
  why=""
  $runner "$bin" >"$bin.out" 2>"$bin.err" || why="$why exit $?;"
  cmp -s "$bin.out" "$want" || why="$why output differs;"
  segs=$(readelf -lW "$bin" 2>&1 | awk '$1 == "INTERP" || $1 == "DYNAMIC" { print $1 }' | tr '\n' ' ')
  [ -z "$segs" ] || why="$why has $segs;"
  readelf -SW "$bin" | awk '/ \.debug_info / && / C /' | grep -q . || why="$why .debug_info not compressed;"
  hostlink=$(grep '^host link:' "$log")
  case $hostlink in
  *'"smelt-cc"'*'"-Wl,--compress-debug-sections=zlib"'*) ;;
  *) why="$why go did not link with smelt-cc -Wl,--compress-debug-sections=zlib;" ;;
  esac
  case $hostlink in *'"-Qunused-arguments"'*) ;; *) why="$why -Qunused-arguments probe failed;" ;; esac
  if [ -z "$why" ]; then
    pass "$label"
  else
    fail "$label:$why"
    diff -u "$want" "$bin.out" | sed 's/^/    /' | head -20
    show "$bin.err" 5
  fi
}

# gobuild LOG OUT DIR [env...]: go build $TAGS, the link external through smelt-cc
TAGS=""
gobuild() {
  log=$1 out=$2 dir=$3; shift 3
  # shellcheck disable=SC2086
  ( cd "$dir" && env "$@" go build $TAGS -ldflags '-linkmode external -extld smelt-cc -v' -o "$out" . ) >"$log" 2>&1
}

cgo_case() {  # GOARCH GCC SMELTCC RUNNER
  goarch=$1 gcc=$2 scc=$3 runner=$4
  d=$W/cgo-$goarch
  cp -r "$SRC/cgo" "$d"
  if gobuild "$d/extld.log" "$d/extld" "$d" GOARCH=$goarch CGO_ENABLED=1 CC="$gcc"; then
    verify "$goarch: -extld smelt-cc (cgo compiled by $gcc)" "$d/extld" "$SRC/cgo/expected" "$runner" "$d/extld.log"
  else
    fail "$goarch: go build -extld smelt-cc"; show "$d/extld.log"
  fi
  if gobuild "$d/cc.log" "$d/cc" "$d" GOARCH=$goarch CGO_ENABLED=1 CC="$scc"; then
    verify "$goarch: CC=$scc and -extld smelt-cc" "$d/cc" "$SRC/cgo/expected" "$runner" "$d/cc.log"
  else
    fail "$goarch: CC=$scc go build -extld smelt-cc"; show "$d/cc.log"
  fi
  # -buildmode=pie with -extldflags -static-pie: a static PIE (on 386 its
  # TLS loads carry two relocations on one field, GOTPC and TLS_GOTIE)
  if ( cd "$d" && env GOARCH=$goarch CGO_ENABLED=1 CC="$gcc" go build -buildmode=pie \
    -ldflags '-linkmode external -extld smelt-cc -extldflags -static-pie' -o "$d/pie" . ) \
    >"$d/pie.log" 2>&1; then
    why=""
    $runner "$d/pie" >"$d/pie.out" 2>&1 || why="$why exit $?;"
    cmp -s "$d/pie.out" "$SRC/cgo/expected" || why="$why output differs;"
    readelf -hW "$d/pie" | grep -q 'Type: *DYN' || why="$why not ET_DYN;"
    ! readelf -lW "$d/pie" | grep -q '^ *INTERP' || why="$why has PT_INTERP;"
    [ -z "$why" ] && pass "$goarch: -buildmode=pie -extldflags -static-pie: a static PIE" ||
      { fail "$goarch: -buildmode=pie static PIE:$why"; show "$d/pie.out" 8; }
  else
    fail "$goarch: go build -buildmode=pie -extldflags -static-pie"; show "$d/pie.log"
  fi
}

# A musl libsqlite3.a and its header, built once per sqlite3 source and compiler.
sqlite_lib() {
  amalg=$CACHE/src/sqlite3-amalg
  if [ ! -f "$amalg/sqlite3.c" ]; then
    echo "go: generating the sqlite3 amalgamation with tests/real"
    SMELT_CACHE=$CACHE SMELT_REAL_PROGS=sqlite3 sh "$TOP/tests/real/run.sh" "$BUILD" x86_64 \
      >"$W/real.log" 2>&1
    [ -f "$amalg/sqlite3.c" ] || { show "$W/real.log"; return 1; }
  fi
  flags="-O1 -DSQLITE_THREADSAFE=1 -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_FTS3 -DSQLITE_ENABLE_RTREE -DHAVE_USLEEP=1"
  key="$(cat "$amalg/.stamp" 2>/dev/null) | $(x86_64-linux-gnu-gcc -dumpfullversion 2>/dev/null) | $flags"
  lib=$CACHE/go-sqlite3
  [ -f "$lib/.stamp" ] && [ "$(cat "$lib/.stamp")" = "$key" ] && return 0
  echo "go: compiling sqlite3.c for musl (cached in $lib)"
  rm -rf "$lib.tmp" && mkdir -p "$lib.tmp" || return 1
  # shellcheck disable=SC2086
  smelt-cc --target=x86_64-linux-musl $flags -c "$amalg/sqlite3.c" -o "$lib.tmp/sqlite3.o" &&
    ar rcs "$lib.tmp/libsqlite3.a" "$lib.tmp/sqlite3.o" && rm "$lib.tmp/sqlite3.o" &&
    cp "$amalg/sqlite3.h" "$amalg/sqlite3ext.h" "$lib.tmp/" || return 1
  echo "$key" >"$lib.tmp/.stamp"
  rm -rf "$lib" && mv "$lib.tmp" "$lib"
}

for a in $ARCHES; do
  case $a in
  amd64) cgo_case amd64 x86_64-linux-gnu-gcc smelt-cc "" ;;
  386)
    if command -v i686-linux-gnu-gcc >/dev/null; then
      cgo_case 386 i686-linux-gnu-gcc smelt-cc ""
    else
      echo "SKIP: 386: no i686-linux-gnu-gcc"
    fi ;;
  arm64)
    if command -v aarch64-linux-gnu-gcc >/dev/null && command -v qemu-aarch64 >/dev/null; then
      cgo_case arm64 aarch64-linux-gnu-gcc aarch64-linux-musl-smelt-cc qemu-aarch64
    else
      echo "SKIP: arm64: no aarch64-linux-gnu-gcc or qemu-aarch64"
    fi ;;
  sqlite)
    [ -d /usr/share/gocode/src/github.com/mattn/go-sqlite3 ] ||
      { echo "go: golang-github-mattn-go-sqlite3-dev is not installed"; exit 99; }
    sqlite_lib || { echo "go: SETUP ERROR: no musl libsqlite3.a"; exit 99; }
    d=$W/sqlite
    cp -r "$SRC/sqlite" "$d"
    TAGS="-tags fts5"
    if gobuild "$d/build.log" "$d/sq" "$d" CGO_ENABLED=1 CC=smelt-cc \
         CGO_CFLAGS="-g -O2 -I$CACHE/go-sqlite3" CGO_LDFLAGS="-g -O2 -L$CACHE/go-sqlite3"; then
      verify "go-sqlite3 with FTS5, CC=smelt-cc -extld smelt-cc" "$d/sq" "$SRC/sqlite/expected" "" "$d/build.log"
    else
      fail "go-sqlite3 build"; show "$d/build.log" 30
    fi
    TAGS="" ;;
  *) echo "unknown case $a"; exit 2 ;;
  esac
done

echo "go: $passes passed, $fails failed"
[ $fails = 0 ]
