/* The walk of walk.h, from functions whose FDEs come after those of
 * unwind_gc_dead.c in .eh_frame, through through() of that object: it
 * reaches main only if every FDE on the way is relocated and listed in
 * .eh_frame_hdr. */
#include "walk.h"

int main(void);
int through(int (*f)(void));

int walk(void) {
  struct walk w = {0};
  middle(&w);
  const char *names[] = {"inner", "middle", "walk", "through", "main"};
  void *want[] = {(void *)inner, (void *)middle, (void *)walk, (void *)through, (void *)main};
  return found_in_order(&w, names, want, 5);
}
