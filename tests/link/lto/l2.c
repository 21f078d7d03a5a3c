/* An archive member in bytecode that nothing needs: never compiled into
 * the program, so its constructor never runs. */
#include <stdio.h>
__attribute__((constructor)) static void announce(void) { puts("unneeded member linked"); }
int never_called(void) { return 0; }
