#!/bin/sh
# The whole test suite from a fresh Debian 12 machine: install what is
# missing, build, and run every suite (unit, link, bad, debug, size, real);
# then the same suites once more under AddressSanitizer and UBSan
# (build-san), and each libFuzzer harness for FUZZ_SECONDS (default 90).
# Extra arguments go to the first `meson test`.
set -eu
cd "$(dirname "$0")/.."
sh tests/install-deps.sh
[ -d build ] || meson setup build
ninja -C build
meson test -C build --print-errorlogs --num-processes 1 "$@"

# Sanitizers: every object allocated on its own (-Dmimalloc=false) so that
# ASan sees its bounds; no LTO. A sanitizer report exits 98/99, never the 1
# of an ordinary link error, so the negative tests cannot mistake one for
# the other. Leak checking is off: smelt and smelt-cc are one-shot
# processes whose memory lives until exit by design (arenas, argument
# vectors), as a compiler driver's does.
[ -d build-san ] || meson setup build-san -Db_sanitize=address,undefined -Db_lto=false \
  -Dmimalloc=false -Dbuildtype=debugoptimized
ninja -C build-san
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=99 ASAN_OPTIONS=exitcode=98:detect_leaks=0 \
  meson test -C build-san --print-errorlogs --num-processes 1

# Fuzzing, bounded: a few minutes here from a fixed seed, so that a run's
# verdict repeats; longer and from fresh seeds by hand (tests/fuzz/run.sh 3600).
FUZZ_SEED=${FUZZ_SEED:-1} sh tests/fuzz/run.sh "${FUZZ_SECONDS:-90}"
