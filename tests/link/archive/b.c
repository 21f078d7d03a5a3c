int c(void);
int b_data = 42;
int b(void) { return 10 + c(); }
