#include <stdio.h>
/* Pulling this member would print at start-up and clash with main. */
__attribute__((constructor)) static void oops(void) { puts("unused member was linked"); }
int never_referenced(void) { return 0; }
