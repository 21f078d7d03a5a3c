/* Later member of libc2.a with another c(): the first member wins. */
#include <stdio.h>
int c(void) { return 9; }
__attribute__((constructor)) static void pulled(void) { puts("C_DUP MEMBER PULLED"); }
