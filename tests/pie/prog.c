/* A static PIE that only runs right if every load-time relocation was
 * made and applied: pointers in data and read-only-after-relocation data
 * (function and string tables), init/fini arrays, stdio's FILE pointers
 * (musl's .data.rel), TLS and threads, setjmp, qsort's callback, a weak
 * undefined function (stays 0), the linker's own symbols. It prints
 * nothing that depends on the load address; run.sh reads that from
 * stderr. */
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct op {
  const char *name;
  int (*fn)(int, int);
};
static int add(int a, int b) { return a + b; }
static int mul(int a, int b) { return a * b; }
static const struct op ops[] = {{"add", add}, {"mul", mul}}; /* .data.rel.ro */
static const char *words[] = {"pear", "apple", "fig"};      /* .data */
static int table[4] = {10, 20, 30, 40};
static int *cursor = &table[2];                              /* a pointer into .data */
static __thread int tls = 7;
static __thread char tls_buf[32] = "thread-local";
static __thread int *tls_ptr = &table[1]; /* a pointer in the TLS template */
static int thread_saw;
static int order;
static int first, second;
__attribute__((constructor(101))) static void ctor_a(void) { first = ++order; }
__attribute__((constructor(102))) static void ctor_b(void) { second = ++order; }
__attribute__((destructor)) static void dtor(void) { printf("destructor ran\n"); }
extern void not_linked(void) __attribute__((weak));
extern char __ehdr_start[], _end[];
static jmp_buf jb;

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static void *worker(void *arg) {
  tls += (int)(intptr_t)arg;
  strcat(tls_buf, "+");
  thread_saw = *tls_ptr;
  return (void *)(intptr_t)(tls * 100 + (int)strlen(tls_buf));
}
static void jump(int v) { longjmp(jb, v); }

int main(void) {
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    printf("%s(6, 7) = %d\n", ops[i].name, ops[i].fn(6, 7));
  qsort(words, 3, sizeof words[0], cmp);
  printf("sorted: %s %s %s\n", words[0], words[1], words[2]);
  printf("cursor: %d, next %d\n", *cursor, cursor[1]);
  printf("constructors: %d then %d\n", first, second);
  pthread_t t;
  void *ret;
  pthread_create(&t, NULL, worker, (void *)(intptr_t)5);
  pthread_join(t, &ret);
  printf("tls: main %d %s, thread %ld\n", tls, tls_buf, (long)(intptr_t)ret);
  printf("tls pointer: main %d, thread %d\n", *tls_ptr, thread_saw);
  int v = setjmp(jb);
  if (!v)
    jump(3);
  printf("longjmp: %d\n", v);
  printf("weak undefined: %s\n", not_linked ? "linked" : "null");
  char *heap = malloc(1 << 20);
  snprintf(heap, 64, "%.3f", 2.0 / 3);
  printf("heap: %s\n", heap);
  printf("image: header below main %d, _end above table %d\n",
         (uintptr_t)__ehdr_start < (uintptr_t)main, (uintptr_t)_end > (uintptr_t)table);
  fprintf(stderr, "base %p\n", (void *)__ehdr_start);
  return 0;
}
