#include <stdio.h>

/* three identical functions: --icf=all folds them into one, unless
 * --keep-unique names one of them */
int f1(int x) { return x * 13 + 7; }
int f2(int x) { return x * 13 + 7; }
int f3(int x) { return x * 13 + 7; }
int (*volatile p1)(int) = f1, (*volatile p2)(int) = f2, (*volatile p3)(int) = f3;

int main(void) {
  printf("f1==f2 %d f1==f3 %d sum %d\n", p1 == p2, p1 == p3, p1(1) + p2(2) + p3(3));
  return 0;
}
