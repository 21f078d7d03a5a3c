/* SIZE bytes of initialized data: the output file is about that large,
 * while the inputs stay under the 32 MiB that make a link small (its
 * passes on one thread). The sum reads one byte of every page. */
#include <stdio.h>

unsigned char big[SIZE] = {1, [SIZE / 2] = 2, [SIZE - 1] = 3};

int main(void) {
  unsigned sum = 0;
  for (unsigned i = 0; i < SIZE; i += 4096)
    sum += big[i];
  printf("%u %u %u\n", big[0] + big[SIZE / 2] + big[SIZE - 1], sum, (unsigned)sizeof(big) >> 20);
  return 0;
}
