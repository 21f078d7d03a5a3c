#include <stdio.h>
int value = 3;
__attribute__((constructor)) static void pulled(void) { puts("EXTRA MEMBER PULLED"); }
