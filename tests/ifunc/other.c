/* Compiled -fPIC -fno-plt: &scale and the call both go through the GOT. */
int scale(int);
int (*other_scale_ptr(void))(int) { return scale; }
int other_call(int x) { return scale(x) + 1; }
