#include <stdio.h>
extern int data_b;
extern int *ptr_to_data_c;
int fn_b(int);
int fn_c(int);
int (*fn_ptr_from_c(void))(int);
int main(void)
{
  printf("data_b=%d via_c=%d fn_b=%d fn_c=%d same_fn=%d same_data=%d\n", data_b,
         *ptr_to_data_c, fn_b(1), fn_c(2), fn_ptr_from_c() == fn_b, ptr_to_data_c == &data_b);
  return 0;
}
