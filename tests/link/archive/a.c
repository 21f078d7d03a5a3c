int b(void);
int a(void) { return 100 + b(); }
