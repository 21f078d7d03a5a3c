int x2(void) { return 3; }
