#!/bin/sh
# smelt-cc as the C compiler of make, meson and cmake projects (the
# README's recipes): native x86_64, i386 through -m32 and aarch64 through
# a meson cross file and a cmake toolchain setting. The programs start a
# thread and must be static.
# usage: buildsys.sh BUILD
set -u
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$(dirname "$0")/proj" && pwd)
export PATH="$BUILD:$PATH"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
passes=0 fails=0
pass() { echo "PASS: $1"; passes=$((passes + 1)); }
fail() { echo "FAIL: $1"; fails=$((fails + 1)); }
# verify LABEL BIN [RUNNER]
verify() {
  out=$(${3:-} "$2" 2>&1)
  segs=$(readelf -lW "$2" 2>&1 | awk '$1 == "INTERP" || $1 == "DYNAMIC"')
  if [ "$out" = "thread ok" ] && [ -z "$segs" ]; then pass "$1"; else fail "$1: output '$out' $segs"; fi
}
# try LABEL LOG CMD...: run a build step, report its log on failure
try() {
  label=$1 log=$2; shift 2
  "$@" >"$log" 2>&1 && return 0
  fail "$label: $*"; sed 's/^/    /' "$log" | tail -15; return 1
}

cp -r "$SRC" "$W/p" && cd "$W/p"
try make mk.log make CC=smelt-cc CFLAGS=-O2 && verify "make CC=smelt-cc" ./demo
rm -f demo
try "make -m32" mk32.log make CC="smelt-cc -m32" && verify "make CC='smelt-cc -m32'" ./demo
if command -v meson >/dev/null && command -v ninja >/dev/null; then
  try meson ms.log env CC=smelt-cc meson setup "$W/bm" && try ninja nj.log ninja -C "$W/bm" &&
    verify "meson with CC=smelt-cc" "$W/bm/demo"
  # find_library('m') must find musl's libm.a, not the host's
  if [ -f "$W/bm/build.ninja" ]; then
    grep -q '/usr/lib/x86_64-linux-gnu/libm\|/lib/x86_64-linux-gnu/libm' "$W/bm/build.ninja" &&
      fail "meson find_library('m') found the host's libm"
  fi
  if command -v qemu-aarch64 >/dev/null && command -v aarch64-linux-gnu-gcc >/dev/null; then
    printf "[binaries]\nc = 'aarch64-linux-musl-smelt-cc'\nexe_wrapper = 'qemu-aarch64'\n[host_machine]\nsystem = 'linux'\ncpu_family = 'aarch64'\ncpu = 'aarch64'\nendian = 'little'\n" >"$W/cross.txt"
    try "meson cross" msx.log meson setup --cross-file "$W/cross.txt" "$W/bx" &&
      try ninja njx.log ninja -C "$W/bx" && verify "meson cross file, aarch64-linux-musl-smelt-cc" "$W/bx/demo" qemu-aarch64
  fi
fi
if command -v cmake >/dev/null; then
  try cmake cm.log env CC=smelt-cc cmake -S . -B "$W/bc" && try "cmake --build" cb.log cmake --build "$W/bc" &&
    verify "cmake with CC=smelt-cc" "$W/bc/demo"
  if command -v qemu-aarch64 >/dev/null && command -v aarch64-linux-gnu-gcc >/dev/null; then
    try "cmake cross" cmx.log cmake -S . -B "$W/bcx" -DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR=aarch64 \
      -DCMAKE_C_COMPILER=aarch64-linux-musl-smelt-cc && try "cmake --build" cbx.log cmake --build "$W/bcx" &&
      verify "cmake cross, aarch64-linux-musl-smelt-cc" "$W/bcx/demo" qemu-aarch64
  fi
fi
echo "build systems: $passes passed, $fails failed"
[ $fails = 0 ]
