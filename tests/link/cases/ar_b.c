int c(void);
int b(void) { return 10 + c(); }
