#include <stdio.h>

struct point {
  int x, y;
};

static int scale(const struct point *p, int factor)
{
  int product = (p->x + p->y) * factor;
  printf("product %d\n", product);
  return product;
}

int main(int argc, char **argv)
{
  struct point origin = {argc + 1, argc + 2};
  return scale(&origin, 6) < 0;
}
