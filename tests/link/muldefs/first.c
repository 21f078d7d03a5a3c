int value = 1;
int pick(void) { return 10; }
