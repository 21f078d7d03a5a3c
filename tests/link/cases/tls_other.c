__thread int tls_other = 1000;
int other_get(void) { return tls_other; }
void other_add(int n) { tls_other += n; }
