/* --symbol-ordering-file (order.txt: fourth, third, table_a, second):
 * each named symbol's section first in its output section, in the file's
 * order, a static function's too; the others after them as they were.
 * Built with -ffunction-sections -fdata-sections. */
#include <stdint.h>
#include <stdio.h>

__attribute__((noinline)) int first(int x) { return x + 1; }
__attribute__((noinline)) int second(int x) { return x * 2; }
__attribute__((noinline)) static int third(int x) { return x - 3; }
__attribute__((noinline)) int fourth(int x) { return x * x; }
int table_a[4] = {1, 2, 3, 4};
int table_b[4] = {5, 6, 7, 8};

static uintptr_t at(int (*f)(int)) { return (uintptr_t)f; }

int main(void) {
  int (*volatile t)(int) = third;
  printf("sum %d\n", first(1) + second(2) + t(10) + fourth(3) + table_a[1] + table_b[2]);
  printf("text: fourth < third %d, third < second %d, second < first %d\n",
         at(fourth) < at(t), at(t) < at(second), at(second) < at(first));
  printf("data: table_a < table_b %d\n", (uintptr_t)table_a < (uintptr_t)table_b);
  return 0;
}
