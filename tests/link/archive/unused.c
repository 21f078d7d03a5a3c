/* Nobody references unused_fn: pulling this member would print and
 * define main_global twice. */
#include <stdio.h>
int main_global = 99;
int unused_fn(void) { return main_global; }
__attribute__((constructor)) static void pulled(void) { puts("UNUSED MEMBER PULLED"); }
