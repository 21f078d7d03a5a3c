int g2(int);
int g1(void) { return g2(3); }
int g1_helper(int x) { return x * 7; }
