int counter;
int shared_with_b = 11;
void bump(int n) { counter += n * 2; }
