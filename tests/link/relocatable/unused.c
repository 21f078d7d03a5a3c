/* in libx.a: nothing refers to it, so -r leaves it out */
int unused_func(void) { return 42; }
