#include <stdio.h>
#include <stdlib.h>
__attribute__((constructor(102))) static void c102(void) { puts("ctor 102"); }
__attribute__((constructor(101))) static void c101(void) { puts("ctor 101"); }
__attribute__((constructor(65535))) static void c65535(void) { puts("ctor 65535"); }
__attribute__((constructor)) static void cplain(void) { puts("ctor plain"); }
__attribute__((destructor(101))) static void d101(void) { puts("dtor 101"); }
__attribute__((destructor(200))) static void d200(void) { puts("dtor 200"); }
__attribute__((destructor)) static void dplain(void) { puts("dtor plain"); }
static void first(void) { puts("atexit first"); }
static void second(void) { puts("atexit second"); }
int main(void)
{
  atexit(first);
  atexit(second);
  puts("main");
  return 0;
}
