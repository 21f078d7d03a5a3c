/* value() calling twice() through a pointer, where twice is nobti.s's: a
 * function without a BTI landing pad */
int twice(int);
int (*volatile fp)(int) = twice;
int value(void) { return fp(21); }
