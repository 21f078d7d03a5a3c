/* Entries of a C-identifier-named section, mymeta, found through
 * __start_mymeta and __stop_mymeta: one marked retain (SHF_GNU_RETAIN),
 * one not, in other.c. Under --gc-sections both are kept (GNU ld's rule:
 * __start_/__stop_ keep such sections); with -z start-stop-gc only the
 * retained one is. */
#include <stdio.h>

extern const int __start_mymeta[], __stop_mymeta[];
__attribute__((section("mymeta"), used, retain)) static const int kept = 7;

int main(void) {
  int n = (int)(__stop_mymeta - __start_mymeta), sum = 0;
  for (int i = 0; i < n; i++)
    sum += __start_mymeta[i];
  printf("%d entries, sum %d\n", n, sum);
  return 0;
}
