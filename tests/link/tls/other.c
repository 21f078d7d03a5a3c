__thread int other_init = 100;
__thread long other_zero;
static __thread int other_static = -1;
extern __thread int tls_init;
__thread int tls_common __attribute__((common));

int *other_tls_init_addr(void) { return &tls_init; }
long *other_zero_addr(void) { return &other_zero; }
int *other_tls_common_addr(void) { return &tls_common; }
int other_static_value(void) { return other_static; }

void other_work(void)
{
	tls_init += 1;
	other_init *= 2;
	other_zero += 1000;
	other_static *= 3;
	tls_common += 10;
}
