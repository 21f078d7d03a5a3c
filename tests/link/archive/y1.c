int x2(void);
int y1(void) { return 20 + x2(); }
