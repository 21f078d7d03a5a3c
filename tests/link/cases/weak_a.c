#include <stdio.h>
__attribute__((weak)) const char *who(void) { return "weak"; }
extern int maybe_function(void) __attribute__((weak));
extern int maybe_data __attribute__((weak));
__attribute__((weak)) int overridden_data = 1;
int main(void)
{
  printf("who=%s data=%d fn=%s var=%s\n", who(), overridden_data,
         maybe_function ? "present" : "absent", &maybe_data ? "present" : "absent");
  return 0;
}
