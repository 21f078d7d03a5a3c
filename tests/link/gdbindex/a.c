#include <stdio.h>

struct point {
  int x, y;
};

int b_func(struct point *p, int k);
int counter = 5;

static __attribute__((noinline)) int helper(int v) { return v * 3; }

int main(int argc, char **argv) {
  (void)argv;
  struct point p = {2, 3};
  printf("b_func %d\n", b_func(&p, helper(argc)));
  printf("counter %d\n", counter);
  return 0;
}
