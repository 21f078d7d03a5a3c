/* Compiled -fPIC -fno-plt: &scale and the call both go through the GOT.
 * scale_alias is --defsym=scale_alias=scale. */
int scale(int);
int scale_alias(int);
int (*other_scale_ptr(void))(int) { return scale; }
int other_call(int x) { return scale(x) + 1; }
int other_alias(int x) { return scale_alias(x) + 2; }
