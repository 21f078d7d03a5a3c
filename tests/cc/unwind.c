/* Walks its own stack with _Unwind_Backtrace and names each frame by the
 * start of the function its FDE covers. Linking needs _dl_find_object
 * (Debian's libgcc_eh.a), and the walk only reaches main if the FDEs are
 * found through PT_GNU_EH_FRAME. */
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

int main(void) {
  struct walk w = {0};
  middle(&w);
  const char *names[] = {"inner", "middle", "main"};
  void *want[] = {(void *)inner, (void *)middle, (void *)main};
  int k = 0;
  for (int i = 0; i < w.n && k < 3; i++)
    if (w.fn[i] == want[k])
      printf("frame %s\n", names[k++]);
  printf("%s\n", k == 3 ? "backtrace ok" : "backtrace incomplete");
  return k == 3 ? 0 : 1;
}
