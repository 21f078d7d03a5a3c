/* IFUNC in a static musl program: resolvers chosen at start-up (by an
 * environment variable, so that the choice is made at run time, not at
 * link time), a global and a file-local IFUNC, pointers to an IFUNC in
 * data, read-only data and another file (taken through the GOT there and
 * compared here), a --defsym alias, a call from a constructor (resolvers run before every
 * constructor), and gcc's target_clones on x86. Prints what `expected`
 * (IFUNC_PICK unset) and `expected.b` (IFUNC_PICK=b) hold. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int resolved_scale, resolved_twice;

static int pick_b(void) {
  const char *e = getenv("IFUNC_PICK");
  return e && !strcmp(e, "b");
}

static int scale_a(int x) { return x * 10; }
static int scale_b(int x) { return x * 100; }

static void *resolve_scale(void) {
  resolved_scale++;
  return pick_b() ? (void *)scale_b : (void *)scale_a;
}
int scale(int) __attribute__((ifunc("resolve_scale")));

static int twice_a(int x) { return x + x; }
static int twice_b(int x) { return -(x + x); }
static void *resolve_twice(void) {
  resolved_twice++;
  return pick_b() ? (void *)twice_b : (void *)twice_a;
}
static int twice(int) __attribute__((ifunc("resolve_twice"), used));

int (*scale_ptr)(int) = scale;
static int (*const scale_ro)(int) = scale;
static int (*volatile twice_ptr)(int) = twice;

int (*other_scale_ptr(void))(int); /* other.c: &scale through the GOT */
int other_call(int x);             /* other.c: scale(x), -fno-plt */
int other_alias(int x);            /* other.c: through --defsym=scale_alias=scale */

static int from_ctor;
__attribute__((constructor(101))) static void early(void) { from_ctor = scale(7); }

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target_clones("avx2", "default"), noinline)) int sum(const int *v, int n) {
  int s = 0;
  for (int i = 0; i < n; i++)
    s += v[i];
  return s;
}
#else
__attribute__((noinline)) int sum(const int *v, int n) {
  int s = 0;
  for (int i = 0; i < n; i++)
    s += v[i];
  return s;
}
#endif

int main(void) {
  int (*volatile ro)(int) = scale_ro;
  int v[64];
  for (int i = 0; i < 64; i++)
    v[i] = i;
  printf("scale(3) = %d\n", scale(3));
  printf("through data: %d, read-only data: %d\n", scale_ptr(4), ro(5));
  printf("other file: %d, through an alias: %d\n", other_call(6), other_alias(8));
  printf("constructor: %d\n", from_ctor);
  printf("local: twice(21) = %d, through a pointer %d\n", twice(21), twice_ptr(22));
  printf("pointers equal: %s\n",
         other_scale_ptr() == scale_ptr && scale_ptr == ro && ro == &scale ? "yes" : "no");
  printf("sum = %d\n", sum(v, 64));
  printf("resolved once: %d %d\n", resolved_scale, resolved_twice);
  return 0;
}
