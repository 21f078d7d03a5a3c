/* Thread-local storage, compiled once per TLS access model (the flags come
 * from run.sh). Wrong TLS offsets, a wrong template (.tdata/.tbss) or a
 * wrong relaxation read another variable's value. */
#include <stdint.h>
#include <stdio.h>

__thread int tls_init = 42;
__thread int tls_zero;
__thread char tls_arr[64] = { 1, 2, 3 };
__thread int tls_aligned __attribute__((aligned(64))) = 5;
static __thread long tls_static = 7;
static __thread int tls_static_zero;
__thread int tls_common __attribute__((common)); /* common in other.c too: .tbss */
extern __thread int other_init;
extern __thread long other_zero;

int *other_tls_init_addr(void);
long *other_zero_addr(void);
int *other_tls_common_addr(void);
void other_work(void);
int other_static_value(void);

static long sum_arr(void)
{
	long s = 0;
	for (int i = 0; i < 64; i++)
		s += tls_arr[i];
	return s;
}

int main(void)
{
	printf("initial: %d %d %ld %d %ld %d %d %ld\n", tls_init, tls_zero, sum_arr(), tls_aligned,
	       tls_static, tls_static_zero, other_init, other_zero);
	printf("same tls_init from both objects %d, other_zero %d\n",
	       &tls_init == other_tls_init_addr(), &other_zero == other_zero_addr());
	printf("tls_aligned aligned %d\n", (uintptr_t)&tls_aligned % 64 == 0);
	printf("tls_common %d, same from both objects %d\n", tls_common,
	       &tls_common == other_tls_common_addr());
	printf("distinct %d\n", (void *)&tls_init != (void *)&tls_zero &&
	       (void *)&tls_zero != (void *)&other_init && (void *)&tls_static != (void *)&other_zero);
	other_work();
	other_work();
	tls_zero += 3;
	tls_static_zero -= 4;
	tls_arr[63] = 10;
	tls_common += 1;
	printf("after: %d %d %ld %d %ld %d %d %ld %d %d\n", tls_init, tls_zero, sum_arr(), tls_aligned,
	       tls_static, tls_static_zero, other_init, other_zero, other_static_value(), tls_common);
	return 0;
}
