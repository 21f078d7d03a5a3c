int c_len(const char *s);
int c_call_go(int a, int b);
int c_tls_count(int n);
const char *c_getenv(void);
