int g1_helper(int);
int g2(int x) { return g1_helper(x) + 1; }
