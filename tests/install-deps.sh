#!/bin/sh
# Installs what building and testing smelt needs on Debian 12, if missing.
# Also enables deb-src entries, so tests/real can `apt-get source` programs.
set -eu

pkgs="meson ninja-build pkg-config cmake gcc libxxhash-dev libmimalloc-dev zlib1g-dev libzstd-dev libssl-dev
  libcriterion-dev musl-tools binutils dpkg-dev file gdb"

# cross toolchains for the i386 and aarch64 tests (not gcc-multilib: it
# conflicts); aarch64 programs run under qemu-user
pkgs="$pkgs gcc-i686-linux-gnu musl-dev:i386 gcc-aarch64-linux-gnu musl-dev:arm64 qemu-user
  python3 tcl"
# the cross compilers' glibc headers (only recommended by them): tests/go
# compiles cgo for 386 and arm64 with these compilers
pkgs="$pkgs libc6-dev-i386-cross libc6-dev-arm64-cross"

# Go external linking through smelt-cc (tests/go): Go 1.19 and Debian's
# go-sqlite3 for the seed scenario; g++ for smelt-cc's C++ exception test
pkgs="$pkgs golang-go golang-github-mattn-go-sqlite3-dev make g++"
# the sanitizer build and the libFuzzer harnesses (tests/fuzz); lld reads
# what smelt -r writes in tests/link, as another linker would
pkgs="$pkgs clang-14 libclang-rt-14-dev lld"
# llvm-ar makes tests/link's archive of LLVM bitcode for LTO through
# LLVMgold.so (clang-14 only recommends llvm-14)
pkgs="$pkgs llvm-14"
# BOLT rewrites what smelt --emit-relocs writes in tests/link
pkgs="$pkgs bolt-15"

missing=""
for p in $pkgs; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done

sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"

need_update=false
for arch in i386 arm64; do
  if ! dpkg --print-foreign-architectures | grep -qx $arch; then
    $sudo dpkg --add-architecture $arch
    need_update=true
  fi
done
if ! grep -rqs '^Types:.*deb-src\|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources |
      $sudo tee /etc/apt/sources.list.d/smelt-deb-src.sources >/dev/null
  elif [ -f /etc/apt/sources.list ]; then
    sed -n 's/^deb /deb-src /p' /etc/apt/sources.list |
      $sudo tee /etc/apt/sources.list.d/smelt-deb-src.list >/dev/null
  fi
  need_update=true
fi

if [ -n "$missing" ] || $need_update; then
  export DEBIAN_FRONTEND=noninteractive
  # a mirror that is mid-sync fails some indexes; what did download is enough
  $sudo apt-get update -qq || echo "apt-get update reported errors; continuing"
fi
if [ -n "$missing" ]; then
  echo "installing:$missing"
  # shellcheck disable=SC2086
  $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
    { sleep 10; $sudo apt-get update -qq || true;
      $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null; }
fi
