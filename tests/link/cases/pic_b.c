int data_b = 21;
int fn_b(int x) { return x + 100; }
