#include <stdio.h>
int counter;            /* tentative: common with -fcommon */
int table[100000];      /* big .bss */
int initialized = 7;
int shared_with_b;
void bump(int n);
int main(void)
{
  bump(5);
  table[99999] = 3;
  printf("counter=%d initialized=%d shared=%d tail=%d zero=%d\n", counter, initialized,
         shared_with_b, table[99999], table[12345]);
  return 0;
}
