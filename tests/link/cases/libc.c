#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
static void nested(int depth)
{
  if (depth == 0) {
    printf("exiting from depth 0\n");
    fflush(stdout);
    exit(3);
  }
  nested(depth - 1);
}
static void bye(void) { puts("atexit ran"); }
int main(void)
{
  int v[] = {5, 3, 9, 1, 7};
  qsort(v, 5, sizeof(int), cmp);
  char buf[64];
  snprintf(buf, sizeof(buf), "%.3f %g %e", strtod("3.14159", NULL), 1e-5, 12345.678);
  printf("%d %d %d %d %d | %s | %zu\n", v[0], v[1], v[2], v[3], v[4], buf, strlen(buf));
  atexit(bye);
  nested(5);
  return 0;
}
