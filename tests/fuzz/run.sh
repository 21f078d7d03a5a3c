#!/bin/sh
# Builds the libFuzzer harnesses (clang, ASan+UBSan, build dir build-fuzz)
# and runs each for SECONDS (default 60) on one core, starting from the
# checked-in seeds; new corpus entries go to a scratch copy, crashes to
# build-fuzz/fuzz-artifacts/. Exit status 1 if any harness found a crash,
# a hang or a broken promise about the output file.
# FUZZ_SEED picks libFuzzer's seed (default: a fresh one per run).
# usage: run.sh [SECONDS] [HARNESS...]   (harnesses: read link)
set -eu
cd "$(dirname "$0")/../.."
SECS=${1:-60}
[ $# -gt 0 ] && shift
HARNESSES=${*:-read link}
CC=${CC:-clang-14}
command -v "$CC" >/dev/null || { echo "fuzz: $CC not found"; exit 77; }
B=build-fuzz
# One build at a time: a second run (the other harness, on the other
# core) waits for the first one's build instead of relinking under it.
mkdir -p $B
exec 9>$B/build.lock
flock 9
[ -f $B/build.ninja ] || CC=$CC meson setup $B -Dfuzz=true -Dmimalloc=false -Db_lto=false \
  -Db_sanitize=address,undefined -Dtests=disabled -Dbuildtype=debugoptimized >/dev/null
# ninja prints compiler errors on stdout: show them when the build fails
ninja -C $B tests/fuzz/fuzz-read tests/fuzz/fuzz-link >$B/build.log 2>&1 ||
  { echo "fuzz: build failed"; grep -E 'error|FAILED' $B/build.log | head -20; exit 1; }
flock -u 9
mkdir -p $B/fuzz-artifacts
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=abort_on_error=0:detect_leaks=0
status=0
for h in $HARNESSES; do
  work=$B/fuzz-corpus/$h
  mkdir -p "$work"
  echo "fuzz-$h: $SECS s${FUZZ_SEED:+, seed $FUZZ_SEED}"
  # -timeout above the child's own limit (10 s): a hang is caught, with its
  # input, by the harness
  if ! $B/tests/fuzz/fuzz-$h -max_total_time="$SECS" -timeout=30 -rss_limit_mb=4096 \
      -max_len=65536 -print_final_stats=1 -seed="${FUZZ_SEED:-0}" \
      -artifact_prefix=$B/fuzz-artifacts/$h- "$work" tests/fuzz/corpus/$h \
      >$B/fuzz-$h.log 2>&1; then
    echo "fuzz-$h: FAILED, see $B/fuzz-$h.log and $B/fuzz-artifacts/"
    grep -E 'ERROR|fuzz:|SUMMARY' $B/fuzz-$h.log | head -20
    status=1
  fi
  grep -E '^stat::(number_of_executed_units|peak_rss_mb|new_units_added)|DONE' $B/fuzz-$h.log | tail -4
done
exit $status
