/* The stack walk of unwind.c and unwind_gc_walk.c: _Unwind_Backtrace from
 * inner(), called by middle(), names each frame by the start of the
 * function its FDE covers (found through PT_GNU_EH_FRAME). */
#include <stdio.h>
#include <unwind.h>

struct walk {
  int n;
  void *fn[32];
};

static _Unwind_Reason_Code step(struct _Unwind_Context *c, void *arg) {
  struct walk *w = arg;
  if (w->n < 32)
    w->fn[w->n++] = _Unwind_FindEnclosingFunction((void *)_Unwind_GetIP(c));
  return _URC_NO_REASON;
}

__attribute__((noinline)) int inner(struct walk *w) {
  int r = _Unwind_Backtrace(step, w);
  __asm__ volatile("" ::: "memory");
  return r;
}

__attribute__((noinline)) int middle(struct walk *w) {
  int r = inner(w);
  __asm__ volatile("" ::: "memory");
  return r + 1;
}

/* Prints the frames of want[0..n) found in order in w; whether all were. */
static int found_in_order(const struct walk *w, const char *const *names, void *const *want,
                          int n) {
  int k = 0;
  for (int i = 0; i < w->n && k < n; i++)
    if (w->fn[i] == want[k])
      printf("frame %s\n", names[k++]);
  printf("%s\n", k == n ? "backtrace ok" : "backtrace incomplete");
  return k == n;
}
