__asm__(".ident \"smelt-test ident\"");

int f(void) { return 42; }
