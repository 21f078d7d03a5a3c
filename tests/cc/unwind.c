/* Walks its own stack with _Unwind_Backtrace and names each frame by the
 * start of the function its FDE covers. Linking needs _dl_find_object
 * (Debian's libgcc_eh.a), and the walk only reaches main if the FDEs are
 * found through PT_GNU_EH_FRAME. */
#include "walk.h"

int main(void) {
  struct walk w = {0};
  middle(&w);
  const char *names[] = {"inner", "middle", "main"};
  void *want[] = {(void *)inner, (void *)middle, (void *)main};
  return found_in_order(&w, names, want, 3) ? 0 : 1;
}
