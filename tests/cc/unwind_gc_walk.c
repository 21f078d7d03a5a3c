/* Walks its own stack with _Unwind_Backtrace, as unwind.c does, through
 * through() of unwind_gc_dead.c and from functions whose FDEs come after
 * that object's in .eh_frame: the walk reaches main only if every FDE on
 * the way is relocated and listed in .eh_frame_hdr. */
#include <stdio.h>
#include <unwind.h>

int main(void);
int through(int (*f)(void));

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

int walk(void) {
  struct walk w = {0};
  middle(&w);
  const char *names[] = {"inner", "middle", "walk", "through", "main"};
  void *want[] = {(void *)inner, (void *)middle, (void *)walk, (void *)through, (void *)main};
  int k = 0;
  for (int i = 0; i < w.n && k < 5; i++)
    if (w.fn[i] == want[k])
      printf("frame %s\n", names[k++]);
  printf("%s\n", k == 5 ? "backtrace ok" : "backtrace incomplete");
  return k == 5;
}
