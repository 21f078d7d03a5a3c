#!/bin/sh
# Regenerates the seed corpora in corpus/read and corpus/link from C and
# the musl toolchains of the three targets. The seeds are checked in, so
# this runs only by hand; what it writes is small (well under 1 MB).
# usage: make-corpus.sh
set -eu
cd "$(dirname "$0")"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# found-* are inputs that once crashed the linker (kept; CI replays them)
mkdir -p corpus/read corpus/link
find corpus -type f ! -name 'found-*' -delete

# Self-contained programs (no libc): main is the entry of the fuzzed link.
cat >"$T/basic.c" <<'C'
static const char msg[] = "hello";
int counter = 3;
int zeroed[16];
__thread int tls_var = 5;
static int helper(int x) { return x * counter + msg[x & 3]; }
int fn_a(int x) { return x + 1; }
int fn_b(int x) { return x + 1; }
int main(void) { return helper(zeroed[1]) + tls_var + fn_a(1) + fn_b(2); }
C
cat >"$T/ctors.c" <<'C'
static int v;
__attribute__((constructor(200))) static void early(void) { v = 1; }
__attribute__((constructor)) static void late(void) { v *= 3; }
__attribute__((destructor)) static void bye(void) { v = 0; }
const char *names[] = {"one", "two", "three"};
int main(void) { return v + (int)names[1][0]; }
C
cat >"$T/common.c" <<'C'
int shared_common;
__attribute__((weak)) int maybe(void) { return 7; }
extern int undefined_weak(void) __attribute__((weak));
int main(void) { return shared_common + maybe() + (undefined_weak ? undefined_weak() : 0); }
C
cat >"$T/switch.c" <<'C'
int main(int argc, char **argv) {
  switch (argc) {
  case 1: return 10; case 2: return 20; case 3: return 31; case 4: return 44;
  case 5: return 52; case 6: return 67; default: return argv[0][0];
  }
}
C
cat >"$T/ifunc.c" <<'C'
static int impl_a(int x) { return x + 1; }
static int impl_b(int x) { return x * 2; }
static void *resolve(void) { return (void *)impl_b; }
int pick(int) __attribute__((ifunc("resolve")));
int (*ptr)(int) = pick;
int main(void) { return pick(3) + ptr(4) + (impl_a(0) & 0); }
C
for arch in x86_64 i386 aarch64; do
  case $arch in
  x86_64) CC="musl-gcc" ;;
  i386) CC="i686-linux-gnu-gcc -specs /usr/lib/i386-linux-musl/musl-gcc.specs" ;;
  aarch64) CC="aarch64-linux-gnu-gcc -specs /usr/lib/aarch64-linux-musl/musl-gcc.specs" ;;
  esac
  for p in basic ctors common switch ifunc; do
    $CC -O1 -c "$T/$p.c" -o corpus/link/$arch-$p.o
  done
  $CC -O1 -ffunction-sections -fdata-sections -c "$T/basic.c" -o corpus/link/$arch-basic-sections.o
  $CC -O1 -fpic -c "$T/basic.c" -o corpus/link/$arch-basic-pic.o
  $CC -O1 -g -c "$T/switch.c" -o corpus/link/$arch-switch-g.o
done
musl-gcc -O1 -g -gz=zlib -c "$T/basic.c" -o corpus/link/x86_64-basic-gz.o
# .note.gnu.property: x86 IBT/SHSTK, aarch64 BTI/PAC
musl-gcc -O1 -fcf-protection=full -c "$T/basic.c" -o corpus/link/x86_64-basic-cet.o
aarch64-linux-gnu-gcc -specs /usr/lib/aarch64-linux-musl/musl-gcc.specs -O1 \
  -mbranch-protection=standard -c "$T/basic.c" -o corpus/link/aarch64-basic-bti.o
musl-gcc -O0 -g -c "$T/ctors.c" -o corpus/link/x86_64-ctors-g.o
# -r: the top bit of fuzz-link's option bytes (the last two), set in copies
# of some seeds (bytes after the section headers change nothing else)
for f in x86_64-ctors-g x86_64-basic-sections i386-basic aarch64-switch-g; do
  { cat corpus/link/$f.o; printf '\200\000'; } >corpus/link/$f-r.o
done

# --gdb-index: the low bit of the third byte from the end, set in objects
# with the name tables (DWARF 5 with range lists; DWARF 4 on i386)
musl-gcc -O1 -g -ggnu-pubnames -ffunction-sections -c "$T/basic.c" -o "$T/gi5.o"
i686-linux-gnu-gcc -specs /usr/lib/i386-linux-musl/musl-gcc.specs -O1 -g -gdwarf-4 \
  -ggnu-pubnames -c "$T/switch.c" -o "$T/gi4.o"
{ cat "$T/gi5.o"; printf '\001\000\000'; } >corpus/link/x86_64-basic-gdb-index.o
{ cat "$T/gi4.o"; printf '\001\000\000'; } >corpus/link/i386-switch-gdb-index.o

# clang's call graph profile (.llvm.call-graph-profile, REL relocations)
cat >"$T/cgprofile.c" <<'C'
__attribute__((noinline)) int f1(int x) { return x + 1; }
__attribute__((noinline)) int f2(int x) { return f1(x) * 2; }
__attribute__((noinline)) int f3(int x) { return x - 3; }
int main(void) { return f2(3) + f3(1); }
__asm__(".cg_profile main, f2, 1000\n.cg_profile f2, f1, 900\n.cg_profile main, f3, 5");
C
for t in x86_64 aarch64; do
  clang-14 -target $t-linux-gnu -O1 -ffunction-sections -c "$T/cgprofile.c" -o corpus/link/$t-cgprofile.o
done

# The readers see the same objects, real libc members and archives.
cp corpus/link/*.o corpus/read/
(cd "$T" && ar x /usr/lib/x86_64-linux-musl/libc.a strlen.lo memcpy.lo printf.lo atexit.lo __libc_start_main.lo)
for m in strlen memcpy printf atexit __libc_start_main; do cp "$T/$m.lo" corpus/read/libc-$m.o; done
ar rcs corpus/read/small.a corpus/link/x86_64-basic.o corpus/link/x86_64-common.o
(cd "$T" && cp "$OLDPWD/corpus/link/x86_64-switch.o" a-member-with-a-long-name.o &&
  ar rcs long.a a-member-with-a-long-name.o strlen.lo)
cp "$T/long.a" corpus/read/long-names.a
ar rcsT corpus/read/thin.a corpus/link/x86_64-basic.o 2>/dev/null || true
# input scripts (a library's GROUP in place of an archive), naming a seed
printf '/* libm.a */\nOUTPUT_FORMAT(elf64-x86-64)\nGROUP ( corpus/read/small.a AS_NEEDED ( -lm ) )\n' \
  >corpus/read/script-group.a
printf 'SEARCH_DIR("/nonexistent") INPUT(-l:x.a, "a b.o" =/y.a);\n' >corpus/read/script-input.a
du -sh corpus
