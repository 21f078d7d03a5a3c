/* A call through a function pointer: with the output marked for IBT or
 * BTI, the target must start with a landing pad (endbr, bti c), which
 * -fcf-protection / -mbranch-protection put there. */
static int twice(int x) { return 2 * x; }
int (*volatile fp)(int) = twice;
int value(void) { return fp(21); }
