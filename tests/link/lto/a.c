/* LTO bytecode (gcc -flto): main, a function only bytecode calls, one a
 * regular object calls, a weak variable a regular object defines. */
#include <stdio.h>
int lib_twice(int);     /* libl.a(l1.o), bytecode */
int reg_add(int, int);  /* reg.o, regular code */
extern int shared_counter;
int used_by_regular = 7;
static int ir_only(int x) { return x * 3; }
int ir_exported(int x) { return ir_only(x) + 1; }
__attribute__((weak)) int weak_val = 1;
int main(void) {
  printf("lib_twice %d\n", lib_twice(21));
  printf("reg_add %d\n", reg_add(2, 3));
  printf("weak_val %d\n", weak_val);
  printf("counter %d\n", shared_counter);
  return 0;
}
