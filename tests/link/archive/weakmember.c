/* Only a weak reference names weak_only: the member must not be extracted. */
#include <stdio.h>
void weak_only(void) { }
__attribute__((constructor)) static void pulled(void) { puts("WEAK MEMBER PULLED"); }
