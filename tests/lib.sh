# Shared by the end-to-end suites (tests/*/run.sh), sourced once BUILD and
# SRC are set: a scratch directory, made the working directory and removed
# at exit; PASS/FAIL lines with their counters (each prefixed by $LABEL
# when that is set, as per-target suites set it to the target); and the
# musl toolchain of a target. A suite ends with `[ "$fails" = 0 ]`.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
passes=0 fails=0
pass() { echo "PASS: ${LABEL:+$LABEL: }$1"; passes=$((passes + 1)); }
fail() { echo "FAIL: ${LABEL:+$LABEL: }$1"; fails=$((fails + 1)); }
# show FILE [LINES]: its first lines, indented under a FAIL line
show() { sed 's/^/    | /' "$1" | head -"${2:-12}"; }
# must CMD...: test setup that cannot fail, or the suite stops
must() { "$@" || { echo "FAIL: test setup: $*"; exit 1; }; }

# use_target ARCH: sets GCC (the target's gcc), CC (it with musl's specs),
# RUN (qemu-user where the host cannot run the target, else empty), EMUL
# (the -m emulation) and M (musl's library directory); exits 77 (skipped)
# when the toolchain or qemu is missing.
use_target() {
  case $1 in
  x86_64) GCC=gcc EMUL=elf_x86_64 RUN="" ;;
  i386) GCC=i686-linux-gnu-gcc EMUL=elf_i386 RUN="" ;;
  aarch64) GCC=aarch64-linux-gnu-gcc EMUL=aarch64linux RUN=qemu-aarch64 ;;
  *) echo "unknown arch $1"; exit 2 ;;
  esac
  M=/usr/lib/$1-linux-musl
  if [ "$1" = x86_64 ]; then CC=musl-gcc; else CC="$GCC -specs $M/musl-gcc.specs"; fi
  command -v ${CC%% *} >/dev/null || { echo "no compiler for $1"; exit 77; }
  [ -z "$RUN" ] || command -v $RUN >/dev/null || { echo "no $RUN for $1"; exit 77; }
}
