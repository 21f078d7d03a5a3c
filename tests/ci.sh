#!/bin/sh
# The whole test suite from a fresh Debian 12 machine: install what is
# missing, build, and run every suite (unit, link, bad, real).
set -eu
cd "$(dirname "$0")/.."
sh tests/install-deps.sh
[ -d build ] || meson setup build
ninja -C build
meson test -C build --print-errorlogs --num-processes 1 "$@"
