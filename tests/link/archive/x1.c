int y1(void);
int x1(void) { return 1000 + y1(); }
